package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.store.LhCompatibility;
import dev.lorehub.node.store.LhViolation;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The invariants that must hold on every running node at every moment, faults or not. */
final class InvariantChecks {
    private InvariantChecks() {
    }

    /** lh can read every row: {@link LhCompatibility#check} through the lh-like writer's own connection. */
    static List<String> lhValid(SimNode n) {
        try {
            List<String> out = new ArrayList<>();
            for (LhViolation v : n.lh.compatibility().check()) {
                out.add(v.describe());
                if (out.size() >= 3) {
                    break;
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("checking " + n + "'s tables failed: " + e.getMessage(), e);
        }
    }

    /**
     * No resurrection: a lore whose every head (among the events this node holds, all of whose
     * ancestors it holds) is an authorised delete must be absent from the node's lores table.
     * Returns a description of the first violation, or null.
     */
    static String resurrection(SimNode n, RealmId realm, EventCatalog catalog) {
        String local = n.localRealm(realm);
        if (local == null) {
            return null;
        }
        Set<String> shown;
        try {
            shown = n.lh.loreIds(local);
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + n + "'s lores failed: " + e.getMessage(), e);
        }
        // a lore none of whose events is a delete cannot have only deletes for heads: only the others are looked at
        for (String key : catalog.entitiesWithDelete(EntityKind.LORE)) {
            String lore = EventCatalog.entityOf(key);
            if (!shown.contains(lore)) {
                continue;
            }
            List<EventCatalog.Info> held = new ArrayList<>();
            for (EventId id : catalog.eventsOf(key)) {
                if (n.held.contains(id) && catalog.get(id).realm().equals(realm)) {
                    held.add(catalog.get(id));
                }
            }
            if (held.isEmpty()) {
                continue;
            }
            Set<EventId> ids = new HashSet<>();
            Set<EventId> superseded = new HashSet<>();
            for (EventCatalog.Info e : held) {
                ids.add(e.id());
                superseded.addAll(e.change().parents());
            }
            if (!ids.containsAll(superseded)) {
                continue; // an ancestor has not arrived: the node cannot know yet
            }
            boolean allDeletes = true;
            List<EventCatalog.Info> heads = new ArrayList<>();
            for (EventCatalog.Info e : held) {
                if (!superseded.contains(e.id())) {
                    heads.add(e);
                    allDeletes &= e.change().deleted();
                }
            }
            if (!allDeletes) {
                continue;
            }
            boolean authorised = true;
            for (EventCatalog.Info h : heads) {
                authorised &= n.replica.authorized(realm, h.id());
            }
            if (authorised) {
                return "resurrection on " + n + ": lore " + lore + " is shown by lh although every head of its history is a "
                    + "delete (" + heads.size() + (heads.size() == 1 ? " head" : " heads") + ", " + held.size() + " events held)";
            }
        }
        return null;
    }
}

package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.core.MembershipEvent;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.StorageException;
import dev.lorehub.node.remote.BackendConfig;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.remote.RemoteSync;
import dev.lorehub.node.remote.ReplicaEvents;
import dev.lorehub.node.store.ChangeCapture;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.query.NodeQuery;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code status --json} prints, built in one place for both of its sources: the running
 * daemon (asked over the control socket, with its live peer states; the CLI then opens no database)
 * and the CLI itself when no daemon answers (from a read-only look at the database and the peer
 * states the node recorded). The CLI's text output is rendered from this object, so both sources
 * print the same thing.
 *
 * <p>Threading: {@link #build} reads the replica, so on the daemon it runs on the node thread.
 */
public final class StatusReport {
    /**
     * What the process holding the data directory says about itself.
     *
     * @param running          whether a node holds the data directory
     * @param busy             why no daemon answered although one holds it (a node run for one command), or null
     * @param discoveryWarning what the daemon says about finding peers (mDNS off or silent), or null
     * @param configError      why node.json cannot be read, or null
     */
    public record Presence(boolean running, String busy, String discoveryWarning, String configError) {
    }

    private StatusReport() {
    }

    /**
     * The status of {@code replica} (on {@code db}) in the data directory {@code home}: device,
     * peers ({@code peers}, live or recorded), realms, mass deletions, invitations, held, refused
     * and unsynced events, lh writes not yet captured, conflicts and the {@code backends}' remote state.
     */
    public static ObjectNode build(NodeHome home, LoreHubDatabase db, Replica replica, List<PeerStates.State> peers,
                                   Presence presence, List<BackendConfig> backends) throws SQLException, StorageException {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("device", replica.deviceId().toString());
        out.put("shortId", replica.deviceId().shortForm());
        out.put("dataDir", home.dataDir().toString());
        out.put("running", presence.running());
        out.put("busy", presence.busy());
        out.put("configError", presence.configError());
        out.put("discoveryWarning", presence.discoveryWarning());
        out.put("restoredAwaitingPeers", replica.restoredAwaitingPeers().map(t -> Instant.ofEpochMilli(t).toString()).orElse(null));
        peers(out.putArray("peers"), replica, peers);
        realms(out.putArray("realms"), db, replica);
        ArrayNode massDeletions = out.putArray("massDeletions");
        for (Replica.MassDeletion md : replica.openMassDeletions()) {
            massDeletions.addObject().put("realm", md.realm().toString()).put("at", Instant.ofEpochMilli(md.at()).toString())
                .put("lores", md.lores()).put("stillDeleted", md.stillDeleted())
                .put("undoTo", Instant.ofEpochMilli(md.undoTo()).toString())
                .put("undo", Doctor.undoCommand(md));
        }
        ArrayNode invitations = out.putArray("invitations");
        for (Replica.Invitation inv : replica.invitations()) {
            invitations.addObject().put("realm", inv.realm().toString()).put("name", inv.name())
                .put("role", inv.role().name().toLowerCase(Locale.ROOT))
                .put("invitedBy", inv.inviter() == null ? null : inv.inviter().toString())
                .put("founder", inv.founder().toString());
        }
        ArrayNode held = out.putArray("held");
        for (LogRows.HeldCount c : replica.events().heldCounts()) {
            held.addObject().put("realm", c.realm().toString()).put("reason", c.reason())
                .put("events", c.count()).put("example", c.example());
        }
        ArrayNode refused = out.putArray("refused");
        for (LogRows.RefusalRow f : replica.events().refusals()) {
            refused.addObject().put("from", f.source()).put("realm", f.realm().toString())
                .put("reason", f.reason()).put("events", f.count()).put("last", Instant.ofEpochMilli(f.lastAt()).toString())
                .put("example", f.lastDetail());
        }
        ArrayNode unsynced = out.putArray("unsynced");
        for (LogRows.UnsyncedRow u : replica.unsynced()) {
            unsynced.addObject().put("realm", u.realm().toString())
                .put("kind", u.kind().name().toLowerCase(Locale.ROOT))
                .put("entity", u.entity()).put("reason", u.reason()).put("since", Instant.ofEpochMilli(u.firstAt()).toString());
        }
        out.put("notYetCaptured", ChangeCapture.pendingCount(db.connection()));
        out.put("conflicts", replica.conflicts().size());
        remotes(out.putArray("remotes"), home, replica, backends);
        return out;
    }

    private static void peers(ArrayNode out, Replica replica, List<PeerStates.State> peers) {
        Map<DeviceId, Long> lastSyncs = new HashMap<>();
        for (LogRows.PeerRow p : replica.peers()) {
            lastSyncs.put(p.device(), p.lastSyncAt());
        }
        for (PeerStates.State p : peers) {
            ObjectNode n = out.addObject().put("device", p.device().toString()).put("name", p.name())
                .put("connected", p.connected());
            n.put("lastSync", iso(lastSyncs.get(p.device())));
            n.put("lastContact", iso(p.lastContact()));
            n.put("lastError", p.lastError());
            ArrayNode realms = n.putArray("realms");
            for (PeerStates.RealmState rs : p.realms()) {
                realms.addObject().put("realm", rs.realm().toString()).put("inSync", rs.inSync())
                    .put("lastSyncedAt", iso(rs.lastSyncedAt())).put("theyLack", rs.theyLack()).put("weLack", rs.weLack());
            }
        }
    }

    private static void realms(ArrayNode out, LoreHubDatabase db, Replica replica) throws SQLException, StorageException {
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new TreeMap<>(replica.realms()).entrySet()) {
            if (!e.getValue().joined()) {
                continue; // an invitation, listed on its own
            }
            Membership m = replica.membership(e.getKey());
            ObjectNode n = out.addObject().put("realm", e.getKey().toString())
                .put("name", NodeQuery.localName(db, replica, e.getValue()));
            n.put("path", NodeQuery.localPath(db, e.getValue()).orElse(null));
            Optional<DeviceId> removedBy = m.role(replica.deviceId()).isPresent()
                ? Optional.empty() : removedBy(m, replica.deviceId());
            n.put("role", m.role(replica.deviceId()).map(x -> x.name().toLowerCase(Locale.ROOT))
                .orElse(removedBy.isPresent() ? "removed" : "none"));
            n.put("removedBy", removedBy.map(Object::toString).orElse(null));
            n.put("members", m.members().size());
            n.put("events", replica.events().count(e.getKey()));
            n.put("unreadable", replica.events().opaqueEvents(e.getKey()).size());
            n.put("keyEpoch", m.currentEpoch());
            replica.legacyStatus(e.getKey()).ifPresent(l -> n.putObject("previousRelease").put("sealed", l.sealed())
                .put("seals", l.sealCount()).put("autoSeal", l.autoSealOn())
                .put("autoSealBy", l.autoSealBy() == null ? null : Instant.ofEpochMilli(l.autoSealBy()).toString()));
        }
    }

    private static void remotes(ArrayNode out, NodeHome home, Replica replica, List<BackendConfig> backends) {
        if (backends.isEmpty()) {
            return;
        }
        try (RemoteState state = RemoteState.open(home.database())) {
            var local = ReplicaEvents.direct(replica);
            for (BackendConfig b : backends) {
                RemoteState.Status st = state.status(b.name());
                ObjectNode n = out.addObject().put("name", b.name());
                n.put("lastPush", st.lastPush() == null ? null : Instant.ofEpochMilli(st.lastPush()).toString());
                n.put("lastPull", st.lastPull() == null ? null : Instant.ofEpochMilli(st.lastPull()).toString());
                n.put("eventsNotOnRemote", RemoteSync.unpushed(local, state, b.name()));
                n.put("lastError", st.lastError());
            }
        }
    }

    private static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    /**
     * Who removed {@code self} from the realm, if the membership shows it removed (the latest removal
     * naming it): a removed device still receives the realm's membership, so it learns this.
     */
    public static Optional<DeviceId> removedBy(Membership m, DeviceId self) {
        MembershipEvent latest = null;
        for (MembershipEvent e : m.events()) {
            if (e.change().op() == MembershipChange.Op.REMOVE && self.equals(e.change().subject())
                && (latest == null || e.hlc() > latest.hlc())) {
                latest = e;
            }
        }
        return Optional.ofNullable(latest).map(MembershipEvent::author);
    }
}

package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a realm's {@link Membership} from a collection of verified membership events, whatever
 * their order: admits them parents first (an admissible event is stamped after its parents, so
 * (HLC, id) order is nearly topological; events whose parents come later are retried), and
 * leaves out refused ones and those whose parents never arrive. The rules are in
 * {@link Membership}.
 *
 * <p>In a realm founded by the previous release, events of that release's format are admitted in
 * (HLC, id) order along their implicit chain, which this order gives. If seals count in the history
 * built so (see {@link Membership}, "Seals"), the history is built a second time accepting only the
 * legacy events they list. The collection is what the caller stores: the result remembers all of it,
 * refused and waiting events included, so that a later rebuild starts from the same set.
 */
public final class MembershipFold {
    private MembershipFold() {
    }

    public static Membership fold(RealmId realm, Collection<MembershipEvent> events) {
        Membership unsealed = build(realm, events, null, List.of());
        List<MembershipEvent> seals = unsealed.legacyRealm().orElse(false) ? unsealed.appliedSeals() : List.of();
        if (seals.isEmpty()) {
            return unsealed;
        }
        Set<EventId> accepted = new HashSet<>();
        List<EventId> sealIds = new ArrayList<>();
        for (MembershipEvent seal : seals) {
            accepted.addAll(LegacySeal.decode(seal.change().nonce()).ids()); // decoded when admitted
            sealIds.add(seal.id());
        }
        sealIds.sort(null);
        return build(realm, events, accepted, sealIds);
    }

    private static Membership build(RealmId realm, Collection<MembershipEvent> events, Set<EventId> sealFilter,
                                    List<EventId> countingSeals) {
        Membership m = Membership.building(realm, sealFilter, countingSeals);
        List<MembershipEvent> waiting = new ArrayList<>(events);
        waiting.sort(Comparator.comparingLong(MembershipEvent::hlc).thenComparing(MembershipEvent::id));
        boolean progress = true;
        while (progress && !waiting.isEmpty()) {
            progress = false;
            List<MembershipEvent> next = new ArrayList<>();
            for (MembershipEvent e : waiting) {
                Membership.Admission a = m.admit(e).admission();
                if (a == Membership.Admission.PENDING) {
                    next.add(e);
                } else {
                    progress = true;
                }
            }
            waiting = next;
        }
        m.built(events);
        return m;
    }
}

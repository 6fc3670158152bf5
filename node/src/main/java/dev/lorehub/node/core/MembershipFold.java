package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Builds a realm's {@link Membership} from a collection of verified membership events, whatever
 * their order: admits them parents first (an admissible event is stamped after its parents, so
 * (HLC, id) order is nearly topological; events whose parents come later are retried), and
 * leaves out refused ones and those whose parents never arrive. The rules are in
 * {@link Membership}.
 */
public final class MembershipFold {
    private MembershipFold() {
    }

    public static Membership fold(RealmId realm, Collection<MembershipEvent> events) {
        Membership m = Membership.empty(realm);
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
        return m;
    }
}

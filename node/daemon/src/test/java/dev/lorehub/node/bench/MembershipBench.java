package dev.lorehub.node.bench;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.core.Causality;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.core.MembershipEvent;
import dev.lorehub.node.core.MembershipFold;
import dev.lorehub.node.core.RealmIds;
import dev.lorehub.node.core.Role;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Membership at scale (issue 11): a realm whose history holds N membership events (default 10k):
 * a founder, ten admins it added, and the admins adding, re-roling and removing writers from a
 * pool of 1000 devices, each event citing the heads its author had seen (sometimes a stale view,
 * so branches occur). Prints the time and allocation of folding the whole history from scratch, in
 * order and shuffled, and of admitting events one at a time onto the folded state, next to the
 * cost of the rule this replaced: folding everything again for every new membership event.
 *
 * <pre>.ci/bench node MembershipBench [events=10000]</pre>
 */
public final class MembershipBench {
    private MembershipBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        History warm = History.build(2_000, 1);
        for (int i = 0; i < 5; i++) {
            MembershipFold.fold(warm.realm, warm.events);
        }
        History h = History.build(n, 2);
        long alloc0 = allocated();
        long t0 = System.nanoTime();
        Membership folded = MembershipFold.fold(h.realm, h.events);
        double foldMs = (System.nanoTime() - t0) / 1e6;
        double foldMb = (allocated() - alloc0) / 1e6;
        if (!folded.rejected().isEmpty()) {
            throw new IllegalStateException("the bench history should be honest: " + folded.rejected().size() + " refused, e.g. "
                + folded.rejected().values().iterator().next());
        }
        List<MembershipEvent> shuffled = new ArrayList<>(h.events);
        Collections.shuffle(shuffled, new Random(3));
        t0 = System.nanoTime();
        Membership fromShuffled = MembershipFold.fold(h.realm, shuffled);
        double shuffledMs = (System.nanoTime() - t0) / 1e6;
        if (!fromShuffled.members().equals(folded.members())) {
            throw new IllegalStateException("arrival order changed the members");
        }
        // incremental: the last 1000 events admitted one at a time onto the state of the ones before
        int tail = Math.min(1_000, n / 2);
        Membership base = MembershipFold.fold(h.realm, h.events.subList(0, n - tail));
        alloc0 = allocated();
        t0 = System.nanoTime();
        for (MembershipEvent e : h.events.subList(n - tail, n)) {
            base.admit(e);
        }
        double perEventUs = (System.nanoTime() - t0) / 1e3 / tail;
        double perEventKb = (allocated() - alloc0) / 1e3 / tail;
        // before: each new membership event folded everything again (refold_per_event = a full fold)
        System.out.printf("BENCH membership.fold events=%d members=%d fold_ms=%.1f fold_alloc_mb=%.1f shuffled_fold_ms=%.1f "
                + "incremental_us_per_event=%.1f incremental_alloc_kb_per_event=%.1f refold_per_event_ms=%.1f%n",
            n, folded.members().size(), foldMs, foldMb, shuffledMs, perEventUs, perEventKb, foldMs);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** A generated honest history with real causality (parents, per-author chains). */
    static final class History {
        final byte[] nonce = new byte[RealmIds.NONCE_LENGTH];
        final RealmId realm;
        final List<MembershipEvent> events = new ArrayList<>();
        final Map<DeviceId, EventId> tips = new HashMap<>();
        final Map<DeviceId, Long> seqs = new HashMap<>();
        final Map<EventId, Long> hlcs = new HashMap<>();
        int counter;

        private History(DeviceIdentity founder) {
            realm = RealmIds.derive(founder.id(), nonce);
        }

        static History build(int n, long seed) {
            Random rnd = new Random(seed);
            DeviceIdentity founder = DeviceIdentity.generate(SeededRandom.of(seed));
            History h = new History(founder);
            EventId head = h.emit(founder, new MembershipChange(MembershipChange.Op.GENESIS, founder.id(), Role.ADMIN,
                founder.publicKeys().encode(), 0, List.of(), h.nonce, null), List.of());
            List<DeviceIdentity> admins = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                DeviceIdentity a = DeviceIdentity.generate(SeededRandom.of(seed * 1000 + i));
                admins.add(a);
                head = h.emit(founder, add(a, Role.ADMIN), List.of(head));
            }
            List<DeviceIdentity> pool = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                pool.add(DeviceIdentity.generate(SeededRandom.of(seed * 100_000 + i)));
            }
            Map<DeviceId, Role> roles = new HashMap<>();
            List<EventId> recent = new ArrayList<>(List.of(head));
            List<EventId> heads = List.of(head);
            while (h.events.size() < n) {
                DeviceIdentity admin = admins.get(rnd.nextInt(admins.size()));
                DeviceIdentity who = pool.get(rnd.nextInt(pool.size()));
                Role now = roles.get(who.id());
                MembershipChange change;
                if (now == null) {
                    change = add(who, rnd.nextBoolean() ? Role.WRITE : Role.READ);
                    roles.put(who.id(), change.role());
                } else if (rnd.nextInt(4) == 0) {
                    change = new MembershipChange(MembershipChange.Op.REMOVE, who.id(), null, null, 0, List.of(), null, null);
                    roles.remove(who.id());
                } else {
                    Role next = now == Role.WRITE ? Role.READ : Role.WRITE;
                    change = new MembershipChange(MembershipChange.Op.SET_ROLE, who.id(), next, null, 0, List.of(), null, null);
                    roles.put(who.id(), next);
                }
                // mostly the latest heads; one add in four from a slightly stale view (a concurrent
                // branch: adding a new device is valid in any view); the next event merges the branches
                List<EventId> parents = change.op() == MembershipChange.Op.ADD && rnd.nextInt(4) == 0 && recent.size() > 3
                    ? List.of(recent.get(recent.size() - 1 - rnd.nextInt(3))) : heads;
                EventId id = h.emit(admin, change, parents);
                if (parents == heads) {
                    heads = List.of(id);
                } else {
                    List<EventId> merged = new ArrayList<>(heads);
                    merged.add(id);
                    heads = merged;
                }
                recent.add(id);
                if (recent.size() > 16) {
                    recent.remove(0);
                }
            }
            return h;
        }

        private static MembershipChange add(DeviceIdentity who, Role role) {
            return new MembershipChange(MembershipChange.Op.ADD, who.id(), role, who.publicKeys().encode(), 0, List.of(), null,
                null);
        }

        EventId emit(DeviceIdentity author, MembershipChange change, List<EventId> parents) {
            long hlc = 1000;
            for (EventId p : parents) {
                hlc = Math.max(hlc, hlcs.get(p) + 1);
            }
            long seq = seqs.merge(author.id(), 1L, Long::sum);
            Causality causality = new Causality(parents, seq, seq == 1 ? null : tips.get(author.id()));
            EventId id = EventId.of(ByteBuffer.allocate(8).putInt(counter++).putInt(author.id().hashCode()).array());
            events.add(new MembershipEvent(id, hlc, author.id(), change.withCausality(causality)));
            tips.put(author.id(), id);
            hlcs.put(id, hlc);
            return id;
        }
    }
}

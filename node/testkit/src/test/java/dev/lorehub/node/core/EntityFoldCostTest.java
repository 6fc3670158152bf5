package dev.lorehub.node.core;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 11: "one lore's fold costs memory quadratic in its event count". Bytes allocated per event
 * must not grow with the history: the old fold allocated an n-bit ancestor set per event (at 64k
 * events, 8 KiB per event for those alone, against about 3 KiB per event at 4k).
 */
class EntityFoldCostTest {

    @Test
    void bytesAllocatedPerEventDoNotGrowWithTheHistory() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
            "this JVM does not count the bytes a thread allocates");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count the bytes a thread allocates");
        threads.setThreadAllocatedMemoryEnabled(true);
        List<FoldEvent> small = FoldHistories.lore(4096, 21, false);
        List<FoldEvent> large = FoldHistories.lore(65_536, 22, false);
        for (int i = 0; i < 3; i++) {
            allocatedPerEvent(threads, small); // warm-up: compiled code allocates what the algorithm needs, no more
        }
        double perEventSmall = allocatedPerEvent(threads, small);
        double perEventLarge = allocatedPerEvent(threads, large);
        assertThat(perEventLarge).as("bytes per event at 64k events (%.0f at 4k)", perEventSmall)
            .isLessThan(1.5 * perEventSmall);
    }

    private static double allocatedPerEvent(com.sun.management.ThreadMXBean threads, List<FoldEvent> events) {
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        EntityState s = EntityFold.fold(EntityKind.LORE, FoldHistories.LORE, events);
        long after = threads.getThreadAllocatedBytes(thread);
        assertThat(s.isLive()).isTrue();
        return (double) (after - before) / events.size();
    }
}

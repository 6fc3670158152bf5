package dev.lorehub.node.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class WeighedLruTest {
    private static EventId id(int n) {
        return EventId.of(new byte[] {(byte) n});
    }

    private static EventBody body(int n) {
        return new EntityChange(EntityKind.LORE, "lore-" + n, true, List.of(), new TreeMap<>(), new TreeMap<>());
    }

    /** A cache bounded at 300 sealed bytes holding the bodies of events 1, 2, ... of the given sizes, in that order. */
    private static WeighedLru<EventId, EventBody> holding(int... sizes) {
        WeighedLru<EventId, EventBody> bodies = new WeighedLru<>(300);
        for (int i = 0; i < sizes.length; i++) {
            bodies.put(id(i + 1), body(i + 1), sizes[i]);
        }
        return bodies;
    }

    @Test
    void keepsBodiesUpToTheSealedBytesBoundLeastRecentlyUsedOutFirst() {
        WeighedLru<EventId, EventBody> bodies = holding(100, 100, 100);
        assertThat(bodies.get(id(1))).isEqualTo(body(1)); // now the most recently used
        bodies.put(id(4), body(4), 100);                  // over the bound: 2 was used least recently
        assertThat(bodies.get(id(2))).isNull();
        assertThat(bodies.get(id(1))).isEqualTo(body(1));
        assertThat(bodies.get(id(3))).isEqualTo(body(3));
        assertThat(bodies.get(id(4))).isEqualTo(body(4));
    }

    @Test
    void aBodyLargerThanTheBoundIsNotKeptAndEvictsNothing() {
        WeighedLru<EventId, EventBody> bodies = holding(200, 301);
        assertThat(bodies.get(id(2))).isNull();
        assertThat(bodies.get(id(1))).isEqualTo(body(1));
    }

    @Test
    void replacingABodyCountsItsBytesOnceAndClearEmptiesIt() {
        WeighedLru<EventId, EventBody> bodies = holding(150, 150);
        bodies.put(id(1), body(1), 150);
        assertThat(bodies.get(id(1))).isNotNull();
        assertThat(bodies.get(id(2))).isNotNull();
        bodies.clear();
        assertThat(bodies.get(id(1))).isNull();
    }
}

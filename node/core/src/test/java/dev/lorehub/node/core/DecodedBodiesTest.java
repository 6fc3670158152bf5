package dev.lorehub.node.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class DecodedBodiesTest {
    private static EventId id(int n) {
        return EventId.of(new byte[] {(byte) n});
    }

    private static EventBody body(int n) {
        return new EntityChange(EntityKind.LORE, "lore-" + n, true, List.of(), new TreeMap<>(), new TreeMap<>());
    }

    @Test
    void keepsBodiesUpToTheSealedBytesBoundLeastRecentlyUsedOutFirst() {
        DecodedBodies bodies = new DecodedBodies(300);
        bodies.put(id(1), body(1), 100);
        bodies.put(id(2), body(2), 100);
        bodies.put(id(3), body(3), 100);
        assertThat(bodies.get(id(1))).isEqualTo(body(1)); // now the most recently used
        bodies.put(id(4), body(4), 100);                  // over the bound: 2 was used least recently
        assertThat(bodies.get(id(2))).isNull();
        assertThat(bodies.get(id(1))).isEqualTo(body(1));
        assertThat(bodies.get(id(3))).isEqualTo(body(3));
        assertThat(bodies.get(id(4))).isEqualTo(body(4));
    }

    @Test
    void aBodyLargerThanTheBoundIsNotKeptAndEvictsNothing() {
        DecodedBodies bodies = new DecodedBodies(300);
        bodies.put(id(1), body(1), 200);
        bodies.put(id(2), body(2), 301);
        assertThat(bodies.get(id(2))).isNull();
        assertThat(bodies.get(id(1))).isEqualTo(body(1));
    }

    @Test
    void replacingABodyCountsItsBytesOnce() {
        DecodedBodies bodies = new DecodedBodies(300);
        bodies.put(id(1), body(1), 150);
        bodies.put(id(1), body(1), 150);
        bodies.put(id(2), body(2), 150);
        assertThat(bodies.get(id(1))).isNotNull();
        assertThat(bodies.get(id(2))).isNotNull();
        bodies.clear();
        assertThat(bodies.get(id(1))).isNull();
    }
}

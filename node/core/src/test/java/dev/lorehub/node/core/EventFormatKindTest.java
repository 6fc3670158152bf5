package dev.lorehub.node.core;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ingest path refuses an undecodable body by its {@link EventFormatException.Kind}, so the kind must be right. */
class EventFormatKindTest {

    private final EventCodec codec = new EventCodec();

    private byte[] body() {
        EntityChange change = new EntityChange(EntityKind.LORE, "00000000-0000-4000-8000-000000000001", false, List.of(),
            new TreeMap<>(Map.of(Field.CONTENT, "some lore", Field.TYPE, "wisdom")), new TreeMap<>(),
            new Causality(List.of(), 1, null));
        return codec.encode(change);
    }

    @Test
    void aBodyCutShortIsTruncated() {
        byte[] whole = body();
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        assertThatThrownBy(() -> codec.decodeParts(cut))
            .isInstanceOfSatisfying(EventFormatException.class,
                e -> assertThat(e.kind()).isEqualTo(EventFormatException.Kind.TRUNCATED))
            .hasMessageStartingWith("truncated");
    }

    @Test
    void aFormatFromTheFutureIsUnknown() {
        byte[] future = body();
        future[1] = (byte) 0x7f; // after the one-byte type id, the body's format
        assertThat(EventCodec.compressed(future)).as("a plain body").isFalse();
        assertThatThrownBy(() -> codec.decodeParts(future))
            .isInstanceOfSatisfying(EventFormatException.class,
                e -> assertThat(e.kind()).isEqualTo(EventFormatException.Kind.UNKNOWN_FORMAT))
            .hasMessageStartingWith("unknown event body format");
    }
}

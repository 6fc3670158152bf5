package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LoreTables#isoTimestamp} keeps text already in its form without parsing it, and gives the same answer as parsing. */
class IsoTimestampTest {

    /** What isoTimestamp answers for text with a 'T' when it parses and prints (no shortcut). */
    private static String parsedAndPrinted(String stored) {
        try {
            return LoreTables.iso(Instant.parse(stored));
        } catch (DateTimeParseException e) {
            return stored;
        }
    }

    @Test
    void theShortcutAnswersWhatParsingWould() {
        List<String> texts = new ArrayList<>(List.of(
            "2025-07-13T02:18:14.000Z", "2025-07-13T02:18:14.123Z", "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
            "2024-02-29T12:00:00.000Z", "2023-02-29T12:00:00.000Z", "2025-13-01T00:00:00.000Z", "2025-07-13T24:00:00.000Z",
            "2025-07-13T23:59:60.000Z", "2025-07-13T30:00:00.000Z", "2025-07-13T02:60:00.000Z", "2025-07-13T02:18:14Z",
            "2025-07-13T02:18:14.1Z", "2025-07-13T02:18:14.000+00:00", "2025-07-13T02:18:14.00aZ",
            "+10000-01-01T00:00:00.000Z", "not a date at all, 24 chr"));
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 2000; i++) {
            texts.add(LoreTables.iso(Instant.ofEpochMilli(random.nextLong(-62_000_000_000_000L, 253_000_000_000_000L))));
            char[] mangled = texts.get(random.nextInt(texts.size())).toCharArray();
            if (mangled.length > 0) {
                mangled[random.nextInt(mangled.length)] = (char) ('0' + random.nextInt(10));
            }
            texts.add(new String(mangled));
        }
        for (String text : texts) {
            assertThat(LoreTables.isoTimestamp(text)).as(text).isEqualTo(parsedAndPrinted(text));
        }
        assertThat(LoreTables.isCanonicalIso("2025-07-13T02:18:14.000Z")).isTrue();
        assertThat(LoreTables.isCanonicalIso("2025-07-13T24:00:00.000Z")).isFalse();
        assertThat(LoreTables.isCanonicalIso("2025-07-13T23:59:60.000Z")).isFalse();
    }
}

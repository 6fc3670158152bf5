package dev.lorehub.node.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timestamp rule decides as {@link Instant#parse} does. Most texts are checked without parsing
 * ({@link ValueRules#plainUtcInstant}); that shortcut must never accept a text the parser refuses,
 * and must apply to the forms lh and the node write.
 */
class TimestampRuleTest {

    @Test
    void theShortcutAcceptsOnlyWhatTheParserAccepts() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of(
            "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T12:00:00Z", "2000-02-29T12:00:00Z",
            "2025-04-31T00:00:00Z", "2025-04-30T23:59:59.999999999Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
            "2025-01-00T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T23:60:00Z", "2025-01-01T23:59:60Z",
            "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-01-01T00:00:00.Z",
            "2025-01-01T00:00:00.1234567890Z", "2025-01-01T00:00:00z", "2025-01-01t00:00:00Z", "2025-01-01T00:00:00",
            "2025-01-01T00:00:00+00:00", "+2025-01-01T00:00:00Z", "2025-1-01T00:00:00Z", "２０２５-01-01T00:00:00Z"));
        for (int i = 0; i < 50_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
            String text = at.toString();
            texts.add(text);
            texts.add(mutate(text, random));
            texts.add(mutate(mutate(text, random), random));
            texts.add(text.substring(0, 19) + "." + "123456789".substring(0, 1 + random.nextInt(9)) + "Z");
        }
        int shortcut = 0;
        for (String text : texts) {
            boolean parses = parses(text);
            if (ValueRules.plainUtcInstant(text)) {
                shortcut++;
                assertThat(parses).as(text).isTrue();
            }
            assertThat(ValueRules.problem(Field.CREATED_AT, text) == null).as(text).isEqualTo(parses);
        }
        assertThat(shortcut).as("texts decided without parsing").isGreaterThan(texts.size() / 3);
    }

    @Test
    void theFormsLhAndTheNodeWriteTakeTheShortcut() {
        assertThat(ValueRules.plainUtcInstant("2025-06-01T12:00:00Z")).isTrue();
        assertThat(ValueRules.plainUtcInstant("2025-06-01T12:00:00.123Z")).isTrue();
        assertThat(ValueRules.plainUtcInstant(Instant.ofEpochMilli(1_764_000_000_123L).toString())).isTrue();
    }

    private static String mutate(String text, Random random) {
        char[] c = text.toCharArray();
        int i = random.nextInt(c.length);
        c[i] = "0123456789-:TZ.+z9".charAt(random.nextInt(18));
        return new String(c);
    }

    private static boolean parses(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}

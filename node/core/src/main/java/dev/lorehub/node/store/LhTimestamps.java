package dev.lorehub.node.store;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Timestamps the way {@code lh} stores them: text. lh writes JavaScript's
 * {@code Date.toISOString()}, UTC with exactly three fraction digits
 * ({@code 2025-07-13T02:18:14.000Z}); SQLite column defaults write {@code 2025-07-13 02:18:14}.
 */
public final class LhTimestamps {

    private static final DateTimeFormatter ISO_MILLIS = new DateTimeFormatterBuilder()
        .appendPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .toFormatter()
        .withResolverStyle(ResolverStyle.STRICT)
        .withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter ISO_WITH_OFFSET = new DateTimeFormatterBuilder()
        .append(DateTimeFormatter.ISO_LOCAL_DATE)
        .appendLiteral('T')
        .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
        .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
        .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
        .optionalEnd()
        .appendOffset("+HH:MM", "Z")
        .toFormatter()
        .withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter SQLITE_DEFAULT = new DateTimeFormatterBuilder()
        .appendPattern("uuuu-MM-dd HH:mm:ss")
        .toFormatter()
        .withResolverStyle(ResolverStyle.STRICT);

    private LhTimestamps() {
    }

    /** The text lh would write for {@code instant}: UTC, milliseconds, {@code Z} (sub-ms truncated). */
    public static String format(Instant instant) {
        Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
        int year = millis.atOffset(ZoneOffset.UTC).getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("lh stores four-digit years only, got " + instant);
        }
        return ISO_MILLIS.format(millis);
    }

    /**
     * Reads a timestamp as lh can: ISO-8601 with a zone ({@code 2025-07-13T02:18:14.000Z},
     * {@code 2025-07-13T04:18:14+02:00}) or SQLite's default form {@code 2025-07-13 02:18:14},
     * which is taken as UTC (JavaScript would read it as local time; the node needs one answer on
     * every device). Empty for anything else, including impossible dates such as February 30.
     */
    public static Optional<Instant> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            if (text.length() > 10 && text.charAt(10) == 'T') {
                return Optional.of(OffsetDateTime.parse(text, ISO_WITH_OFFSET).toInstant());
            }
            return Optional.of(LocalDateTime.parse(text, SQLITE_DEFAULT).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}

package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time on the command line: an instant as {@code log} and {@code status} print it
 * ({@code 2026-12-02T10:14:02.999Z}, also with the logical counter {@code +2} that {@code log}
 * shows), a date-time with an offset, a local date-time ({@code 2026-12-02 10:14}, this machine's
 * zone), or a time ago ({@code 90s}, {@code 15m}, {@code 2h}, {@code 3d}).
 */
final class TimeArg {
    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(s|m|h|d)(?:\\s+ago)?");
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{8,64}");

    private TimeArg() {
    }

    /** True if {@code text} names an event (a version): 8 to 64 hex digits. */
    static boolean isVersion(String text) {
        return VERSION.matcher(text.toLowerCase(Locale.ROOT)).matches();
    }

    /** Milliseconds since the epoch; {@link NodeException} (usage) saying what is accepted otherwise. */
    static long parse(String text, long now) {
        String t = text.trim();
        Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now - d.toMillis();
        }
        String iso = t.replaceFirst("Z\\+\\d+$", "Z"); // the logical counter of an HLC as `log` prints it
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(iso.replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new NodeException("'" + text + "' is not a time: give an instant as `log` prints it (2026-12-02T10:14:02.999Z), "
                + "a local time (2026-12-02 10:14), or a time ago (15m, 2h, 3d).", NodeException.Reason.USAGE);
        }
    }
}

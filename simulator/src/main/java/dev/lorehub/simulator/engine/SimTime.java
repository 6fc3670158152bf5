package dev.lorehub.simulator.engine;

import java.util.Locale;

/** Simulated durations: parsing ({@code 90s}, {@code 10m}, {@code 1h}, {@code 250ms}) and printing. */
public final class SimTime {
    private SimTime() {
    }

    /** Parses a duration; a bare number is seconds. */
    public static long parseMillis(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Math.round(Double.parseDouble(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
            }
            if (t.endsWith("m")) {
                return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000);
            }
            if (t.endsWith("h")) {
                return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 3_600_000);
            }
            return Math.round(Double.parseDouble(t) * 1000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 250ms, 90s, 10m, 1h)");
        }
    }

    /** A compact form for command lines: whole minutes or seconds where exact. */
    public static String cli(long ms) {
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** Seconds with one decimal, e.g. {@code 12.3s}. */
    public static String format(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}

package dev.lorehub.node.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A progress display for long commands: on a terminal one line redrawn in place, a bar with the
 * count, rate and time left; otherwise (a pipe, a log file) a plain line at most every few
 * seconds and at the end, so logs stay readable. Time is read from the given clock (ms).
 */
public final class Progress {
    private static final int WIDTH = 28;
    private static final long TERMINAL_EVERY_MILLIS = 100;
    private static final long PLAIN_EVERY_MILLIS = 2_000;

    private final PrintStream out;
    private final boolean terminal;
    private final String unit;
    private final LongSupplier clock;
    private String phase;
    private long phaseStart;
    private long lastDrawn = Long.MIN_VALUE;
    private long lastDone = -1;
    private boolean lineOpen;

    /**
     * @param terminal draw in place (a bar) rather than print lines
     * @param unit     what is counted ("lores", "events")
     */
    public Progress(PrintStream out, boolean terminal, String unit, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.unit = unit;
        this.clock = clock;
    }

    /** For standard output: a bar when it is a terminal. */
    public static Progress forStdout(String unit) {
        return new Progress(System.out, System.console() != null && !"dumb".equals(System.getenv("TERM")), unit,
            System::currentTimeMillis);
    }

    /** Reports that {@code done} of {@code total} (0 or less: unknown) items of {@code phase} are done. */
    public void update(String phase, long done, long total) {
        long now = clock.getAsLong();
        if (!phase.equals(this.phase)) {
            finishLine();
            this.phase = phase;
            this.phaseStart = now;
            this.lastDrawn = Long.MIN_VALUE;
            this.lastDone = -1;
        }
        boolean last = total > 0 && done >= total;
        long every = terminal ? TERMINAL_EVERY_MILLIS : PLAIN_EVERY_MILLIS;
        if (!last && lastDrawn != Long.MIN_VALUE && now - lastDrawn < every) {
            return;
        }
        if (last && done == lastDone) {
            return;
        }
        lastDrawn = now;
        lastDone = done;
        String line = line(done, total, now);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            lineOpen = true;
            if (last) {
                finishLine();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the display (a terminal's line gets its newline). */
    public void done() {
        finishLine();
    }

    private void finishLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    String line(long done, long total, long now) {
        double secs = Math.max(0.001, (now - phaseStart) / 1000.0);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder(phase).append(": ");
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            if (terminal) {
                sb.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
            }
            sb.append(done).append('/').append(total).append(' ').append(unit).append(" (").append(100 * done / total)
                .append("%)");
        } else {
            sb.append(done).append(' ').append(unit);
        }
        if (done > 0 && now > phaseStart) {
            sb.append(", ").append(rate >= 100 ? String.valueOf(Math.round(rate)) : String.format("%.1f", rate)).append('/')
                .append('s');
            if (total > done && rate > 0) {
                sb.append(", ETA ").append(eta(Math.round((total - done) / rate)));
            }
        }
        return sb.toString();
    }

    private static String eta(long seconds) {
        return seconds < 90 ? seconds + " s" : seconds < 5400 ? Math.round(seconds / 60.0) + " min"
            : Math.round(seconds / 3600.0) + " h";
    }
}

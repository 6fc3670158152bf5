package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.SimResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws divergence over simulated time as a self-contained SVG: the number of distinct states
 * among the devices (distinct event sets, which by DESIGN.md §3 decide the state; 1 means
 * converged), partitions shaded, crashes and sleeps as bars per node, the heal and the
 * convergence marked.
 */
final class DivergenceSvg {
    private static final int WIDTH = 1000;
    private static final int PLOT_LEFT = 60;
    private static final int PLOT_RIGHT = 20;
    private static final int PLOT_TOP = 58;
    private static final int PLOT_HEIGHT = 260;

    private DivergenceSvg() {
    }

    static void write(Path file, SimResult r) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    static String render(SimResult r) {
        int nodes = r.config().nodes();
        long end = Math.max(1, r.simulatedMs());
        int plotWidth = WIDTH - PLOT_LEFT - PLOT_RIGHT;
        int laneTop = PLOT_TOP + PLOT_HEIGHT + 40;
        int lane = Math.max(3, Math.min(12, 200 / nodes));
        int height = laneTop + lane * nodes + 60;
        int maxY = Math.max(2, nodes);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
            PLOT_LEFT, esc("LoreHub sync simulation, seed " + r.seed() + ": " + nodes + " nodes, "
                + r.config().profile().cliName() + " faults, " + r.config().topology().cliName()
                + (r.passed() ? " — converged " + fmt(r.convergenceMs()) + " after heal"
                    : " — FAILED (" + r.failure().kind().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")"))));
        String plan = r.faultPlan();
        String first = plan.length() <= 150 ? plan : plan.substring(0, plan.lastIndexOf(' ', 150));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"36\" fill=\"#555\" font-size=\"10\">%s</text>%n", PLOT_LEFT,
            esc(first)));
        if (first.length() < plan.length()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"47\" fill=\"#555\" font-size=\"10\">%s</text>%n",
                PLOT_LEFT, esc(plan.substring(first.length()).trim())));
        }
        // partitions shaded
        for (SimResult.Interval iv : r.partitions()) {
            double x0 = x(iv.startMs(), end, plotWidth);
            double x1 = x(iv.endMs() < 0 ? end : iv.endMs(), end, plotWidth);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f4c7c3\" "
                + "opacity=\"0.6\"><title>%s</title></rect>%n", x0, PLOT_TOP, Math.max(1, x1 - x0), PLOT_HEIGHT,
                esc("partition: " + iv.label() + " " + fmt(iv.startMs()) + "–" + fmt(iv.endMs()))));
        }
        // axes and grid
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", PLOT_LEFT,
            PLOT_TOP + PLOT_HEIGHT, PLOT_LEFT + plotWidth, PLOT_TOP + PLOT_HEIGHT));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", PLOT_LEFT,
            PLOT_TOP, PLOT_LEFT, PLOT_TOP + PLOT_HEIGHT));
        int step = Math.max(1, maxY / 5);
        for (int v = 1; v <= maxY; v += step) {
            double y = y(v, maxY);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                PLOT_LEFT, y, PLOT_LEFT + plotWidth, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n", PLOT_LEFT - 6,
                y + 4, v));
        }
        long tick = niceTick(end);
        for (long t = 0; t <= end; t += tick) {
            double x = PLOT_LEFT + x(t, end, plotWidth);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
                PLOT_TOP + PLOT_HEIGHT + 16, fmt(t)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
            + "distinct states</text>%n", PLOT_TOP + PLOT_HEIGHT / 2, PLOT_TOP + PLOT_HEIGHT / 2));
        // the step line
        StringBuilder path = new StringBuilder();
        List<long[]> d = r.divergence();
        long prevY = -1;
        for (int i = 0; i < d.size(); i++) {
            long[] p = d.get(i);
            double x = PLOT_LEFT + x(p[0], end, plotWidth);
            if (i == 0) {
                path.append(String.format(Locale.ROOT, "M%.1f,%.1f", x, y(p[1], maxY)));
            } else {
                path.append(String.format(Locale.ROOT, " L%.1f,%.1f L%.1f,%.1f", x, y(prevY, maxY), x, y(p[1], maxY)));
            }
            prevY = p[1];
        }
        path.append(String.format(Locale.ROOT, " L%.1f,%.1f", (double) PLOT_LEFT + plotWidth, y(prevY, maxY)));
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\"/>\n");
        // heal and convergence
        if (r.healAtMs() >= 0) {
            double hx = PLOT_LEFT + x(r.healAtMs(), end, plotWidth);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" "
                + "stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">heal</text>%n", hx, PLOT_TOP, hx,
                PLOT_TOP + PLOT_HEIGHT, hx - 4, PLOT_TOP + PLOT_HEIGHT - 8));
            if (r.convergenceMs() >= 0) {
                double cx = PLOT_LEFT + x(r.healAtMs() + r.convergenceMs(), end, plotWidth);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#2a9d3a\" "
                    + "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" fill=\"#2a9d3a\" text-anchor=\"end\">converged</text>%n",
                    cx, PLOT_TOP, cx, PLOT_TOP + PLOT_HEIGHT, cx - 4, PLOT_TOP + PLOT_HEIGHT - 22));
            }
        }
        // crashes and sleeps per node
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">nodes (crashes dark, sleeps light)</text>%n", PLOT_LEFT,
            laneTop - 6));
        for (int i = 0; i < nodes; i++) {
            double y = laneTop + i * lane;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f3f3f3\"/>%n",
                PLOT_LEFT, y, plotWidth, lane - 1));
            if (lane >= 9) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"9\">n%d</text>%n",
                    PLOT_LEFT - 6, y + lane - 2, i));
            }
        }
        for (SimResult.Interval iv : r.downtimes()) {
            int node = Integer.parseInt(iv.label().replaceAll(".* n", ""));
            boolean crash = iv.label().startsWith("crash");
            double x0 = PLOT_LEFT + x(iv.startMs(), end, plotWidth);
            double x1 = PLOT_LEFT + x(iv.endMs(), end, plotWidth);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                + "<title>%s</title></rect>%n", x0, (double) laneTop + node * lane, Math.max(1, x1 - x0), lane - 1,
                crash ? "#444" : "#9ab", esc(iv.label() + " " + fmt(iv.startMs()) + "–" + fmt(iv.endMs()))));
        }
        int legendY = laneTop + lane * nodes + 24;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"#f4c7c3\"/>"
            + "<text x=\"%d\" y=\"%d\">partition in force</text>%n", PLOT_LEFT, legendY - 9, PLOT_LEFT + 18, legendY));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>"
            + "<text x=\"%d\" y=\"%d\">distinct event sets among the nodes (state is a function of the event set; 1 = "
            + "converged)</text>%n", PLOT_LEFT + 150, legendY - 4, PLOT_LEFT + 170, legendY - 4, PLOT_LEFT + 176, legendY));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">simulated time; %d frames, %d edits</text>%n",
            PLOT_LEFT, legendY + 18, r.framesSent(), r.edits()));
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(long t, long end, int width) {
        return (double) t * width / end;
    }

    private static double y(long v, int maxY) {
        return PLOT_TOP + PLOT_HEIGHT - (double) v * (PLOT_HEIGHT - 10) / maxY;
    }

    private static long niceTick(long end) {
        long[] steps = {1000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000};
        for (long s : steps) {
            if (end / s <= 12) {
                return s;
            }
        }
        return 7_200_000;
    }

    private static String fmt(long ms) {
        if (ms < 0) {
            return "–";
        }
        if (ms >= 120_000) {
            return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
        }
        return String.format(Locale.ROOT, "%.0fs", ms / 1000.0);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package dev.lorehub.node.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's progress display: a bar redrawn in place on a terminal, sparse plain lines otherwise; count, rate, ETA. */
class ProgressTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicLong now = new AtomicLong(1_000_000);

    private Progress progress(boolean terminal) {
        return new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), terminal, "lores", now::get);
    }

    @Test
    void aTerminalGetsOneBarWithCountRateAndEta() {
        Progress p = progress(true);
        p.update("adopting lores", 0, 20_000);
        now.addAndGet(2_000);
        p.update("adopting lores", 5_000, 20_000);
        now.addAndGet(50);
        p.update("adopting lores", 5_100, 20_000); // within 100 ms: not redrawn
        now.addAndGet(2_000);
        p.update("adopting lores", 20_000, 20_000);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\radopting lores: [#######---------------------] 5000/20000 lores (25%), 2500/s, ETA 6 s")
            .doesNotContain("5100/20000").contains("[############################] 20000/20000 lores (100%)").endsWith("\n");
        assertThat(text.chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
    }

    @Test
    void aPipeGetsAPlainLineEveryFewSecondsAndTheLast() {
        Progress p = progress(false);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(100);
            p.update("applying the realm's lores", i * 100L, 10_000);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r").doesNotContain("[#");
        assertThat(text.lines().count()).as(text).isBetween(5L, 7L);
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow())
            .isEqualTo("applying the realm's lores: 10000/10000 lores (100%), 1010/s"); // 10 000 in the 9.9 s since the first report
    }

    @Test
    void anUnknownTotalShowsCountAndRate() {
        Progress p = progress(false);
        p.update("receiving", 0, 0);
        now.addAndGet(4_000);
        p.update("receiving", 200, 0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("receiving: 200 lores, 50.0/s").doesNotContain("ETA");
    }
}

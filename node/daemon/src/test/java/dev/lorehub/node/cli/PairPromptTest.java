package dev.lorehub.node.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `pair CODE` puts the code in argv, where `ps` shows it to every user of the machine; `pair --join`
 * reads it at a hidden prompt, or as one line of standard input when that is not a terminal (as here).
 * Sync is disabled in node.json, so nothing reaches the network: a code that passes every check ends
 * at "sync is disabled" (exit 4).
 */
class PairPromptTest {
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void initialised() throws Exception {
        cli = new CliRunner(dir.resolve("data"));
        assertThat(cli.run("init").exit()).isZero();
        Files.writeString(dir.resolve("data/node/node.json"), "{ \"enabled\": false }");
    }

    CliRunner.Result withStdin(String stdin, String... args) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return cli.run("pair", args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void theCodeIsReadFromStandardInputAndCheckedLikeOneOnTheCommandLine() {
        CliRunner.Result bad = withStdin("42-olive-tunnel-embr\n", "--join");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("That pairing code is not valid").contains("did you mean \"ember\"");
        assertThat(bad.all()).doesNotContain("42-olive-tunnel-embr\n"); // never echoed back

        CliRunner.Result good = withStdin("  42-olive-tunnel-ember  \n", "--join");
        assertThat(good.out()).contains("Looking for the device showing that code");
        assertThat(good.exit()).as(good.toString()).isEqualTo(4); // past every check; stopped by "enabled": false
        assertThat(good.all()).doesNotContain("olive");
    }

    @Test
    void joinTakesPeerToo() {
        CliRunner.Result r = withStdin("42-olive-tunnel-ember", "--join", "--peer", "nowhere");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("'nowhere' is not host:port");
    }

    @Test
    void noCodeAtThePromptIsAUsageError() {
        CliRunner.Result r = withStdin("", "--join");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("No pairing code given");
    }

    @Test
    void aCodeBothOnTheCommandLineAndAtThePromptIsAUsageError() {
        CliRunner.Result r = withStdin("42-olive-tunnel-ember\n", "--join", "42-olive-tunnel-ember");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    }

    @Test
    void theCodeOnTheCommandLineStillWorks() {
        CliRunner.Result r = cli.run("pair", "42-olive-tunnel-ember");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).contains("Looking for the device showing that code");
    }

    @Test
    void theUsageOffersTheHiddenPrompt() {
        CliRunner.Result r = cli.run("pair", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--join").contains("ps");
    }
}

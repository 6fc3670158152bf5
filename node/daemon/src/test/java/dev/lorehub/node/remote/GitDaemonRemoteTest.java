package dev.lorehub.node.remote;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The git backend through git's own server: {@code git daemon} on 127.0.0.1 with pushes enabled,
 * reached over {@code git://} (the same JGit transport code as ssh and https, past the socket).
 */
class GitDaemonRemoteTest extends GitFileRemoteTest {
    Process daemon;
    int port;

    @BeforeEach
    void startDaemon() throws Exception {
        assumeTrue(Loopback.onPath("git"), "git is not installed: cannot start git daemon");
        port = Loopback.freePort();
        daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=" + port,
            "--base-path=" + tmp, "--export-all", "--enable=receive-pack", "--informative-errors", tmp.toString())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("git-daemon.log").toFile()).start();
        Loopback.awaitListening(port, Duration.ofSeconds(20), daemon);
    }

    @AfterEach
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    @Override
    String url() {
        return "git://127.0.0.1:" + port + "/" + bare.getFileName();
    }
}

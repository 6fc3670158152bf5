package dev.lorehub.node.cli;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.dashboard.DashboardService;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `status --check` and `dashboard` against a real node running in this process: not running
 * (exit 8), running and healthy (exit 0), a paired peer not reached for longer than
 * alerts.unreachableMinutes (exit 8 with that reason); `dashboard` prints the login URL.
 */
class CliDashboardTest {
    @TempDir
    Path dir;

    @Test
    void statusCheckAndTheDashboardUrl() throws Exception {
        Path data = dir.resolve("data");
        NodeHome home = new NodeHome(data);
        NodeFiles.init(home, new SecureRandom());
        CliRunner cli = new CliRunner(data);

        CliRunner.Result stopped = cli.run("status", "--check");
        assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(8);
        assertThat(stopped.out()).startsWith("ALERT: the node is not running").hasLineCount(1);
        assertThat(cli.run("dashboard").exit()).as("no daemon").isEqualTo(3);

        NodeConfig config = NodeConfig.defaults().loopbackOnly().withDisplayName("solo")
            .withAlerts(new NodeConfig.Alerts(30, 60, 20, 5));
        try (NodeRuntime node = NodeRuntime.start(home, config, System::currentTimeMillis);
             DashboardService dashboard = DashboardService.start(node, home, config)) {
            CliRunner.Result healthy = cli.run("status", "--check");
            assertThat(healthy.exit()).as(healthy.toString()).isZero();
            assertThat(healthy.out()).isEqualTo("OK: no alerts\n");

            CliRunner.Result url = cli.run("dashboard");
            assertThat(url.exit()).as(url.toString()).isZero();
            assertThat(url.out().strip()).startsWith("http://127.0.0.1:" + dashboard.port() + "/?token=")
                .isEqualTo(dashboard.loginUrl());

            // a peer paired two hours ago and never reached since
            DeviceIdentity peer = DeviceIdentity.generate(SeededRandom.of(3));
            node.withReplica((r, now) -> {
                r.pinPeer(DeviceRecord.create(peer, "ann-desktop"), now - 2 * 3_600_000L);
                return null;
            });
            CliRunner.Result alert = cli.run("status", "--check");
            assertThat(alert.exit()).as(alert.toString()).isEqualTo(8);
            assertThat(alert.out()).hasLineCount(1).startsWith("ALERT: peer ann-desktop (" + peer.id().shortForm()
                + ") has not been reached for 2 h (alerts.unreachableMinutes = 60)");
        }
    }

    @Test
    void realmShareShowsItsProgress() throws Exception {
        Path data = dir.resolve("data");
        CliRunner cli = new CliRunner(data);
        assertThat(cli.run("init", "--name", "ann-laptop").exit()).isZero();
        java.nio.file.Files.writeString(data.resolve("node/node.json"), "{ \"enabled\": false }");
        Path project = java.nio.file.Files.createDirectories(dir.resolve("work/api"));
        for (int i = 0; i < 3; i++) {
            assertThat(cli.run("lore add", "--path", project.toString(), "Lore number " + i).exit()).isZero();
        }
        CliRunner.Result share = cli.run("realm share", project.toString());
        assertThat(share.exit()).as(share.toString()).isZero();
        assertThat(share.out()).as("plain lines: the output is not a terminal")
            .contains("adopting lores and relations: 3/3 items (100%)").doesNotContain("\r").contains("Shared realm api");
    }
}

package dev.lorehub.node.cli;

import dev.lorehub.node.dashboard.DashboardService;
import dev.lorehub.node.runtime.ControlServer;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeOperations;
import dev.lorehub.node.runtime.NodeRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code start}: runs the node until Ctrl-C. */
@Command(name = "start", description = "Run the node: discover paired devices, sync continuously, push lh's changes "
    + "within a second. Ctrl-C stops it cleanly. Refuses (exit 3, naming the chmod to run) while other users can read "
    + "the data directory, its database or key files.")
final class StartCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = "--loopback", description = "Listen and discover on 127.0.0.1 only, on the configured ports (for trying "
        + "things out on one machine)")
    boolean loopback;

    @Option(names = "--port", description = "TCP port to listen on (overrides node.json; 0 = any free port)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.home();
        NodeConfig config = home.config();
        if (loopback) {
            // Loopback only, but on the configured ports: peers and bookmarks that know them keep working.
            config = config.loopbackOnly().withPort(config.port()).withDashboard(config.dashboard());
        }
        if (port != null) {
            config = config.withPort(port);
        }
        // lorehub.db holds the plaintext of every synced realm: refuse to sync while others can read it.
        NodeFiles.requireInitialised(h);
        NodeFiles.requirePrivate(h);
        NodeRuntime runtime = NodeRuntime.start(h, config, System::currentTimeMillis);
        ControlServer control = ControlServer.start(h, new NodeOperations(runtime));
        DashboardService dashboard;
        try {
            dashboard = DashboardService.start(runtime, h, config);
        } catch (RuntimeException e) {
            control.close();
            runtime.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("Stopping…");
            if (dashboard != null) {
                dashboard.close();
            }
            control.close();
            runtime.close();
            stopped.countDown();
        }, "lorehub-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("Node " + runtime.deviceId().shortForm() + " (" + runtime.displayName() + ") syncing "
            + h.dataDir() + ", listening on " + runtime.address() + ". Ctrl-C to stop.");
        if (dashboard != null) {
            System.out.println("Dashboard: " + dashboard.url() + " (open it with `lorehub-node dashboard`)");
        }
        stopped.await();
        return 0;
    }
}

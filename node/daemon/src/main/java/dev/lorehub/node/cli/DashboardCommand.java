package dev.lorehub.node.cli;

import dev.lorehub.node.dashboard.DashboardEndpoint;
import dev.lorehub.node.dashboard.DashboardToken;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code dashboard}: prints (or opens) the running node's dashboard URL, token included. */
@Command(name = "dashboard", description = "Print the URL of the running node's web dashboard (it carries the secret "
    + "token: do not share it), or open it in a browser.")
final class DashboardCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = "--open", description = "Open the URL in the default browser (xdg-open or open)")
    boolean open;

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.home();
        NodeFiles.requireInitialised(h);
        if (!NodeClient.daemonRunning(h)) {
            throw new NodeException("The node is not running: start it with `lorehub-node start` (the dashboard is served by "
                + "the running node).", NodeException.Reason.STATE);
        }
        if (!home.config().dashboard().enabled()) {
            throw new NodeException("The dashboard is turned off in " + h.config() + ": set \"dashboard\": {\"enabled\": true} "
                + "and restart the node.", NodeException.Reason.CONFIG);
        }
        int port = DashboardEndpoint.port(h).orElseThrow(() -> new NodeException("The running node has not published its "
            + "dashboard address (" + DashboardEndpoint.file(h) + " is missing): it may still be starting, or was started "
            + "by an older version; restart it.", NodeException.Reason.STATE));
        String token = DashboardToken.read(h).orElseThrow(() -> new NodeException("The dashboard token "
            + DashboardToken.file(h) + " is missing: restart the node to make a new one.", NodeException.Reason.STATE)).value();
        String url = "http://127.0.0.1:" + port + "/?token=" + token;
        System.out.println(url);
        if (open) {
            for (List<String> cmd : List.of(List.of("xdg-open", url), List.of("open", url))) {
                try {
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                    if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        return 0;
                    }
                } catch (java.io.IOException e) {
                    // not on this system: try the next
                }
            }
            System.err.println("Could not open a browser (neither xdg-open nor open worked): open the URL above yourself.");
        }
        return 0;
    }
}

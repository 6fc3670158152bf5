package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.Demo;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code lorehub-node demo}: three nodes on loopback pair, share a realm, edit concurrently and converge. */
@Command(name = "demo", description = "Run three nodes in this process on 127.0.0.1: pair them with codes, share a realm, "
    + "write on each, edit one lore concurrently, and show the converged result and the recorded conflict.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        // The demo tells its own story on stdout; keep the nodes' logs to warnings.
        System.setProperty("LOREHUB_LOG_LEVEL", System.getenv().getOrDefault("LOREHUB_LOG_LEVEL", "WARN"));
        new Demo(System.out).run();
        return 0;
    }
}

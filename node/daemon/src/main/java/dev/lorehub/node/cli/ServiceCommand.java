package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.service.Autostart;
import dev.lorehub.node.service.CommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code service}: start the node at login (systemd user unit on Linux, launchd agent on macOS). */
@Command(name = "service", description = "Start the node at login: a systemd user unit (Linux) or a launchd agent (macOS).",
    subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class})
final class ServiceCommand {

    static Autostart autostart() {
        try {
            return new Autostart(Autostart.Platform.current(), Path.of(System.getProperty("user.home")), System.getenv(),
                CommandRunner.system(), System.out);
        } catch (UnsupportedOperationException e) {
            throw new NodeException(e.getMessage(), NodeException.Reason.REFUSED);
        }
    }

    @Command(name = "install", description = "Write the unit (or agent) that runs `lorehub-node start` at login with the "
        + "recommended JVM options and this data directory, then enable and start it.")
    static final class Install implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Option(names = "--jar", paramLabel = "FILE", description = "The lorehub-node.jar to run (default: this one)")
        Path jar;

        @Option(names = "--java", paramLabel = "FILE", description = "The java to run it with (default: this one)")
        Path java;

        @Override
        public Integer call() throws Exception {
            Path dataDir = home.home().dataDir();
            Path jarFile = jar != null ? jar.toAbsolutePath().normalize() : runningJar();
            if (!Files.isRegularFile(jarFile)) {
                throw new NodeException(jarFile + " is not a file: give the jar with --jar.", NodeException.Reason.USAGE);
            }
            Path javaFile = java != null ? java.toAbsolutePath().normalize()
                : Path.of(System.getProperty("java.home"), "bin", "java");
            return autostart().install(new Autostart.Launch(javaFile, jarFile, dataDir));
        }

        private static Path runningJar() {
            try {
                Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (p.toString().endsWith(".jar")) {
                    return p;
                }
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                // fall through
            }
            throw new NodeException("Not running from lorehub-node.jar: give the jar to run with --jar.", NodeException.Reason.USAGE);
        }
    }

    @Command(name = "uninstall", description = "Stop the node started at login and remove the unit (or agent).")
    static final class Uninstall implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return autostart().uninstall();
        }
    }

    @Command(name = "status", description = "Say whether autostart is installed, enabled and running (exit 3: not installed).")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            return autostart().status();
        }
    }
}

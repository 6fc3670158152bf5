package dev.lorehub.node.service;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starts the node at login: a systemd user unit on Linux
 * ({@code ~/.config/systemd/user/lorehub-node.service}, or under {@code $XDG_CONFIG_HOME}) or a
 * launchd agent on macOS ({@code ~/Library/LaunchAgents/dev.lorehub.node.plist}), running
 * {@code lorehub-node start} with the recommended JVM options and the data directory made
 * explicit. Installing enables and starts it through {@code systemctl --user} or
 * {@code launchctl} when they work here, and prints the commands to run otherwise.
 */
public final class Autostart {
    /** The JVM options README recommends for a daemon (measured by NodeBench: 100k lores within 256 MB). */
    public static final List<String> JVM_OPTIONS = List.of("-Xmx96m", "-XX:+UseSerialGC", "-Xss512k",
        "-XX:ReservedCodeCacheSize=32m", "-XX:MaxDirectMemorySize=32m");
    public static final String UNIT = "lorehub-node.service";
    public static final String AGENT = "dev.lorehub.node";

    /** Where autostart goes. */
    public enum Platform {
        SYSTEMD, LAUNCHD;

        /** This machine's, from the OS name. */
        public static Platform current() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("mac")) {
                return LAUNCHD;
            }
            if (os.contains("linux")) {
                return SYSTEMD;
            }
            throw new UnsupportedOperationException("Autostart is supported on Linux (systemd) and macOS (launchd), not on "
                + System.getProperty("os.name") + ": start `lorehub-node start` from your session's startup programs.");
        }
    }

    /**
     * What to run.
     *
     * @param dataDir the data directory, or null for the default of whoever runs it
     */
    public record Launch(Path java, Path jar, Path dataDir) {
        /** The command line: java, options, -jar, the jar, --data-dir, start. */
        public List<String> command() {
            List<String> out = new ArrayList<>();
            out.add(java.toString());
            out.addAll(JVM_OPTIONS);
            out.add("-jar");
            out.add(jar.toString());
            if (dataDir != null) {
                out.add("--data-dir");
                out.add(dataDir.toString());
            }
            out.add("start");
            return out;
        }
    }

    private final Platform platform;
    private final Path userHome;
    private final Map<String, String> env;
    private final CommandRunner runner;
    private final PrintStream out;

    public Autostart(Platform platform, Path userHome, Map<String, String> env, CommandRunner runner, PrintStream out) {
        this.platform = platform;
        this.userHome = userHome;
        this.env = env;
        this.runner = runner;
        this.out = out;
    }

    /** The unit or agent file. */
    public Path file() {
        if (platform == Platform.LAUNCHD) {
            return userHome.resolve("Library/LaunchAgents/" + AGENT + ".plist");
        }
        String config = env.get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isBlank() && Path.of(config).isAbsolute() ? Path.of(config)
            : userHome.resolve(".config");
        return base.resolve("systemd/user/" + UNIT);
    }

    /** Writes the file and enables it; returns 0, or 1 when the file could not be written. */
    public int install(Launch launch) throws IOException {
        Path file = file();
        Files.createDirectories(file.getParent());
        String text = platform == Platform.SYSTEMD ? systemdUnit(launch, USER_HEADER)
            : launchdPlist(launch, userHome.resolve("Library/Logs/lorehub-node.log"));
        Files.writeString(file, text);
        out.println("Wrote " + file + " (runs: " + String.join(" ", launch.command()) + ")");
        List<List<String>> enable = platform == Platform.SYSTEMD
            ? List.of(List.of("systemctl", "--user", "daemon-reload"), List.of("systemctl", "--user", "enable", "--now", UNIT))
            : List.of(List.of("launchctl", "load", "-w", file.toString()));
        runAll(enable, "The node now starts at login and is running.");
        if (platform == Platform.SYSTEMD) {
            out.println("To keep it running while you are logged out: loginctl enable-linger " + env.getOrDefault("USER", "$USER"));
        }
        return 0;
    }

    /** Disables and removes the file; returns 0 (also when there was nothing to remove). */
    public int uninstall() throws IOException {
        Path file = file();
        if (!Files.exists(file)) {
            out.println("Autostart is not installed (" + file + " does not exist).");
            return 0;
        }
        List<List<String>> disable = platform == Platform.SYSTEMD
            ? List.of(List.of("systemctl", "--user", "disable", "--now", UNIT))
            : List.of(List.of("launchctl", "unload", "-w", file.toString()));
        runAll(disable, "Stopped the node and turned autostart off.");
        Files.delete(file);
        out.println("Removed " + file);
        if (platform == Platform.SYSTEMD) {
            runner.run(List.of("systemctl", "--user", "daemon-reload"));
        }
        return 0;
    }

    /** Says whether autostart is installed, enabled and running; returns 0 when installed, 3 otherwise. */
    public int status() {
        Path file = file();
        if (!Files.exists(file)) {
            out.println("Autostart: not installed (`lorehub-node service install` sets it up).");
            return 3;
        }
        out.println("Autostart: installed at " + file);
        List<List<String>> probes = platform == Platform.SYSTEMD
            ? List.of(List.of("systemctl", "--user", "is-enabled", UNIT), List.of("systemctl", "--user", "is-active", UNIT))
            : List.of(List.of("launchctl", "list", AGENT));
        for (List<String> probe : probes) {
            CommandRunner.Result r = runner.run(probe);
            String said = r.output().isBlank() ? "exit " + r.exit() : r.output().lines().findFirst().orElse("");
            out.println("  " + String.join(" ", probe) + ": " + (r.exit() == 127 ? "not available here" : said));
        }
        return 0;
    }

    private void runAll(List<List<String>> commands, String success) {
        for (int i = 0; i < commands.size(); i++) {
            CommandRunner.Result r = runner.run(commands.get(i));
            if (!r.ok()) {
                out.println((r.exit() == 127 ? commands.get(i).get(0) + " is not available here" : "`"
                    + String.join(" ", commands.get(i)) + "` failed: " + r.output()) + ". Run these yourself:");
                for (List<String> c : commands.subList(i, commands.size())) {
                    out.println("  " + String.join(" ", c.stream().map(Autostart::shellQuote).toList()));
                }
                return;
            }
        }
        out.println(success);
    }

    // ---- the files

    public static final String USER_HEADER = "# Written by `lorehub-node service install`; `lorehub-node service uninstall` removes it.\n";
    /** The header of the packaging template (node/daemon/src/dist/systemd). */
    public static final String PACKAGING_HEADER = "# The LoreHub Sync Node as a systemd user unit, for packagers: install it as\n"
        + "# /usr/lib/systemd/user/lorehub-node.service with the jar at the path below; each user then runs\n"
        + "# `systemctl --user enable --now lorehub-node`. `lorehub-node service install` writes the same unit\n"
        + "# for one user, with the paths of their install and data directory.\n";

    /** A systemd user unit that runs the node; restarts it when it fails, not when a person must act (exit 3, 4). */
    public static String systemdUnit(Launch launch, String header) {
        StringBuilder exec = new StringBuilder();
        for (String arg : launch.command()) {
            if (exec.length() > 0) {
                exec.append(' ');
            }
            exec.append(systemdQuote(arg));
        }
        return header
            + "[Unit]\n"
            + "Description=LoreHub Sync Node: keeps LoreHub in sync between your devices\n"
            + "\n"
            + "[Service]\n"
            + "Type=simple\n"
            + "ExecStart=" + exec + "\n"
            + "Restart=on-failure\n"
            + "RestartSec=10\n"
            + "# 3: data directory not initialised or in use, 4: bad configuration. Restarting cannot help.\n"
            + "RestartPreventExitStatus=3 4\n"
            + "# The JVM ends with 143 after a clean shutdown on SIGTERM.\n"
            + "SuccessExitStatus=143\n"
            + "TimeoutStopSec=30\n"
            + "\n"
            + "[Install]\n"
            + "WantedBy=default.target\n";
    }

    /** A launchd agent that runs the node at login and again if it fails. */
    public static String launchdPlist(Launch launch, Path log) {
        StringBuilder args = new StringBuilder();
        for (String arg : launch.command()) {
            args.append("    <string>").append(xml(arg)).append("</string>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            + "<!-- Written by `lorehub-node service install`; `lorehub-node service uninstall` removes it. -->\n"
            + "<plist version=\"1.0\">\n<dict>\n"
            + "  <key>Label</key><string>" + AGENT + "</string>\n"
            + "  <key>ProgramArguments</key>\n  <array>\n" + args + "  </array>\n"
            + "  <key>RunAtLoad</key><true/>\n"
            + "  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>\n"
            + "  <key>ThrottleInterval</key><integer>10</integer>\n"
            + "  <key>ProcessType</key><string>Background</string>\n"
            + "  <key>StandardOutPath</key><string>" + xml(log.toString()) + "</string>\n"
            + "  <key>StandardErrorPath</key><string>" + xml(log.toString()) + "</string>\n"
            + "</dict>\n</plist>\n";
    }

    /** One ExecStart word: quoted when needed; '%' and '$' escaped (systemd expands both). */
    static String systemdQuote(String arg) {
        String escaped = arg.replace("%", "%%").replace("$", "$$");
        if (!escaped.isEmpty() && escaped.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == ';')) {
            return escaped;
        }
        return "\"" + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}

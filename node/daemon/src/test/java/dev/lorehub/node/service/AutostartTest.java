package dev.lorehub.node.service;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Autostart: the systemd unit passes {@code systemd-analyze verify} (where that tool exists), the
 * packaging template in node/daemon/src/dist is exactly what the generator writes for packaged paths,
 * install/uninstall write, enable, disable and remove through systemctl (a recording fake here),
 * and print the commands when systemctl cannot run; the launchd agent is a well-formed plist.
 */
class AutostartTest {
    @TempDir
    Path dir;

    /** Records commands and answers with a fixed result. */
    static final class Recorder implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        final Result answer;

        Recorder(Result answer) {
            this.answer = answer;
        }

        @Override
        public Result run(List<String> command) {
            commands.add(command);
            return answer;
        }
    }

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private Autostart autostart(Autostart.Platform platform, CommandRunner runner) {
        return new Autostart(platform, dir.resolve("home"), Map.of("USER", "ann"), runner,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    @Test
    void installWritesTheUserUnitAndEnablesIt() throws IOException {
        Recorder systemctl = new Recorder(new CommandRunner.Result(0, ""));
        Path jar = Files.createFile(dir.resolve("lorehub-node.jar"));
        Autostart a = autostart(Autostart.Platform.SYSTEMD, systemctl);
        assertThat(a.install(new Autostart.Launch(java(), jar, dir.resolve("data dir")))).isZero();

        Path unit = dir.resolve("home/.config/systemd/user/lorehub-node.service");
        assertThat(a.file()).isEqualTo(unit);
        String text = Files.readString(unit);
        assertThat(text).contains("ExecStart=" + java() + " -Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m "
            + "-XX:MaxDirectMemorySize=32m -jar " + jar + " --data-dir \"" + dir.resolve("data dir") + "\" start")
            .contains("Restart=on-failure").contains("RestartPreventExitStatus=3 4").contains("WantedBy=default.target");
        assertThat(systemctl.commands).containsExactly(List.of("systemctl", "--user", "daemon-reload"),
            List.of("systemctl", "--user", "enable", "--now", "lorehub-node.service"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("starts at login").contains("loginctl enable-linger ann");

        assertThat(a.status()).isZero();
        assertThat(a.uninstall()).isZero();
        assertThat(unit).doesNotExist();
        assertThat(systemctl.commands).contains(List.of("systemctl", "--user", "disable", "--now", "lorehub-node.service"));
        assertThat(a.status()).as("not installed").isEqualTo(3);
    }

    @Test
    void withoutAWorkingSystemctlTheCommandsArePrinted() throws IOException {
        Recorder missing = new Recorder(new CommandRunner.Result(127, "systemctl is not available"));
        Path jar = Files.createFile(dir.resolve("lorehub-node.jar"));
        autostart(Autostart.Platform.SYSTEMD, missing).install(new Autostart.Launch(java(), jar, dir.resolve("data")));
        assertThat(missing.commands).hasSize(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("systemctl is not available here. Run these yourself:")
            .contains("  systemctl --user daemon-reload").contains("  systemctl --user enable --now lorehub-node.service");
    }

    @Test
    void xdgConfigHomeIsHonoured() {
        Autostart a = new Autostart(Autostart.Platform.SYSTEMD, dir, Map.of("XDG_CONFIG_HOME", "/cfg"), c -> null,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(a.file()).isEqualTo(Path.of("/cfg/systemd/user/lorehub-node.service"));
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) || Files.isExecutable(Path.of(
            "/bin/systemd-analyze")), "systemd-analyze is not installed (Debian: apt-get install systemd)");
        Path jar = Files.createFile(dir.resolve("lorehub-node.jar"));
        Path units = Files.createDirectories(dir.resolve("units"));
        Path unit = units.resolve(Autostart.UNIT);
        Files.writeString(unit, Autostart.systemdUnit(new Autostart.Launch(java(), jar, dir.resolve("100% data $HOME")),
            Autostart.USER_HEADER));
        verify(unit);
        Path dist = Path.of("src/dist/systemd/lorehub-node.service");
        if (Files.isExecutable(Path.of("/usr/bin/java"))) {
            Path copy = Files.createDirectories(dir.resolve("dist")).resolve(Autostart.UNIT);
            Files.copy(dist, copy);
            verify(copy);
        }
    }

    /** Runs systemd-analyze verify on a unit (as a user unit; a runtime directory of our own) and expects no complaint. */
    private void verify(Path unit) throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("xdg-runtime"));
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify", "--user", unit.toString()).redirectErrorStream(true);
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.contains(unit.getFileName().toString()))).as(out).isEmpty();
    }

    @Test
    void thePackagingTemplateIsWhatTheGeneratorWrites() throws IOException {
        String expected = Autostart.systemdUnit(new Autostart.Launch(Path.of("/usr/bin/java"),
            Path.of("/usr/share/lorehub-node/lorehub-node.jar"), null), Autostart.PACKAGING_HEADER);
        assertThat(Files.readString(Path.of("src/dist/systemd/lorehub-node.service"))).isEqualTo(expected);
    }

    @Test
    void specialCharactersAreQuotedForSystemd() {
        assertThat(Autostart.systemdQuote("/plain/path")).isEqualTo("/plain/path");
        assertThat(Autostart.systemdQuote("/with space")).isEqualTo("\"/with space\"");
        assertThat(Autostart.systemdQuote("50%")).isEqualTo("50%%");
        assertThat(Autostart.systemdQuote("$HOME")).isEqualTo("$$HOME");
        assertThat(Autostart.systemdQuote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }

    @Test
    void theLaunchdAgentIsAWellFormedPlist() throws Exception {
        Recorder launchctl = new Recorder(new CommandRunner.Result(0, ""));
        Path jar = Files.createFile(dir.resolve("lorehub-node.jar"));
        Autostart a = autostart(Autostart.Platform.LAUNCHD, launchctl);
        a.install(new Autostart.Launch(java(), jar, dir.resolve("data & <more>")));
        Path plist = dir.resolve("home/Library/LaunchAgents/dev.lorehub.node.plist");
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var doc = factory.newDocumentBuilder().parse(plist.toFile());
        String text = doc.getDocumentElement().getTextContent();
        assertThat(text).contains("dev.lorehub.node").contains("-Xmx96m").contains("data & <more>").contains("start");
        assertThat(launchctl.commands).containsExactly(List.of("launchctl", "load", "-w", plist.toString()));
        a.uninstall();
        assertThat(launchctl.commands).contains(List.of("launchctl", "unload", "-w", plist.toString()));
        assertThat(plist).doesNotExist();
    }
}

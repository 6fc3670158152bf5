package dev.lorehub.node.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line built for one subcommand must behave as the whole tree does for it: same usage text
 * for it and each of its own subcommands, same parse of the root's inherited options, same errors.
 */
class CommandLinesTest {
    @Test
    void everySubcommandAloneHasTheSameHelpAsInTheWholeTree() {
        CommandLine whole = new CommandLine(new Main());
        Map<String, CommandLine> subs = whole.getSubcommands();
        assertThat(subs).hasSizeGreaterThan(20);
        int compared = 0;
        for (Map.Entry<String, CommandLine> sub : subs.entrySet()) {
            String name = sub.getKey();
            if (name.equals("help") || name.equals("completion")) {
                assertThat(CommandLines.invokedSubcommand(name)).as(name).isNull();
                continue;
            }
            CommandLine alone = CommandLines.forArguments(name);
            assertThat(alone.getSubcommands().keySet()).as(name).containsOnly(name);
            compared += compareUsage(sub.getValue(), alone.getSubcommands().get(name));
        }
        assertThat(compared).isGreaterThan(40); // subcommands of realm, lore, remote, service... included
    }

    private static int compareUsage(CommandLine expected, CommandLine actual) {
        assertThat(actual.getUsageMessage(CommandLine.Help.Ansi.OFF))
            .as(expected.getCommandSpec().qualifiedName())
            .isEqualTo(expected.getUsageMessage(CommandLine.Help.Ansi.OFF));
        int n = 1;
        for (Map.Entry<String, CommandLine> child : expected.getSubcommands().entrySet()) {
            n += compareUsage(child.getValue(), actual.getSubcommands().get(child.getKey()));
        }
        return n;
    }

    @Test
    void theRootsOptionsInFrontOrInheritedBehindAreParsed() {
        for (String[] args : List.of(new String[] {"--data-dir", "/tmp/a", "status"},
            new String[] {"--data-dir=/tmp/a", "status"}, new String[] {"status", "--data-dir", "/tmp/a"})) {
            HomeOption.dataDir = null;
            CommandLine cli = CommandLines.forArguments(args);
            assertThat(cli.getSubcommands()).containsOnlyKeys("status");
            cli.parseArgs(args);
            assertThat(HomeOption.dataDir).isEqualTo(Path.of("/tmp/a"));
        }
        HomeOption.dataDir = null;
    }

    @Test
    void whateverDescribesOrGuessesAtTheTreeGetsTheWholeTree() {
        for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"-h"},
            new String[] {"help", "status"}, new String[] {"completion", "bash"}, new String[] {"stauts"},
            new String[] {"--bogus", "status"}, new String[] {"--data-dir", "/tmp/a"})) {
            assertThat(CommandLines.invokedSubcommand(args)).as(String.join(" ", args)).isNull();
            assertThat(CommandLines.forArguments(args).getSubcommands()).hasSizeGreaterThan(20);
        }
    }

    @Test
    void theVersionAloneComesFromTheRootAlone() {
        for (String[] args : List.of(new String[] {"-V"}, new String[] {"--version"}, new String[] {"--data-dir", "/x", "-V"},
            new String[] {"--data-dir=/x", "--version"})) {
            assertThat(CommandLines.forArguments(args).getSubcommands()).as(String.join(" ", args)).isEmpty();
            java.io.StringWriter alone = new java.io.StringWriter();
            java.io.StringWriter whole = new java.io.StringWriter();
            CommandLine a = CommandLines.forArguments(args);
            a.setOut(new java.io.PrintWriter(alone));
            CommandLine w = new CommandLine(new Main());
            w.setOut(new java.io.PrintWriter(whole));
            assertThat(a.execute(args)).isEqualTo(w.execute(args)).isZero();
            assertThat(alone.toString()).isEqualTo(whole.toString()).startsWith("lorehub-node ");
        }
        assertThat(CommandLines.versionOnly("-V", "status")).isFalse();
        assertThat(CommandLines.versionOnly("--help")).isFalse();
    }

    @Test
    void errorsReadAsTheyDoWithTheWholeTree() {
        for (String[] args : List.of(new String[] {"status", "--nonsense"}, new String[] {"lore", "show"},
            new String[] {"realm", "frobnicate"})) {
            assertThat(errorOf(CommandLines.forArguments(args), args)).as(String.join(" ", args))
                .isEqualTo(errorOf(new CommandLine(new Main()), args)).isNotEmpty();
        }
    }

    private static String errorOf(CommandLine cli, String[] args) {
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err));
        cli.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        List<String> out = new ArrayList<>();
        int code = cli.execute(args);
        out.add(Integer.toString(code));
        out.add(err.toString());
        return String.join("\n", out);
    }
}

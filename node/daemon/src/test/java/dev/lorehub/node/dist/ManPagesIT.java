package dev.lorehub.node.dist;

import dev.lorehub.node.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The man pages in the archive: one per command of the picocli model, each rendering as a manual page. */
class ManPagesIT {
    @TempDir
    static Path unpacked;
    static Distribution dist;

    @TempDir
    Path tmp;

    @BeforeAll
    static void unpack() throws IOException {
        dist = Distribution.unpack(unpacked);
    }

    /** lorehub-node, lorehub-node-status, lorehub-node-lore-add …: every command and subcommand. */
    private static List<String> pageNames() {
        List<String> names = new ArrayList<>();
        collect(new CommandLine(Main.class), "lorehub-node", names);
        return names;
    }

    private static void collect(CommandLine cmd, String name, List<String> into) {
        into.add(name);
        cmd.getSubcommands().forEach((sub, line) -> {
            if (sub.equals(line.getCommandName())) { // aliases name the same command again
                collect(line, name + "-" + sub, into);
            }
        });
    }

    @Test
    void everyCommandHasAPage() throws IOException {
        List<String> expected = pageNames();
        assertThat(expected).contains("lorehub-node", "lorehub-node-status", "lorehub-node-lore-add", "lorehub-node-completion");
        List<String> shipped;
        try (Stream<Path> s = Files.list(dist.file("man/man1"))) {
            shipped = s.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected.stream().map(n -> n + ".1").toList());
    }

    @Test
    void everyPageRendersWithItsNameAndOptions() {
        boolean man = Run.onPath("man");
        assumeTrue(man || Run.onPath("groff"), "neither man nor groff is installed, so the pages cannot be rendered");
        for (String name : pageNames()) {
            String page = dist.file("man/man1/" + name + ".1").toString();
            List<String> cmd = man ? List.of("man", "-l", page) : List.of("groff", "-man", "-Tutf8", page);
            Run.Result r = Run.run(Duration.ofSeconds(60), tmp, Map.of("MANWIDTH", "100", "MANPAGER", "cat", "PAGER", "cat",
                "GROFF_NO_SGR", "1"), cmd).ok();
            String text = r.out().replaceAll(".\b", ""); // overstrike bold/underline, if any
            assertThat(text).as(name).contains("NAME", "SYNOPSIS", "OPTIONS", name.replace("-", "-"))
                .contains("--help");
            assertThat(r.err()).as(name + " renders without warnings").isEmpty();
        }
    }
}

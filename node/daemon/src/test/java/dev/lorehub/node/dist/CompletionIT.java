package dev.lorehub.node.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The completion scripts shipped in the archive, in real shells: sourced in bash they register
 * completion for {@code lorehub-node} and complete commands and options; the zsh one parses and
 * registers through bashcompinit; both are exactly what {@code lorehub-node completion} prints.
 */
class CompletionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path unpacked;
    static Distribution dist;

    @TempDir
    Path tmp;

    @BeforeAll
    static void unpack() throws IOException {
        dist = Distribution.unpack(unpacked);
    }

    /** The words bash's completion function offers for the command line {@code line} (completing its last word). */
    private List<String> bashComplete(String line) {
        assumeTrue(Run.onPath("bash"), "bash is not installed");
        String script = dist.file("completion/lorehub-node.bash").toString();
        String program = "source '" + script + "' || exit 3\n"
            + "complete -p lorehub-node || exit 4\n"
            + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
            + "read -r -a COMP_WORDS <<< \"$COMP_LINE\"\n"
            + "case $COMP_LINE in *' ') COMP_WORDS+=(''); esac\n"
            + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
            + "fn=$(complete -p lorehub-node | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n"
            + "\"$fn\" lorehub-node \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
            + "printf 'WORD %s\\n' \"${COMPREPLY[@]}\"\n";
        Run.Result r = Run.run(TIMEOUT, tmp, Map.of(), List.of("bash", "--norc", "--noprofile", "-c", program)).ok();
        assertThat(r.out().lines().findFirst().orElse("")).as("registered").contains("-F _complete_lorehub-node")
            .endsWith(" lorehub-node");
        return r.out().lines().filter(l -> l.startsWith("WORD ")).map(l -> l.substring(5).trim()).toList();
    }

    @Test
    void bashCompletesCommandsFromTheirFirstLetters() {
        assertThat(bashComplete("lorehub-node st")).containsExactlyInAnyOrder("status", "start");
        assertThat(bashComplete("lorehub-node comp")).containsExactly("completion");
    }

    @Test
    void bashCompletesSubcommandsAndOptions() {
        assertThat(bashComplete("lorehub-node lore ")).contains("add", "list", "show", "edit", "rm");
        assertThat(bashComplete("lorehub-node status --j")).containsExactly("--json");
        assertThat(bashComplete("lorehub-node completion ")).contains("bash", "zsh");
    }

    @Test
    void theShippedScriptsAreWhatTheCompletionCommandPrints() throws IOException {
        for (String[] shell : new String[][] {{"bash", "completion/lorehub-node.bash"}, {"zsh", "completion/_lorehub-node"}}) {
            Run.Result r = Run.run(TIMEOUT, tmp, Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString()),
                List.of(dist.launcher().toString(), "completion", shell[0])).ok();
            assertThat(r.out()).as(shell[0]).isEqualTo(Files.readString(dist.file(shell[1])));
        }
    }

    @Test
    void zshScriptParsesAndRegistersThroughBashcompinit() {
        assumeTrue(Run.onPath("zsh"), "zsh is not installed (apt install zsh), so the zsh script cannot be checked");
        String script = dist.file("completion/_lorehub-node").toString();
        Run.run(TIMEOUT, tmp, Map.of(), List.of("zsh", "-n", script)).ok();

        // Sourced from ~/.zshrc, as the completion command's help says.
        Run.Result sourced = Run.run(TIMEOUT, tmp, Map.of("HOME", tmp.toString()), List.of("zsh", "-f", "-c",
            "autoload -U compinit && compinit -u -D; source '" + script + "' || exit 3; print -r -- \"COMP ${_comps[lorehub-node]}\""))
            .ok();
        assertThat(sourced.out()).contains("COMP _bash_complete -F _complete_lorehub-node");

        // Installed on $fpath (as the .deb does): compinit finds the #compdef line.
        Path fpath = tmp.resolve("fpath");
        Run.run(TIMEOUT, tmp, Map.of(), List.of("mkdir", "-p", fpath.toString())).ok();
        Run.run(TIMEOUT, tmp, Map.of(), List.of("cp", script, fpath.resolve("_lorehub-node").toString())).ok();
        Run.Result autoloaded = Run.run(TIMEOUT, tmp, Map.of("HOME", tmp.toString()), List.of("zsh", "-f", "-c",
            "fpath=('" + fpath + "' $fpath); autoload -U compinit && compinit -u -D; print -r -- \"COMP ${_comps[lorehub-node]}\""))
            .ok();
        assertThat(autoloaded.out()).contains("COMP _lorehub-node");
    }
}

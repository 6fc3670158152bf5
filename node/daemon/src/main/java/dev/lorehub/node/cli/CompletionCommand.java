package dev.lorehub.node.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code completion bash|zsh}: prints a shell completion script generated from the picocli model
 * of the whole command line, so it always matches the commands and options of this build. The
 * distribution ships the same scripts (the build runs this command to make them).
 */
@Command(name = "completion", description = {"Print a shell completion script.",
    "bash: add `source <(lorehub-node completion bash)` to ~/.bashrc (or install the file as "
        + "/usr/share/bash-completion/completions/lorehub-node).",
    "zsh: add `source <(lorehub-node completion zsh)` to ~/.zshrc (or install the file as _lorehub-node in a "
        + "directory on $fpath)."})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is made for. */
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = shell == Shell.bash ? bash(root) : zsh(root);
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The bash script: picocli's, which registers {@code _complete_lorehub-node} for {@code lorehub-node}. */
    static String bash(CommandLine root) {
        return AutoComplete.bash(root.getCommandName(), root);
    }

    /**
     * The zsh script: the bash one run through zsh's bashcompinit (picocli's script enables it when
     * it sees zsh). It works sourced from ~/.zshrc, and also autoloaded by compinit as the
     * {@code _lorehub-node} completion function from $fpath: then its first run only defines the
     * functions and registers them, so it also answers that first request itself.
     */
    static String zsh(CommandLine root) {
        String name = root.getCommandName();
        String bash = bash(root);
        if (bash.startsWith("#!")) {
            bash = bash.substring(bash.indexOf('\n') + 1); // the bash shebang does not belong in a zsh file
        }
        return "#compdef " + name + "\n"
            + "# zsh completion for " + name + ", generated from its command model (through bashcompinit).\n"
            + "# Use: `source <(" + name + " completion zsh)` in ~/.zshrc, or this file as _" + name
            + " in a directory on $fpath.\n"
            + bash
            + "\n# Autoloaded from $fpath as the completion function itself: complete the request that loaded it.\n"
            + "if [[ -n \"$ZSH_VERSION\" && \"${funcstack[1]}\" == \"_" + name + "\" ]]; then\n"
            + "  _bash_complete -F _complete_" + name + " \"$@\"\n"
            + "fi\n";
    }
}

package dev.lorehub.node.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code completion bash|zsh} prints scripts made from the command model; other shells are a usage error. */
class CompletionCommandTest {
    @Test
    void bashScriptRegistersEveryCommand() {
        CliRunner.Result r = CliRunner.raw("completion", "bash");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("complete -F _complete_lorehub-node -o default lorehub-node")
            .contains("status", "start", "realm", "lore", "completion");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void zshScriptIsAnAutoloadableCompletionFunction() {
        CliRunner.Result r = CliRunner.raw("completion", "zsh");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("#compdef lorehub-node\n").contains("bashcompinit")
            .doesNotContain("#!/usr/bin/env bash");
    }

    @Test
    void anotherShellIsAUsageErrorNamingTheChoices() {
        CliRunner.Result r = CliRunner.raw("completion", "fish");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("fish").contains("bash, zsh");
        assertThat(r.out()).isEmpty();
    }
}

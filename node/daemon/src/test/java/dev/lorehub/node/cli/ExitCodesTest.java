package dev.lorehub.node.cli;

import dev.lorehub.crypto.KeyFileException;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.store.LoreHubDatabaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every exception type that can escape a command ends with the exit code {@link RootCommand}'s help
 * documents for it, and one line on standard error with its message unchanged.
 */
class ExitCodesTest {
    /** Code → description, from {@code lorehub-node --help}'s exit code list. */
    private static final Map<String, String> DOCUMENTED = Arrays.stream(RootCommand.class.getAnnotation(Command.class).exitCodeList())
        .map(line -> line.split(":", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));

    private final StringWriter err = new StringWriter();

    private int exitCodeFor(Throwable failure) {
        return ExitCodes.exitCodeFor(failure, new PrintWriter(err, true));
    }

    @ParameterizedTest
    @EnumSource(NodeException.Reason.class)
    void aNodeExceptionExitsWithItsReasonsDocumentedCode(NodeException.Reason reason) {
        assertThat(DOCUMENTED).containsKey(Integer.toString(reason.exitCode()));

        assertThat(exitCodeFor(new NodeException("Something to fix.", reason))).isEqualTo(reason.exitCode());
        assertThat(err.toString()).isEqualTo("lorehub-node: Something to fix." + System.lineSeparator());
    }

    @Test
    void theReasonsKeepTheirCodes() {
        assertThat(Arrays.stream(NodeException.Reason.values()).map(r -> r.name() + "=" + r.exitCode()))
            .containsExactly("USAGE=2", "STATE=3", "CONFIG=4", "NETWORK=5", "PAIRING=6", "REFUSED=7", "INTERNAL=10");
        assertThat(DOCUMENTED.get("2")).contains("usage");
        assertThat(DOCUMENTED.get("3")).contains("data directory");
        assertThat(DOCUMENTED.get("4")).contains("configuration");
        assertThat(DOCUMENTED.get("10")).contains("internal");
    }

    @Test
    void aConfigProblemExits4() {
        assertThat(exitCodeFor(new NodeConfig.ConfigException("node.json: \"port\" must be a number"))).isEqualTo(4);
        assertThat(err.toString()).isEqualTo("lorehub-node: node.json: \"port\" must be a number" + System.lineSeparator());
    }

    @Test
    void aKeyFileProblemIsADataDirectoryProblem() {
        Path file = Path.of("identity.json");
        assertThat(exitCodeFor(new KeyFileException(file, "Device identity file identity.json is readable by others."))).isEqualTo(3);
        assertThat(err.toString())
            .isEqualTo("lorehub-node: Device identity file identity.json is readable by others." + System.lineSeparator());
    }

    @Test
    void aDatabaseProblemIsADataDirectoryProblem() {
        assertThat(exitCodeFor(new LoreHubDatabaseException("lorehub.db is not a database.", new IllegalStateException()))).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("lorehub-node: lorehub.db is not a database." + System.lineSeparator());
    }

    @Test
    void anythingElseIsAnUnexpectedFailureNamingItsType() {
        assertThat(DOCUMENTED.get("1")).contains("unexpected");

        assertThat(exitCodeFor(new IllegalStateException("boom"))).isEqualTo(1);
        assertThat(err.toString())
            .isEqualTo("lorehub-node: unexpected failure: java.lang.IllegalStateException: boom" + System.lineSeparator());
    }

    @Test
    void aCodeFromTheControlSocketMapsBackToItsReason() {
        for (NodeException.Reason r : NodeException.Reason.values()) {
            assertThat(NodeException.Reason.ofExitCode(r.exitCode())).isEqualTo(r);
        }
        assertThat(NodeException.Reason.ofExitCode(99)).as("a newer daemon's code").isEqualTo(NodeException.Reason.INTERNAL);
    }
}

package dev.lorehub.node.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * While a node run for one command (such as `pair` waiting for its code) holds the data
 * directory, other commands find no control socket: they say what is going on, and never advise
 * deleting anything.
 */
class BusyDataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aCommandFindingTheDirectoryHeldByAPairingSaysSo() {
        NodeHome home = new NodeHome(dir.resolve("data"));
        NodeFiles.init(home, new SecureRandom());
        NodeConfig config = NodeConfig.defaults();
        try (NodeRuntime held = NodeRuntime.start(home, config, System::currentTimeMillis, false);
             BusyNote note = BusyNote.write(home, "showing a pairing code and waiting for another device to use it")) {
            assertThat(NodeClient.daemonRunning(home)).isTrue();
            assertThat(Files.exists(home.controlSocket())).isFalse();

            assertThatThrownBy(() -> ControlClient.call(home, new ControlRequest.Status(), x -> { }))
                .isInstanceOf(NodeException.class)
                .hasMessageContaining("is busy: another lorehub-node command is showing a pairing code")
                .hasMessageContaining("process " + ProcessHandle.current().pid())
                .hasMessageNotContaining("remove").hasMessageNotContaining("control.sock");
        }
        assertThat(BusyNote.read(home)).as("the note goes with the node").isEmpty();
    }

    @Test
    void withoutANoteItSaysTheNodeIsStartingOrStopping() {
        NodeHome home = new NodeHome(dir.resolve("data"));
        assertThat(BusyNote.busyMessage(home)).contains("starting or stopping").doesNotContain("remove");
    }
}

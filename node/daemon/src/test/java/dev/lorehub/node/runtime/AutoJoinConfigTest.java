package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic joining is opt-in and limited to realms founded by paired devices the user names as
 * their own (issue 11, consent): nothing by default; a named device only while it is paired.
 */
class AutoJoinConfigTest {
    @TempDir
    Path dir;

    final DeviceId desktop = DeviceIdentity.generate(SeededRandom.of(1)).id();
    final DeviceId teammate = DeviceIdentity.generate(SeededRandom.of(2)).id();
    final DeviceId stranger = DeviceIdentity.generate(SeededRandom.of(3)).id();

    @Test
    void nothingIsJoinedWithoutAsking() {
        assertThat(NodeConfig.defaults().autoJoinFounders(Set.of(desktop, teammate)).test(desktop)).isFalse();
    }

    @Test
    void onlyNamedDevicesThatArePairedCount() throws Exception {
        Path file = dir.resolve("node.json");
        Files.writeString(file, "{ \"autoJoin\": [\"" + desktop.shortForm().toLowerCase() + "\", \"" + stranger + "\"] }");
        NodeConfig config = NodeConfig.load(file);
        var founders = config.autoJoinFounders(Set.of(desktop, teammate));
        assertThat(founders.test(desktop)).as("named by its short form, paired").isTrue();
        assertThat(founders.test(teammate)).as("paired, not named").isFalse();
        assertThat(founders.test(stranger)).as("named, never paired").isFalse();
    }
}

package dev.lorehub.node.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The data directory is found the way lh finds it. */
class NodeHomeTest {
    @Test
    void homeComesFromDollarHomeLikeLhNotFromJavasUserHome() {
        assertThat(NodeHome.resolve(null, Map.of("HOME", "/tmp/someone-else")).dataDir())
            .isEqualTo(Path.of("/tmp/someone-else/.lorehub"));
        assertThat(System.getProperty("user.home")).isNotEqualTo("/tmp/someone-else");
    }

    @Test
    void flagBeatsLorehubHomeBeatsHome() {
        Map<String, String> env = Map.of("HOME", "/h", NodeHome.ENV, "/lh");
        assertThat(NodeHome.resolve(Path.of("/flag"), env).dataDir()).isEqualTo(Path.of("/flag"));
        assertThat(NodeHome.resolve(null, env).dataDir()).isEqualTo(Path.of("/lh"));
        assertThat(NodeHome.resolve(null, Map.of()).dataDir())
            .as("without $HOME, the account's home").isEqualTo(Path.of(System.getProperty("user.home"), ".lorehub"));
    }
}

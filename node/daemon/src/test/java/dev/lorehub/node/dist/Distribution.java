package dev.lorehub.node.dist;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The distribution archive the build made ({@code node/target/lorehub-node-<version>.tar.gz},
 * named by the {@code lorehub.dist} property failsafe sets), unpacked with {@code tar} as a
 * user would unpack it.
 */
final class Distribution {
    /** The unpacked {@code lorehub-node-<version>/} directory. */
    final Path home;

    private Distribution(Path home) {
        this.home = home;
    }

    /** Unpacks the archive into {@code into}; fails when the build did not make it. */
    static Distribution unpack(Path into) throws IOException {
        String archive = System.getProperty("lorehub.dist");
        if (archive == null) {
            throw new AssertionError("no lorehub.dist system property: run these tests with `mvn verify` (failsafe sets it)");
        }
        Path tgz = Path.of(archive);
        if (!Files.isRegularFile(tgz)) {
            throw new AssertionError("the build made no distribution archive at " + tgz);
        }
        Assumptions.assumeTrue(Run.onPath("tar"), "tar is not installed, so the archive cannot be unpacked as a user would");
        Run.run(Duration.ofSeconds(120), into, Map.of(), List.of("tar", "xzf", tgz.toString())).ok();
        try (var dirs = Files.list(into)) {
            List<Path> top = dirs.toList();
            if (top.size() != 1 || !Files.isDirectory(top.get(0))) {
                throw new AssertionError("the archive should unpack to one directory, not " + top);
            }
            return new Distribution(top.get(0));
        }
    }

    Path launcher() {
        return home.resolve("bin/lorehub-node");
    }

    Path file(String relative) {
        return home.resolve(relative);
    }
}

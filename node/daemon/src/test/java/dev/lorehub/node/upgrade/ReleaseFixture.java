package dev.lorehub.node.upgrade;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The data directories written by the last release (346ad19, body format 1), committed under
 * {@code src/test/resources/upgrade/v0.1.0} and regenerated from that release's own code by
 * {@code regenerate.sh} there (see {@code MakeFixture.java}): ann-laptop (founder), ann-desktop (writer),
 * each with one change the other has not seen, plus forged events of a removed admin (old-tablet).
 * Tests work on copies, made private again (git keeps no file modes).
 */
final class ReleaseFixture {
    static final String ROOT = "upgrade/v0.1.0";

    private final Properties manifest = new Properties();
    private final Path source;

    ReleaseFixture() {
        try {
            source = Path.of(ReleaseFixture.class.getClassLoader().getResource(ROOT + "/manifest.properties").toURI()).getParent();
            try (InputStream in = Files.newInputStream(source.resolve("manifest.properties"))) {
                manifest.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    String get(String key) {
        String v = manifest.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("manifest.properties has no " + key);
        }
        return v;
    }

    RealmId realm() {
        return RealmId.parse(get("realm"));
    }

    DeviceId device(String letter) {
        return DeviceId.parse(get("device" + letter));
    }

    /** Copies a device's data directory (ann-laptop or ann-desktop) to {@code target}, private to the owner. */
    Path copyDevice(String name, Path target) {
        copyTree(source.resolve(name), target);
        makePrivate(target);
        return target;
    }

    /** The identity of a device of the fixture. */
    DeviceIdentity identity(String name) {
        return DeviceIdentity.load(copyDevice(name, tempDir()).resolve("node/identity.key"));
    }

    /** The forged events the removed admin signed, stamped before its removal (membership first). */
    List<byte[]> forged() {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(source.resolve("forged"))) {
            for (Path p : files.sorted((x, y) -> Boolean.compare(!x.getFileName().toString().startsWith("membership"),
                !y.getFileName().toString().startsWith("membership"))).toList()) {
                out.add(Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    byte[] forged(String prefix) {
        try (Stream<Path> files = Files.list(source.resolve("forged"))) {
            Path p = files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("lh-fixture");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void makePrivate(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX modes here: nothing to tighten
        }
    }
}

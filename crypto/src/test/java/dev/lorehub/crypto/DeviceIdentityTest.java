package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeviceIdentityTest {
    @TempDir
    Path dir;

    private final DeviceIdentity identity = DeviceIdentity.generate(SeededRandom.of(41));

    @Test
    void saveAndLoadRoundTripWithOwnerOnlyPermissions() throws IOException {
        Path file = dir.resolve("nested/dir/identity.key");
        identity.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Files.exists(dir.resolve("nested/dir/identity.key.tmp"))).isFalse();
        DeviceIdentity loaded = DeviceIdentity.load(file);
        assertThat(loaded.id()).isEqualTo(identity.id());
        assertThat(loaded.publicKeys()).isEqualTo(identity.publicKeys());
        byte[] m = {1, 2, 3};
        assertThat(loaded.sign(m)).isEqualTo(identity.sign(m));
    }

    @Test
    void saveReplacesAnExistingFile() {
        Path file = dir.resolve("identity.key");
        DeviceIdentity.generate(SeededRandom.of(1)).save(file);
        identity.save(file);
        assertThat(DeviceIdentity.load(file).id()).isEqualTo(identity.id());
    }

    @Test
    void refusesAFileOthersCanRead() throws IOException {
        Path file = dir.resolve("identity.key");
        identity.save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFileException e = catchThrowableOfType(KeyFileException.class, () -> DeviceIdentity.load(file));
        assertThat(e.file()).isEqualTo(file);
        assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThatThrownBy(() -> DeviceIdentity.load(file)).isInstanceOf(KeyFileException.class).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        assertThatThrownBy(() -> DeviceIdentity.load(file)).isInstanceOf(KeyFileException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void refusesACorruptedFile() throws IOException {
        Path file = dir.resolve("identity.key");
        identity.save(file);
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(file, bad);
            KeyFileException e = catchThrowableOfType(KeyFileException.class, () -> DeviceIdentity.load(file));
            assertThat(e).as("byte %d", i).isNotNull();
            assertThat(e.getMessage()).contains(file.toString());
        }
        Files.write(file, Arrays.copyOf(good, 50));
        assertThatThrownBy(() -> DeviceIdentity.load(file)).isInstanceOf(KeyFileException.class)
            .hasMessageContaining("corrupted").hasMessageContaining("50 bytes").hasMessageContaining("backup");
        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> DeviceIdentity.load(file)).isInstanceOf(KeyFileException.class).hasMessageContaining("corrupted");
    }

    @Test
    void missingFileSaysSo() {
        Path file = dir.resolve("none.key");
        assertThatThrownBy(() -> DeviceIdentity.load(file)).isInstanceOf(KeyFileException.class)
            .hasMessageContaining("No device identity at " + file);
    }

    @Test
    void generationIsReproducibleFromASeedAndDifferentOtherwise() {
        assertThat(DeviceIdentity.generate(SeededRandom.of(41)).id()).isEqualTo(identity.id());
        assertThat(DeviceIdentity.generate(SeededRandom.of(42)).id()).isNotEqualTo(identity.id());
        assertThat(identity.toString()).contains(identity.id().toString());
    }

    @Test
    void publicKeysVerifyAndRoundTrip() {
        DeviceKeys keys = identity.publicKeys().verified();
        assertThat(keys.id()).isEqualTo(identity.id());
        assertThat(DeviceKeys.decode(keys.encode())).isEqualTo(keys);
        byte[] enc = keys.encode();
        for (int i = 0; i < enc.length; i++) {
            byte[] bad = enc.clone();
            bad[i] ^= 1;
            assertThatThrownBy(() -> DeviceKeys.decode(bad)).isInstanceOf(CryptoException.class);
        }
    }
}

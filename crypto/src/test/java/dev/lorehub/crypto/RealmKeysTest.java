package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RealmKeysTest {
    @TempDir
    Path dir;

    private final SecureRandom random = SeededRandom.of(61);

    @Test
    void realmIdTextAndOrder() {
        RealmId id = RealmId.random(random);
        assertThat(id.toString()).matches("[0-9a-f]{32}");
        assertThat(RealmId.parse(id.toString())).isEqualTo(id);
        assertThat(RealmId.parse(id.toString().toUpperCase(java.util.Locale.ROOT))).isEqualTo(id);
        assertThatThrownBy(() -> RealmId.parse("abc")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 hex digits");
        assertThatThrownBy(() -> RealmId.parse("zz" + id.toString().substring(2))).isInstanceOf(IllegalArgumentException.class);
        byte[] hi = new byte[16];
        hi[0] = (byte) 0xFF;
        assertThat(RealmId.fromBytes(new byte[16]).compareTo(RealmId.fromBytes(hi))).isNegative();
    }

    @Test
    void epochKeyIsSecretAndImmutable() {
        EpochKey k = EpochKey.random(RealmId.random(random), 0, random);
        assertThat(k.toString()).doesNotContain(Hex.of(k.key())).contains("secret");
        byte[] copy = k.key();
        copy[0] ^= 1;
        assertThat(k.key()).isNotEqualTo(copy);
        assertThatThrownBy(() -> new EpochKey(k.realm(), -1, k.key())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EpochKey(k.realm(), 0, new byte[31])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31");
    }

    @Test
    void keyringRotationAndLookup() {
        RealmKeyring k0 = RealmKeyring.create(random);
        RealmKeyring k2 = k0.rotate(random).rotate(random);
        assertThat(k0.epochs()).hasSize(1);
        assertThat(k2.current().epoch()).isEqualTo(2);
        assertThat(k2.epochs()).extracting(EpochKey::epoch).containsExactly(0, 1, 2);
        assertThat(k2.epoch(0)).contains(k0.current());
        assertThat(k2.epoch(7)).isEmpty();
        assertThat(k2.realmId()).isEqualTo(k0.realmId());
        assertThat(k2.current()).isNotEqualTo(k2.epoch(1).orElseThrow());
    }

    @Test
    void keyringWithAndOf() {
        RealmKeyring k = RealmKeyring.create(random).rotate(random);
        EpochKey later = EpochKey.random(k.realmId(), 5, random);
        RealmKeyring joined = RealmKeyring.of(List.of(later));
        assertThat(joined.current()).isEqualTo(later);
        assertThat(joined.with(k.epoch(1).orElseThrow()).epochs()).extracting(EpochKey::epoch).containsExactly(1, 5);
        assertThat(k.with(k.current())).isSameAs(k);
        assertThatThrownBy(() -> k.with(EpochKey.random(k.realmId(), 1, random)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different key for epoch 1");
        assertThatThrownBy(() -> k.with(EpochKey.random(RealmId.random(random), 9, random))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RealmKeyring.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RealmKeyring.of(List.of(later, later))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> RealmKeyring.of(List.of(later, EpochKey.random(RealmId.random(random), 0, random))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two realms");
    }

    @Test
    void secretStorePersistsAcrossReopen() throws IOException {
        Path file = dir.resolve("keys/realms.keys");
        SecretStore store = SecretStore.open(file);
        assertThat(store.keyrings()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        RealmKeyring a = RealmKeyring.create(random).rotate(random);
        RealmKeyring b = RealmKeyring.create(random);
        store.put(a);
        store.put(b);
        store.put(a.rotate(random));
        SecretStore reopened = SecretStore.open(file);
        assertThat(reopened.keyrings()).containsExactlyElementsOf(store.keyrings());
        assertThat(reopened.keyring(a.realmId()).orElseThrow().current().epoch()).isEqualTo(2);
        reopened.remove(b.realmId());
        assertThat(SecretStore.open(file).keyring(b.realmId())).isEmpty();
        assertThat(Files.exists(dir.resolve("keys/realms.keys.tmp"))).isFalse();
        assertThat(SecretStore.open(file).keyrings()).extracting(RealmKeyring::realmId).isSorted();
    }

    @Test
    void secretStoreRefusesOpenPermissionsAndCorruption() throws IOException {
        Path file = dir.resolve("realms.keys");
        SecretStore.open(file).put(RealmKeyring.create(random));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertThatThrownBy(() -> SecretStore.open(file)).isInstanceOf(KeyFileException.class)
            .hasMessageContaining(file.toString()).hasMessageContaining("chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x04;
            Files.write(file, bad);
            assertThatThrownBy(() -> SecretStore.open(file)).isInstanceOf(KeyFileException.class).hasMessageContaining(file.toString());
        }
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SecretStore.open(file)).isInstanceOf(KeyFileException.class).hasMessageContaining("corrupted");
    }
}

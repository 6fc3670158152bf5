package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceKeys;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks of byte strings made once are answered again from memory, and only for exactly the same bytes. */
class ByteChecksTest {
    private final SecureRandom random = SeededRandom.of(7);
    private final DeviceIdentity admin = DeviceIdentity.generate(random);
    private final DeviceIdentity member = DeviceIdentity.generate(random);
    private final RealmKeyring keyring = RealmKeyring.create(random);

    @Test
    void aWrapAlteredAfterItsOriginalWasCheckedIsStillRefused() {
        ByteChecks<KeyWrap.WrappedKeyInfo> checks = new ByteChecks<>(16, KeyWrap::inspect);
        byte[] wrapped = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random);
        KeyWrap.WrappedKeyInfo info = checks.check(wrapped).value();
        assertThat(info).isEqualTo(KeyWrap.inspect(wrapped));
        assertThat(checks.check(wrapped.clone()).value()).as("the same bytes, another array").isEqualTo(info);

        byte[] forged = wrapped.clone();
        forged[forged.length - 1] ^= 1; // the signature no longer matches
        assertThat(checks.check(forged).value()).isNull();
        assertThat(checks.check(forged).problem()).as("refused again from memory, with the reason").contains("not validly signed");

        wrapped[40] ^= 1; // the caller changes its array after asking: what was kept is a copy
        assertThat(checks.check(wrapped).value()).as("the changed bytes are another wrap").isNull();
        wrapped[40] ^= 1;
        assertThat(checks.check(wrapped).value()).isEqualTo(info);
    }

    @Test
    void forgedDeviceKeysAreRefusedWhateverWasCheckedBefore() {
        ByteChecks<DeviceKeys> checks = new ByteChecks<>(16, DeviceKeys::decode);
        byte[] keys = member.publicKeys().encode();
        assertThat(checks.check(keys).value().id()).isEqualTo(member.id());
        byte[] forged = keys.clone();
        forged[forged.length - 1] ^= 1;
        assertThat(checks.check(forged).problem()).isNotNull();
        assertThat(checks.check(forged).value()).isNull();
    }

    @Test
    void itKeepsAtMostItsBound() {
        ByteChecks<KeyWrap.WrappedKeyInfo> checks = new ByteChecks<>(3, KeyWrap::inspect);
        for (int i = 0; i < 5; i++) {
            checks.check(KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random));
        }
        assertThat(checks.size()).isEqualTo(3);
    }
}

package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyWrapTest {
    private final SecureRandom random = SeededRandom.of(31);
    private final DeviceIdentity admin = DeviceIdentity.generate(random);
    private final DeviceIdentity member = DeviceIdentity.generate(random);
    private final DeviceIdentity stranger = DeviceIdentity.generate(random);
    private final RealmKeyring keyring = RealmKeyring.create(random).rotate(random);

    @Test
    void wrapInspectUnwrap() {
        byte[] wrapped = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random);
        assertThat(wrapped).hasSize(KeyWrap.LENGTH);
        KeyWrap.WrappedKeyInfo info = KeyWrap.inspect(wrapped);
        assertThat(info).isEqualTo(new KeyWrap.WrappedKeyInfo(keyring.realmId(), 1, member.id(), admin.id()));
        assertThat(KeyWrap.unwrap(wrapped, member)).isEqualTo(keyring.current());
    }

    @Test
    void onlyTheRecipientCanUnwrap() {
        byte[] wrapped = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random);
        assertThatThrownBy(() -> KeyWrap.unwrap(wrapped, stranger))
            .isInstanceOf(CryptoException.class).hasMessageContaining(member.id().toString()).hasMessageContaining("not to this device");
    }

    @Test
    void everySingleBitFlipIsRejected() {
        byte[] wrapped = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random);
        for (int bit = 0; bit < wrapped.length * 8; bit++) {
            byte[] t = wrapped.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            int b = bit;
            assertThatThrownBy(() -> KeyWrap.unwrap(t, member)).as("bit %d", b).isInstanceOf(CryptoException.class);
        }
    }

    @Test
    void aValidlySignedWrapForAnotherEpochIsNotThisEpoch() {
        // Realm and epoch are bound into HPKE's info: an admin's wrap opens only as what it says it is.
        byte[] wrapped = KeyWrap.wrap(keyring.epoch(0).orElseThrow(), member.publicKeys(), admin, random);
        EpochKey k = KeyWrap.unwrap(wrapped, member);
        assertThat(k.epoch()).isZero();
        assertThat(k).isEqualTo(keyring.epoch(0).orElseThrow());
    }

    @Test
    void refusesRecipientKeysThatDoNotVerify() {
        DeviceKeys good = member.publicKeys();
        byte[] otherAgreement = stranger.publicKeys().agreementKey();
        DeviceKeys forged = new DeviceKeys(good.signingKey(), otherAgreement, good.agreementKeySignature());
        assertThatThrownBy(() -> KeyWrap.wrap(keyring.current(), forged, admin, random))
            .isInstanceOf(CryptoException.class).hasMessageContaining("not signed");
    }

    @Test
    void wrongLengthIsRejected() {
        assertThatThrownBy(() -> KeyWrap.inspect(new byte[10])).isInstanceOf(CryptoException.class).hasMessageContaining("261");
    }

    @Test
    void seededRandomReproducesTheBytes() {
        byte[] a = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, SeededRandom.of(9));
        byte[] b = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, SeededRandom.of(9));
        byte[] c = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, SeededRandom.of(10));
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }
}

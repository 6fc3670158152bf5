package dev.lorehub.crypto;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.security.SecureRandom;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SealedEnvelopeProperties {
    private static final DeviceIdentity AUTHOR = DeviceIdentity.generate(SeededRandom.of(21));
    private static final RealmKeyring KEYRING = RealmKeyring.create(SeededRandom.of(22)).rotate(SeededRandom.of(23));

    private static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        SeededRandom.of(seed).nextBytes(b);
        return b;
    }

    private static SealedEnvelope.KeyLookup lookup(RealmKeyring k) {
        return (realm, epoch) -> realm.equals(k.realmId()) ? k.epoch(epoch) : Optional.empty();
    }

    private static byte[] seal(byte[] plaintext, boolean encrypted, long seed) {
        EnvelopeHeader h = new EnvelopeHeader(KEYRING.realmId(), KEYRING.current().epoch(), seed, encrypted);
        return SealedEnvelope.seal(h, plaintext, KEYRING.current(), AUTHOR, SeededRandom.of(seed));
    }

    @Property(tries = 60)
    void roundTripUpTo1MiB(@ForAll @IntRange(min = 0, max = 1 << 20) int size, @ForAll long seed, @ForAll boolean encrypted) {
        byte[] plaintext = bytes(seed, size);
        byte[] sealed = seal(plaintext, encrypted, seed);
        OpenedEnvelope o = SealedEnvelope.open(sealed, lookup(KEYRING));
        assertThat(o.plaintext()).isEqualTo(plaintext);
        assertThat(o.header().timestamp()).isEqualTo(seed);
        assertThat(o.header().encrypted()).isEqualTo(encrypted);
        assertThat(o.author()).isEqualTo(AUTHOR.id());
    }

    @Property(tries = 1000)
    void anySingleBitFlipFails(@ForAll @IntRange(min = 0, max = 4096) int size, @ForAll long seed,
                               @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int bitChoice, @ForAll boolean encrypted) {
        byte[] sealed = seal(bytes(seed, size), encrypted, seed);
        int bit = bitChoice % (sealed.length * 8);
        sealed[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThatThrownBy(() -> SealedEnvelope.open(sealed, lookup(KEYRING))).isInstanceOf(EnvelopeException.class);
    }

    @Property(tries = 200)
    void wrongEpochOrRealmKeyFails(@ForAll @IntRange(min = 0, max = 4096) int size, @ForAll long seed) {
        byte[] sealed = seal(bytes(seed, size), true, seed);
        SecureRandom r = SeededRandom.of(seed ^ 0x5DEECE66DL);
        EpochKey wrongEpoch = KEYRING.epoch(0).orElseThrow();
        EpochKey wrongRealm = EpochKey.random(RealmId.random(r), KEYRING.current().epoch(), r);
        for (EpochKey k : new EpochKey[] {wrongEpoch, wrongRealm}) {
            assertThatThrownBy(() -> SealedEnvelope.open(sealed, (realm, epoch) -> Optional.of(k)))
                .isInstanceOfSatisfying(EnvelopeException.class,
                    e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.DECRYPTION_FAILED));
        }
    }
}

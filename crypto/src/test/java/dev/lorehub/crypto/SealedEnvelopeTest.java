package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SealedEnvelopeTest {
    private final SecureRandom random = SeededRandom.of(11);
    private final DeviceIdentity author = DeviceIdentity.generate(random);
    private final RealmKeyring keyring = RealmKeyring.create(random).rotate(random);
    private final byte[] text = "a lore about envelopes".getBytes(StandardCharsets.UTF_8);

    private EnvelopeHeader header(boolean encrypted) {
        return new EnvelopeHeader(keyring.realmId(), keyring.current().epoch(), 123456789L, encrypted);
    }

    private byte[] seal(byte[] plaintext) {
        return SealedEnvelope.seal(header(true), plaintext, keyring.current(), author, random);
    }

    private static SealedEnvelope.KeyLookup lookup(RealmKeyring k) {
        return (realm, epoch) -> realm.equals(k.realmId()) ? k.epoch(epoch) : Optional.empty();
    }

    @Test
    void encryptedRoundTrip() {
        byte[] sealed = seal(text);
        assertThat(sealed).hasSize(text.length + SealedEnvelope.OVERHEAD_ENCRYPTED);
        OpenedEnvelope o = SealedEnvelope.open(sealed, lookup(keyring));
        assertThat(o.plaintext()).isEqualTo(text);
        assertThat(o.header()).isEqualTo(header(true));
        assertThat(o.author()).isEqualTo(author.id());
        assertThat(o.authorKey()).isEqualTo(author.publicKeys().signingKey());
        // the plaintext does not appear in the envelope
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("envelopes");
    }

    @Test
    void relayVerifiesWithoutTheKey() {
        byte[] sealed = seal(text);
        OpenedEnvelope v = SealedEnvelope.verify(sealed);
        assertThat(v.plaintext()).isNull();
        assertThat(v.author()).isEqualTo(author.id());
        assertThat(v.header()).isEqualTo(header(true));
        assertThat(SealedEnvelope.peek(sealed)).isEqualTo(v);
    }

    @Test
    void signedOnlyEnvelopeNeedsNoKey() {
        byte[] sealed = SealedEnvelope.seal(header(false), text, null, author, random);
        assertThat(sealed).hasSize(text.length + SealedEnvelope.OVERHEAD_SIGNED_ONLY);
        OpenedEnvelope o = SealedEnvelope.open(sealed, (r, e) -> Optional.empty());
        assertThat(o.plaintext()).isEqualTo(text);
        assertThat(o.header().encrypted()).isFalse();
        byte[] tampered = sealed.clone();
        tampered[SealedEnvelope.HEADER_LENGTH] ^= 1;
        assertThat(catchThrowableOfType(EnvelopeException.class, () -> SealedEnvelope.open(tampered, (r, e) -> Optional.empty())).reason())
            .isEqualTo(EnvelopeException.Reason.BAD_SIGNATURE);
    }

    @Test
    void emptyPlaintext() {
        byte[] sealed = seal(new byte[0]);
        assertThat(SealedEnvelope.open(sealed, lookup(keyring)).plaintext()).isEmpty();
    }

    @Test
    void everySingleBitFlipIsRejected() {
        byte[] sealed = seal(text);
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] t = sealed.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            int b = bit;
            assertThatThrownBy(() -> SealedEnvelope.open(t, lookup(keyring)))
                .as("bit %d", b).isInstanceOf(EnvelopeException.class);
            assertThatThrownBy(() -> SealedEnvelope.verify(t)).as("bit %d", b).isInstanceOf(EnvelopeException.class);
        }
    }

    @Test
    void wrongKeysFail() {
        byte[] sealed = seal(text);
        RealmKeyring otherRealm = RealmKeyring.create(random).rotate(random);
        EpochKey olderEpoch = keyring.epoch(0).orElseThrow();
        EpochKey sameEpochWrongBytes = EpochKey.random(keyring.realmId(), keyring.current().epoch(), random);
        EpochKey otherRealmsKey = otherRealm.current();

        for (EpochKey wrong : new EpochKey[] {olderEpoch, sameEpochWrongBytes, otherRealmsKey}) {
            EnvelopeException e = catchThrowableOfType(EnvelopeException.class, () -> SealedEnvelope.open(sealed, (r, ep) -> Optional.of(wrong)));
            assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.DECRYPTION_FAILED);
        }
        EnvelopeException noKey = catchThrowableOfType(EnvelopeException.class, () -> SealedEnvelope.open(sealed, lookup(otherRealm)));
        assertThat(noKey.reason()).isEqualTo(EnvelopeException.Reason.NO_KEY);
        assertThat(noKey).hasMessageContaining(keyring.realmId().toString());
    }

    @Test
    void movingACiphertextUnderAnotherAuthorFails() {
        // A member re-signs someone else's ciphertext as its own: the signature verifies, but the
        // header (author key) is AAD, so decryption fails.
        byte[] sealed = seal(text);
        DeviceIdentity thief = DeviceIdentity.generate(random);
        byte[] resigned = sealed.clone();
        System.arraycopy(thief.publicKeys().signingKey(), 0, resigned, 30, 32);
        byte[] toSign = SealedEnvelopeTestAccess.signedMessage(resigned);
        System.arraycopy(thief.sign(toSign), 0, resigned, resigned.length - 64, 64);
        assertThat(SealedEnvelope.verify(resigned).author()).isEqualTo(thief.id());
        assertThat(catchThrowableOfType(EnvelopeException.class, () -> SealedEnvelope.open(resigned, lookup(keyring))).reason())
            .isEqualTo(EnvelopeException.Reason.DECRYPTION_FAILED);
    }

    @Test
    void structuralErrorsAreTyped() {
        byte[] sealed = seal(text);
        assertThat(reason(new byte[0])).isEqualTo(EnvelopeException.Reason.TRUNCATED);
        assertThat(reason(Arrays.copyOf(sealed, 100))).isEqualTo(EnvelopeException.Reason.TRUNCATED);
        assertThat(reason(Arrays.copyOf(sealed, sealed.length - 1))).isEqualTo(EnvelopeException.Reason.TRUNCATED);
        assertThat(reason(Arrays.copyOf(sealed, sealed.length + 1))).isEqualTo(EnvelopeException.Reason.MALFORMED);
        byte[] v2 = sealed.clone();
        v2[0] = 2;
        assertThat(reason(v2)).isEqualTo(EnvelopeException.Reason.UNKNOWN_VERSION);
        byte[] flags = sealed.clone();
        flags[1] |= 0x40;
        assertThat(reason(flags)).isEqualTo(EnvelopeException.Reason.MALFORMED);
        byte[] hugeLength = sealed.clone();
        hugeLength[78] = 0x7F;
        assertThat(reason(hugeLength)).isEqualTo(EnvelopeException.Reason.TOO_LARGE);
        byte[] negativeEpoch = sealed.clone();
        negativeEpoch[18] = (byte) 0x80;
        assertThat(reason(negativeEpoch)).isEqualTo(EnvelopeException.Reason.MALFORMED);
    }

    @Test
    void oversizedInputIsRejectedBeforeParsing() {
        byte[] huge = new byte[SealedEnvelope.MAX_SEALED + 1];
        huge[0] = 1;
        EnvelopeException e = catchThrowableOfType(EnvelopeException.class, () -> SealedEnvelope.verify(huge));
        assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.TOO_LARGE);
        assertThat(e).hasMessageContaining(Integer.toString(SealedEnvelope.MAX_SEALED)).hasMessageContaining(Integer.toString(huge.length));
        assertThatThrownBy(() -> seal(new byte[SealedEnvelope.MAX_PLAINTEXT + 1]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(SealedEnvelope.MAX_PLAINTEXT));
    }

    @Test
    void largestPlaintextFits() {
        byte[] big = new byte[SealedEnvelope.MAX_PLAINTEXT];
        random.nextBytes(big);
        byte[] sealed = seal(big);
        assertThat(sealed.length).isLessThanOrEqualTo(SealedEnvelope.MAX_SEALED);
        assertThat(SealedEnvelope.open(sealed, lookup(keyring)).plaintext()).isEqualTo(big);
    }

    @Test
    void sealChecksTheKeyAgainstTheHeader() {
        assertThatThrownBy(() -> SealedEnvelope.seal(header(true), text, keyring.epoch(0).orElseThrow(), author, random))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch 0");
        assertThatThrownBy(() -> SealedEnvelope.seal(header(true), text, null, author, random)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new EnvelopeHeader(keyring.realmId(), -1, 0, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameSeedSameBytesDifferentSeedDifferentSalt() {
        DeviceIdentity a = DeviceIdentity.generate(SeededRandom.of(5));
        RealmKeyring k = RealmKeyring.create(SeededRandom.of(6));
        EnvelopeHeader h = new EnvelopeHeader(k.realmId(), 0, 1, true);
        byte[] one = SealedEnvelope.seal(h, text, k.current(), a, SeededRandom.of(7));
        byte[] two = SealedEnvelope.seal(h, text, k.current(), a, SeededRandom.of(7));
        byte[] three = SealedEnvelope.seal(h, text, k.current(), a, SeededRandom.of(8));
        assertThat(two).isEqualTo(one);
        assertThat(three).isNotEqualTo(one);
    }

    private EnvelopeException.Reason reason(byte[] bytes) {
        return catchThrowableOfType(EnvelopeException.class, () -> SealedEnvelope.open(bytes, lookup(keyring))).reason();
    }

    @Test
    void verifiedThenStoredBytesOpenWithoutASecondSignatureCheckButTamperingStillFails() {
        byte[] sealed = seal(text);
        SealedEnvelope.KeyLookup keys = (r, e) -> keyring.epoch(e);
        SealedEnvelope.Verified verified = SealedEnvelope.verifyForOpen(sealed);
        assertThat(SealedEnvelope.open(verified, keys).plaintext()).isEqualTo(text);
        assertThat(SealedEnvelope.openStored(sealed, keys).plaintext()).isEqualTo(text);
        byte[] tampered = sealed.clone();
        tampered[SealedEnvelope.HEADER_LENGTH + 2] ^= 1; // ciphertext: GCM still catches it
        assertThatThrownBy(() -> SealedEnvelope.openStored(tampered, keys)).isInstanceOf(EnvelopeException.class);
    }
}

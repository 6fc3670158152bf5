package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Literal bytes of the formats, from seeded randomness: a change to any format (or to the seeded
 * random stream) fails here, so it is never accidental. If a change is intended, bump the format's
 * version byte and update the literals.
 */
class GoldenBytesTest {
    private static final DeviceIdentity AUTHOR = DeviceIdentity.fromSecretKeys(
        Hex.of("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
        Hex.of("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    private static final DeviceIdentity RECIPIENT = DeviceIdentity.fromSecretKeys(
        Hex.of("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
        Hex.of("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    private static final RealmId REALM = RealmId.parse("00112233445566778899aabbccddeeff");
    private static final EpochKey KEY = new EpochKey(REALM, 2,
        Hex.of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    @Test
    void seededRandomStream() {
        byte[] b = new byte[32];
        SeededRandom.of(42).nextBytes(b);
        assertThat(Hex.of(b)).isEqualTo(SEEDED_42);
    }

    @Test
    void encryptedEnvelope() {
        byte[] sealed = SealedEnvelope.seal(new EnvelopeHeader(REALM, 2, 0x0102030405060708L, true),
            "hello".getBytes(StandardCharsets.UTF_8), KEY, AUTHOR, SeededRandom.of(1));
        assertThat(Hex.of(sealed)).isEqualTo(ENCRYPTED_ENVELOPE);
        assertThat(SealedEnvelope.open(Hex.of(ENCRYPTED_ENVELOPE), (r, e) -> Optional.of(KEY)).plaintext())
            .isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signedOnlyEnvelope() {
        byte[] sealed = SealedEnvelope.seal(new EnvelopeHeader(REALM, 2, 7, false),
            "member".getBytes(StandardCharsets.UTF_8), null, AUTHOR, SeededRandom.of(1));
        assertThat(Hex.of(sealed)).isEqualTo(SIGNED_ENVELOPE);
    }

    @Test
    void wrappedKey() {
        byte[] wrapped = KeyWrap.wrap(KEY, RECIPIENT.publicKeys(), AUTHOR, SeededRandom.of(1));
        assertThat(Hex.of(wrapped)).isEqualTo(WRAPPED_KEY);
        assertThat(KeyWrap.unwrap(Hex.of(WRAPPED_KEY), RECIPIENT)).isEqualTo(KEY);
    }

    @Test
    void deviceKeysAndRecord() {
        assertThat(Hex.of(AUTHOR.publicKeys().encode())).isEqualTo(DEVICE_KEYS);
        assertThat(Hex.of(DeviceRecord.create(AUTHOR, "laptop").encode())).isEqualTo(DEVICE_RECORD);
    }

    static final String SEEDED_42 =
        "b413cd00e5da81388efca94ba57582c8581133cd0843bc22c8107603cec786f3";
    static final String ENCRYPTED_ENVELOPE =
        "010100112233445566778899aabbccddeeff000000020102030405060708d75a980182b10ab7d54bfed3c964073a0ee1"
        + "72f3daa62325af021a68f707511ae4a95a572c8c66f1220c7e44f93594cc00000015d7e2d1cfda43afa9f46bdec1163b"
        + "b41ac37f4be03180da6745b8da061c0d1fbf8590e85af31e72aa7f5a3359ffef189826a1bdb88b41bb20d7ae77786bac"
        + "2de31548fdc60d390ba96d7e3e497835d7517450073f05";
    static final String SIGNED_ENVELOPE =
        "010000112233445566778899aabbccddeeff000000020000000000000007d75a980182b10ab7d54bfed3c964073a0ee1"
        + "72f3daa62325af021a68f707511ae4a95a572c8c66f1220c7e44f93594cc000000066d656d6265725d44c70ebdac7857"
        + "1086245d632959315527d5c68005da4e8c373badf0532addf42a7c217fe93cb0c8759e57ed33343b1fd13b0764871291"
        + "e7e4bff9910fb502";
    static final String WRAPPED_KEY =
        "0100112233445566778899aabbccddeeff0000000239f713d0a644253f04529421b9f51b9b08979d08295959c4f3990e"
        + "e617f5139fde9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4fd75a980182b10ab7d54bfe"
        + "d3c964073a0ee172f3daa62325af021a68f707511aa1c5f39bfa5bbc292e1fd57dc08f66038adabf3ef78d58818e990c"
        + "83fb32830c88b82b3beb96c7fcc3dfcc61141e10540ea610352dfd4aaa5899ae49e4d56006fab9b80250083653a5de5a"
        + "17f8c7dad9f82df92d9539174493b6a9fe6540e830b56293757de1a65484084a4b1d5fa10b60bb316ec6811372f95dec"
        + "89941db6e062535c909441e0df42b1aca6537c370d";
    static final String DEVICE_KEYS =
        "01d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a8520f0098930a754748b7ddcb43ef7"
        + "5a0dbf3a0d26381af4eba4a98eaa9b4e6a8493cf10dd5de61f39844fd2cd9fdf9212591c9a65db2aca4dff0ed5eac833"
        + "48e7db163281264bf25dbcaac21ab80fffbe18f142c74e64749e39121d2ac83c00";
    static final String DEVICE_RECORD =
        "0101d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a8520f0098930a754748b7ddcb43e"
        + "f75a0dbf3a0d26381af4eba4a98eaa9b4e6a8493cf10dd5de61f39844fd2cd9fdf9212591c9a65db2aca4dff0ed5eac8"
        + "3348e7db163281264bf25dbcaac21ab80fffbe18f142c74e64749e39121d2ac83c00066c6170746f707b740a9c825fa7"
        + "6c8a5b5d7bcd9ebaa5099f4d101b12afd3df3cb61f57a1b139f59511f5edeeaa11a9093409c90e5704d843e3720db242"
        + "93f7108c27f944420b";
}

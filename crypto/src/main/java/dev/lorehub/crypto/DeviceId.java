package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.DeviceIdText;
import dev.lorehub.crypto.internal.Sha256;

import java.util.Arrays;

/**
 * A device's identity: SHA-256 of its Ed25519 identity public key (32 bytes).
 *
 * <p><b>Text form.</b> The 32 bytes in RFC 4648 base32 ({@code A-Z2-7}, unpadded): 52
 * characters. They are cut into 4 blocks of 13 characters and each block is followed by one
 * Luhn mod 32 check character computed over that block, giving 56 characters, printed as 8 groups
 * of 7 joined by {@code -}, e.g. {@code MFRGGZD-FMZTWQ2-LK5DHLN-...}. Every single-character
 * substitution (and most swaps of neighbours) makes a check character wrong, so a mistyped id is
 * rejected instead of naming some other device.
 *
 * <p>The <b>short form</b> is the first group (7 characters, 35 bits; contains no check
 * character), for display where the full id does not fit.
 *
 * <p>{@link #parse} and {@link #matchesPrefix} ignore case and separators (whitespace and
 * {@code - _ . :}) and read {@code 0}, {@code 1}, {@code 8} as {@code O}, {@code I}, {@code B}
 * (base32 has no such digits, so they can only be misreadings).
 *
 * <p>Immutable; equality, hash and ordering by the 32 bytes (ordering unsigned lexicographic).
 */
public final class DeviceId implements Comparable<DeviceId> {
    /** Number of bytes in a device id. */
    public static final int LENGTH = 32;
    /** Characters in the full text form without separators (52 data + 4 check). */
    public static final int TEXT_LENGTH = DeviceIdText.FULL_CHARS;
    /** Characters in the short form. */
    public static final int SHORT_LENGTH = DeviceIdText.SHORT_CHARS;

    private final byte[] bytes;
    private String full; // 56 characters without separators; computed on first use (String is safely publishable)

    private DeviceId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The id of the device whose Ed25519 identity public key (32 bytes) this is. */
    public static DeviceId ofPublicKey(byte[] ed25519PublicKey) {
        if (ed25519PublicKey == null || ed25519PublicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got "
                + (ed25519PublicKey == null ? "null" : ed25519PublicKey.length));
        }
        return new DeviceId(Sha256.hash(ed25519PublicKey));
    }

    /** Wraps exactly {@link #LENGTH} bytes (copied); otherwise {@link IllegalArgumentException}. */
    public static DeviceId fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a device id is " + LENGTH + " bytes, got "
                + (bytes == null ? "null" : bytes.length));
        }
        return new DeviceId(bytes.clone());
    }

    /**
     * Parses the full text form, tolerating case and separator differences.
     *
     * @throws InvalidDeviceIdException naming what is wrong (length, alphabet, check character)
     */
    public static DeviceId parse(String text) {
        if (text == null) {
            throw new InvalidDeviceIdException("no device id given");
        }
        String[] problem = new String[1];
        String norm = DeviceIdText.normalize(text, problem);
        if (norm == null) {
            throw new InvalidDeviceIdException("not a device id: " + problem[0]);
        }
        if (norm.length() != TEXT_LENGTH) {
            String hint = norm.length() == SHORT_LENGTH
                ? " (that looks like a short form; the full id has 8 groups of 7)"
                : "";
            throw new InvalidDeviceIdException("a device id has " + TEXT_LENGTH + " letters and digits (8 groups of 7), got "
                + norm.length() + hint);
        }
        int badBlock = DeviceIdText.firstBadBlock(norm);
        if (badBlock >= 0) {
            int from = badBlock * (DeviceIdText.BLOCK + 1);
            throw new InvalidDeviceIdException("device id has a typo: check character " + (badBlock + 1)
                + " does not match characters " + (from + 1) + "-" + (from + DeviceIdText.BLOCK + 1)
                + "; compare the id character by character with the one shown on the other device");
        }
        byte[] raw = DeviceIdText.decodeData(DeviceIdText.dataChars(norm));
        if (raw == null) {
            throw new InvalidDeviceIdException("device id has a typo: its last data character is not one an id can end with");
        }
        DeviceId id = new DeviceId(raw);
        id.full = norm;
        return id;
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The short form for display: the first 7 characters of the full form (no check characters). */
    public String shortForm() {
        return full().substring(0, SHORT_LENGTH);
    }

    /**
     * True if {@code text} is this id's short form or any longer prefix of its full form, ignoring
     * case and separators. False for anything shorter than the short form.
     */
    public boolean matchesPrefix(String text) {
        if (text == null) {
            return false;
        }
        String norm = DeviceIdText.normalize(text, new String[1]);
        return norm != null && norm.length() >= SHORT_LENGTH && norm.length() <= TEXT_LENGTH && full().startsWith(norm);
    }

    /** The full text form: 8 groups of 7 characters joined by {@code -}. */
    @Override
    public String toString() {
        return DeviceIdText.format(full());
    }

    private String full() {
        String f = full;
        if (f == null) {
            f = DeviceIdText.encode(bytes);
            full = f;
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceId && Arrays.equals(bytes, ((DeviceId) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(DeviceId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}

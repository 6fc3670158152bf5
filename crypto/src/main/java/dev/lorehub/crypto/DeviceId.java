package dev.lorehub.crypto;

/**
 * A device's identity: SHA-256 of its Ed25519 identity public key (32 bytes).
 *
 * <p>Text form (API SKELETON — the implementation defines the exact rendering and documents it
 * here): base32 in groups with check characters, so that a mistyped id is detected; plus a short
 * form for display. {@link #parse} accepts the full form in any case and with any separators.
 * Immutable; equality and ordering by the 32 bytes (unsigned lexicographic).
 */
public final class DeviceId implements Comparable<DeviceId> {
    /** Number of bytes in a device id. */
    public static final int LENGTH = 32;

    private DeviceId() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The id of the device whose Ed25519 identity public key (32 bytes) this is. */
    public static DeviceId ofPublicKey(byte[] ed25519PublicKey) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Wraps exactly {@link #LENGTH} bytes (copied); otherwise {@link IllegalArgumentException}. */
    public static DeviceId fromBytes(byte[] bytes) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Parses the full text form, tolerating case and separator differences.
     *
     * @throws InvalidDeviceIdException naming what is wrong (length, alphabet, check character)
     */
    public static DeviceId parse(String text) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The short form for display (a prefix of the full form, without check characters). */
    public String shortForm() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** True if {@code text} is this id's short form or any longer prefix of its full form, ignoring case and separators. */
    public boolean matchesPrefix(String text) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The full text form. */
    @Override
    public String toString() {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public int compareTo(DeviceId o) {
        throw new UnsupportedOperationException("skeleton");
    }
}

package dev.lorehub.node.remote;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * How far a reader has read one stream of a realm on a remote: for a segment store, the last
 * segment read from one writer (its sequence number and hash, so the next must chain to it); for
 * a row store, the realm's last sequence number read (no hash).
 */
public record Position(long seq, byte[] hash) {
    /** Nothing read yet. */
    public static final Position START = new Position(0, null);

    public Position {
        hash = hash == null ? null : hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash == null ? null : hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Position p && p.seq == seq && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return seq + (hash == null ? "" : "@" + HexFormat.of().formatHex(hash, 0, 6));
    }
}

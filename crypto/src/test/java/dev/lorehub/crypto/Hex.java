package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.Bytes;

/** Hex helpers for tests (vectors are written as hex in the RFCs). */
final class Hex {
    private Hex() {
    }

    static byte[] of(String hex) {
        return Bytes.fromHex(hex.replaceAll("\\s+", ""));
    }

    static String of(byte[] b) {
        return Bytes.hex(b);
    }
}

package dev.lorehub.simulator.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over everything that happened in a run: every event fired (time, kind, operands),
 * every frame delivered (its bytes) and every workload operation. Two runs of one seed must give
 * the same hash; any hidden source of non-determinism changes it.
 */
final class TraceHash {
    private final MessageDigest sha;
    private final byte[] buf = new byte[8];

    TraceHash() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    void add(long v) {
        for (int i = 0; i < 8; i++) {
            buf[i] = (byte) (v >>> (56 - 8 * i));
        }
        sha.update(buf);
    }

    void add(byte[] bytes) {
        add(bytes.length);
        sha.update(bytes);
    }

    void add(String s) {
        add(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}

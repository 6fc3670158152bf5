package dev.lorehub.node.core;

import dev.lorehub.crypto.CryptoException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers of a check that is a function of a byte string alone (a signature verified against a key the
 * bytes carry: a wrapped realm key, a device's public keys), kept by the whole byte string. A realm's
 * membership is folded again whenever it changes, and each fold checks every wrapped key and every
 * member's keys in its history again; here each distinct byte string is checked once. A changed byte is
 * another key, checked on its own. The simulator keeps the envelope checks of one run in one of these,
 * shared by its nodes. Bounded, least recently used first out; thread-safe.
 *
 * @param <V> what the check reads from valid bytes
 */
public final class ByteChecks<V> {
    /** Enough for every wrapped key or member of a few large realms' histories (a few hundred bytes each). */
    static final int DEFAULT_MAX = 4096;

    /** A check: a function of the bytes alone, which throws {@link CryptoException} for bytes it refuses. */
    @FunctionalInterface
    public interface Check<V> {
        /** What the check reads from {@code bytes}; must not keep or change the array. */
        V run(byte[] bytes);
    }

    /**
     * The outcome: the value read, or why the bytes were refused (exactly one is non-null).
     *
     * @param value   what the check returned
     * @param problem the message of the {@link CryptoException} it threw
     */
    public record Checked<V>(V value, String problem) {
    }

    private record Key(byte[] value, int hash) {
        Key(byte[] value) {
            this(value, Arrays.hashCode(value));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.value, value);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return value.length + " bytes";
        }
    }

    private final Check<V> check;
    private final LinkedHashMap<Key, Checked<V>> kept;

    /**
     * @param max   the most outcomes kept
     * @param check the check, run once per distinct byte string while its outcome is kept
     */
    public ByteChecks(int max, Check<V> check) {
        this.check = check;
        this.kept = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Checked<V>> eldest) {
                return size() > max;
            }
        };
    }

    /** The check's outcome for these bytes, run now or kept from an earlier call with the same bytes. */
    public Checked<V> check(byte[] bytes) {
        Key key = new Key(bytes);
        synchronized (this) {
            Checked<V> known = kept.get(key);
            if (known != null) {
                return known;
            }
        }
        Checked<V> outcome;
        try {
            outcome = new Checked<>(check.run(bytes), null);
        } catch (CryptoException e) {
            outcome = new Checked<>(null, e.getMessage());
        }
        synchronized (this) {
            kept.put(new Key(bytes.clone()), outcome); // the caller's array may change later
        }
        return outcome;
    }

    /** How many outcomes are kept (for tests). */
    synchronized int size() {
        return kept.size();
    }
}

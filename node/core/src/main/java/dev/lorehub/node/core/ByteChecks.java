package dev.lorehub.node.core;

import dev.lorehub.crypto.CryptoException;
import dev.lorehub.crypto.KeyWrap;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link KeyWrap#inspect} found in the wrapped keys seen last, by their bytes (null: not a valid
 * wrap). A realm's membership is folded again whenever it changes, and each fold inspects every wrapped
 * key of its history, a signature check each. The answer is a function of the bytes alone, and the key
 * here is the whole byte string (a changed byte is another key, checked on its own), so it is kept.
 * Bounded, least recently used first out; thread-safe.
 */
final class WrapInspections {
    /** Enough for every wrapped key of a few large realms' histories (a wrap is 2 to 3 hundred bytes). */
    static final int DEFAULT_MAX = 4096;

    private record WrapBytes(byte[] value, int hash) {
        WrapBytes(byte[] value) {
            this(value, Arrays.hashCode(value));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WrapBytes b && b.hash == hash && Arrays.equals(b.value, value);
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

    private final LinkedHashMap<WrapBytes, Optional<KeyWrap.WrappedKeyInfo>> kept;

    WrapInspections(int max) {
        this.kept = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<WrapBytes, Optional<KeyWrap.WrappedKeyInfo>> eldest) {
                return size() > max;
            }
        };
    }

    /** {@link KeyWrap#inspect}, or null where it throws. */
    KeyWrap.WrappedKeyInfo inspect(byte[] wrapped) {
        WrapBytes key = new WrapBytes(wrapped);
        synchronized (this) {
            Optional<KeyWrap.WrappedKeyInfo> known = kept.get(key);
            if (known != null) {
                return known.orElse(null);
            }
        }
        KeyWrap.WrappedKeyInfo info;
        try {
            info = KeyWrap.inspect(wrapped);
        } catch (CryptoException e) {
            info = null;
        }
        synchronized (this) {
            kept.put(new WrapBytes(wrapped.clone()), Optional.ofNullable(info)); // the caller's array may change later
        }
        return info;
    }

    /** How many inspections are kept (for tests). */
    synchronized int size() {
        return kept.size();
    }
}

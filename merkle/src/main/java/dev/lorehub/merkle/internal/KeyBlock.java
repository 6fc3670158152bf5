package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.EventKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A growable list of keys in parallel primitive arrays (timestamp, four id words). */
public final class KeyBlock {

    private long[] ts;
    private long[] w;
    private int n;

    public KeyBlock() {
        this(8);
    }

    public KeyBlock(int capacity) {
        ts = new long[Math.max(1, capacity)];
        w = new long[Math.max(1, capacity) * 4];
    }

    /** The keys of a snapshot with ranks in {@code [from, to)}. */
    public static KeyBlock of(KeyTree t, int from, int to) {
        KeyBlock b = new KeyBlock(to - from);
        t.visit(from, to, (kts, w0, w1, w2, w3, h, o) -> b.add(kts, w0, w1, w2, w3));
        return b;
    }

    public void add(long kts, long w0, long w1, long w2, long w3) {
        if (n == ts.length) {
            ts = Arrays.copyOf(ts, n * 2);
            w = Arrays.copyOf(w, n * 8);
        }
        ts[n] = kts;
        int b = n << 2;
        w[b] = w0;
        w[b + 1] = w1;
        w[b + 2] = w2;
        w[b + 3] = w3;
        n++;
    }

    /** Appends key {@code i} of another block. */
    public void add(KeyBlock o, int i) {
        int b = i << 2;
        add(o.ts[i], o.w[b], o.w[b + 1], o.w[b + 2], o.w[b + 3]);
    }

    public void addAll(KeyBlock o) {
        for (int i = 0; i < o.n; i++) {
            add(o, i);
        }
    }

    public int size() {
        return n;
    }

    /** Empties the block, keeping its capacity. */
    public void clear() {
        n = 0;
    }

    public long ts(int i) {
        return ts[i];
    }

    /** Id word {@code j} (0..3) of key {@code i}. */
    public long w(int i, int j) {
        return w[(i << 2) + j];
    }

    /** Id byte {@code j} (0..31) of key {@code i}. */
    public int idByte(int i, int j) {
        int b = i << 2;
        return Keys.idByte(w[b], w[b + 1], w[b + 2], w[b + 3], j);
    }

    /** Compares key {@code i} with key {@code j} of another block. */
    public int compare(int i, KeyBlock o, int j) {
        int b = i << 2;
        int c = j << 2;
        return Keys.compare(ts[i], w[b], w[b + 1], w[b + 2], w[b + 3], o.ts[j], o.w[c], o.w[c + 1], o.w[c + 2], o.w[c + 3]);
    }

    /** Whether key {@code i} is in the tree. */
    public boolean in(KeyTree t, int i) {
        int b = i << 2;
        return t.contains(ts[i], w[b], w[b + 1], w[b + 2], w[b + 3]);
    }

    /** Adds the key hash of key {@code i} to {@code sum} (or subtracts it when {@code negate}). */
    public void accumulate(KeyHasher h, int i, long[] sum, boolean negate, long[] scratch) {
        int b = i << 2;
        h.hashKey(ts[i], w[b], w[b + 1], w[b + 2], w[b + 3], scratch, 0);
        if (negate) {
            U256.sub(sum, 0, scratch, 0);
        } else {
            U256.add(sum, 0, scratch, 0);
        }
    }

    public EventKey key(int i) {
        int b = i << 2;
        return EventKey.ofWords(ts[i], w[b], w[b + 1], w[b + 2], w[b + 3]);
    }

    /** The keys, sorted ascending. */
    public List<EventKey> toSortedList() {
        List<EventKey> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(key(i));
        }
        out.sort(null);
        return List.copyOf(out);
    }
}

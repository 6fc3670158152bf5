package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.KeyHasher;
import dev.lorehub.merkle.internal.KeySorter;
import dev.lorehub.merkle.internal.KeyTree;
import dev.lorehub.merkle.internal.Keys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A sorted set of {@link EventKey}s (one realm's event ids) that keeps the fingerprint of every key
 * range available in {@code O(log n)}.
 *
 * <h2>Fingerprint</h2>
 * Each key {@code k = (ts, id)} has a key hash {@code H_K(k) = SHA-256(0x4B || ts (8 bytes,
 * big-endian two's complement) || id)}, read as a 256-bit integer. The fingerprint of a range
 * holding keys {@code k_1..k_c} is
 * <pre>
 *   FP_len(range) = SHA-256(0x52 || len || salt (8 bytes BE) || c (8 bytes BE) || S (32 bytes BE))[0, len)
 *   where S = (H_K(k_1) + ... + H_K(k_c)) mod 2^256
 * </pre>
 * with {@code len = 16} and {@code salt = 0} for the fingerprints this class returns (the
 * reconciliation protocol uses a per-session salt and may truncate sub-range fingerprints).
 * The sum is order-independent, so it is kept per subtree of a B+ tree and the sum of any range is
 * the difference of two prefix sums: an insert or remove updates {@code O(log n)} sums and nothing
 * is ever rebuilt. Domain separation: the tags 0x4B (key) and 0x52 (range) keep a key hash from
 * ever equalling a range fingerprint input; the count {@code c} and the output length are hashed
 * in, so ranges of different sizes or truncations never share an input.
 *
 * <h2>Collision resistance</h2>
 * <ul>
 *   <li>Honest inputs (keys not chosen to collide), modelling SHA-256 as a random oracle: for two
 *       different key sets the difference of their sums is uniform, so equal sums have probability
 *       2^-256, and equal fingerprints have probability about 2^-128 ({@code 2^-8len} for a
 *       fingerprint truncated to {@code len} bytes) per comparison.</li>
 *   <li>Adversarial inputs: an additive sum is open to generalised-birthday (Wagner k-list)
 *       attacks. Someone who can place many keys of their choosing into the sets (here: author
 *       events, whose ids are SHA-256 hashes, so each try costs a signature and a hash) can find a
 *       set of keys whose hash sum hits a chosen target with work far below 2^128, on the order of
 *       2^32 to 2^40 hash evaluations with thousands of keys. Such a collision can make two different
 *       sets look equal and hide a difference from reconciliation. Keys from honest devices cannot
 *       be made to collide by anyone else without breaking SHA-256. This is the same trade-off as
 *       negentropy's sum-based fingerprint; a keyed per-key hash would close it at the cost of
 *       per-peer trees.</li>
 * </ul>
 *
 * <h2>Mutability and snapshots</h2>
 * A set is mutable unless it is a {@link #snapshot()}, which is immutable and costs {@code O(1)}
 * (copy-on-write: the live set copies each node it modifies after the snapshot). Iteration always
 * runs over a snapshot taken when it starts, so modifying the set while iterating is safe and not
 * seen by the iteration. Not thread-safe: one thread at a time.
 */
public final class FingerprintSet implements Iterable<EventKey> {

    private final KeyTree tree;
    private final KeyHasher hasher = new KeyHasher();

    /** An empty mutable set. */
    public FingerprintSet() {
        this(new KeyTree());
    }

    private FingerprintSet(KeyTree tree) {
        this.tree = tree;
    }

    /** A mutable set holding the given keys (duplicates ignored), built in bulk. */
    public static FingerprintSet build(Collection<EventKey> keys) {
        int n = keys.size();
        long[] ts = new long[n];
        long[] w = new long[n * 4];
        int i = 0;
        for (EventKey k : keys) {
            ts[i] = k.timestamp();
            for (int j = 0; j < 4; j++) {
                w[4 * i + j] = k.idWord(j);
            }
            i++;
        }
        return new FingerprintSet(KeySorter.build(ts, w, i));
    }

    /**
     * A mutable set built in bulk from unsorted keys: key {@code i} is {@code (timestamps[i],
     * ids[32i .. 32i+32))}. Duplicates are ignored. This is the fast path: sort, hash and fill the
     * tree bottom-up, about 0.3 s for a million keys.
     *
     * @throws IllegalArgumentException if {@code ids.length != 32 * timestamps.length}
     */
    public static FingerprintSet build(long[] timestamps, byte[] ids) {
        int n = timestamps.length;
        if ((long) ids.length != 32L * n) {
            throw new IllegalArgumentException("ids must hold 32 bytes per timestamp: " + n
                + " timestamps but " + ids.length + " id bytes");
        }
        long[] w = new long[n * 4];
        for (int i = 0; i < n; i++) {
            Keys.idToWords(ids, 32 * i, w, 4 * i);
        }
        return new FingerprintSet(KeySorter.build(timestamps, w, n));
    }

    /** Adds a key; {@code false} if present. Throws {@link UnsupportedOperationException} on a snapshot. */
    public boolean add(long timestamp, byte[] id) {
        return add(new EventKey(timestamp, id));
    }

    /** Adds a key; {@code false} if present. Throws {@link UnsupportedOperationException} on a snapshot. */
    public boolean add(EventKey key) {
        return tree.add(key.timestamp(), key.idWord(0), key.idWord(1), key.idWord(2), key.idWord(3));
    }

    /** Removes a key; {@code false} if absent. Throws {@link UnsupportedOperationException} on a snapshot. */
    public boolean remove(long timestamp, byte[] id) {
        return remove(new EventKey(timestamp, id));
    }

    /** Removes a key; {@code false} if absent. Throws {@link UnsupportedOperationException} on a snapshot. */
    public boolean remove(EventKey key) {
        return tree.remove(key.timestamp(), key.idWord(0), key.idWord(1), key.idWord(2), key.idWord(3));
    }

    /** Whether the key is present. */
    public boolean contains(long timestamp, byte[] id) {
        return contains(new EventKey(timestamp, id));
    }

    /** Whether the key is present. */
    public boolean contains(EventKey key) {
        return tree.contains(key.timestamp(), key.idWord(0), key.idWord(1), key.idWord(2), key.idWord(3));
    }

    /** Number of keys. */
    public int size() {
        return tree.size();
    }

    /** The fingerprint of the whole set: the realm's root. {@code O(1)} plus one SHA-256. */
    public Fingerprint root() {
        long[] sum = new long[4];
        tree.totalSum(sum, 0);
        return Fingerprint.of(hasher.fingerprint(tree.size(), sum, 0, 0L, Fingerprint.BYTES));
    }

    /**
     * The fingerprint of the keys {@code k} with {@code lowerInclusive <= k < upperExclusive};
     * {@code null} means unbounded on that side. {@code O(log n)}.
     *
     * @throws IllegalArgumentException if the lower bound is above the upper bound
     */
    public Fingerprint fingerprint(EventKey lowerInclusive, EventKey upperExclusive) {
        checkOrder(lowerInclusive, upperExclusive);
        int from = rankFrom(lowerInclusive);
        int to = rankTo(upperExclusive, from);
        long[] sum = new long[4];
        tree.rangeSum(from, to, sum, 0);
        return Fingerprint.of(hasher.fingerprint(to - from, sum, 0, 0L, Fingerprint.BYTES));
    }

    /** Number of keys in {@code [lowerInclusive, upperExclusive)}; {@code null} is unbounded. {@code O(log n)}. */
    public int count(EventKey lowerInclusive, EventKey upperExclusive) {
        checkOrder(lowerInclusive, upperExclusive);
        int from = rankFrom(lowerInclusive);
        return rankTo(upperExclusive, from) - from;
    }

    /** Calls {@code action} for each key in {@code [lowerInclusive, upperExclusive)} in ascending order. */
    public void forEach(EventKey lowerInclusive, EventKey upperExclusive, Consumer<? super EventKey> action) {
        Objects.requireNonNull(action, "action");
        checkOrder(lowerInclusive, upperExclusive);
        KeyTree snap = tree.snapshot();
        int from = rankFrom(snap, lowerInclusive);
        int to = rankTo(snap, upperExclusive, from);
        snap.visit(from, to, (ts, w0, w1, w2, w3, h, o) -> action.accept(EventKey.ofWords(ts, w0, w1, w2, w3)));
    }

    /** The keys in {@code [lowerInclusive, upperExclusive)} in ascending order, as a new list. */
    public List<EventKey> keys(EventKey lowerInclusive, EventKey upperExclusive) {
        List<EventKey> out = new ArrayList<>();
        forEach(lowerInclusive, upperExclusive, out::add);
        return out;
    }

    /** Ascending iteration over a snapshot taken now; the iterator does not support removal. */
    @Override
    public Iterator<EventKey> iterator() {
        KeyTree snap = tree.snapshot();
        return new Iterator<>() {
            private static final int CHUNK = 256;
            private final List<EventKey> buf = new ArrayList<>(CHUNK);
            private int nextRank;
            private int pos;

            @Override
            public boolean hasNext() {
                return pos < buf.size() || nextRank < snap.size();
            }

            @Override
            public EventKey next() {
                if (pos == buf.size()) {
                    if (nextRank >= snap.size()) {
                        throw new NoSuchElementException();
                    }
                    buf.clear();
                    pos = 0;
                    int to = Math.min(snap.size(), nextRank + CHUNK);
                    snap.visit(nextRank, to, (ts, w0, w1, w2, w3, h, o) -> buf.add(EventKey.ofWords(ts, w0, w1, w2, w3)));
                    nextRank = to;
                }
                return buf.get(pos++);
            }
        };
    }

    /** An immutable copy of the current contents in {@code O(1)} (a snapshot of a snapshot is itself). */
    public FingerprintSet snapshot() {
        return tree.isReadOnly() ? this : new FingerprintSet(tree.snapshot());
    }

    /** Whether this set is an immutable snapshot. */
    public boolean isReadOnly() {
        return tree.isReadOnly();
    }

    /** The tree, for the protocol classes of this package. */
    KeyTree tree() {
        return tree;
    }

    private int rankFrom(EventKey lower) {
        return rankFrom(tree, lower);
    }

    private static void checkOrder(EventKey lower, EventKey upper) {
        if (lower != null && upper != null && lower.compareTo(upper) > 0) {
            throw new IllegalArgumentException("lower bound " + lower + " above upper bound " + upper);
        }
    }

    private int rankTo(EventKey upper, int from) {
        return rankTo(tree, upper, from);
    }

    private static int rankFrom(KeyTree t, EventKey lower) {
        return lower == null ? 0 : t.rankOfKey(lower.timestamp(), lower.idWord(0), lower.idWord(1), lower.idWord(2), lower.idWord(3));
    }

    private static int rankTo(KeyTree t, EventKey upper, int from) {
        int to = upper == null ? t.size() : t.rankOfKey(upper.timestamp(), upper.idWord(0), upper.idWord(1), upper.idWord(2), upper.idWord(3));
        return Math.max(to, from);
    }
}

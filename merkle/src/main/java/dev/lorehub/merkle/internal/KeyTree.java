package dev.lorehub.merkle.internal;

import java.util.Arrays;

/**
 * An order-statistic B+ tree of keys, augmented with the 256-bit sum of the key hashes of every
 * subtree, so that the count and hash sum of any key range (and therefore its fingerprint) take
 * {@code O(log n)} time and an insert or remove updates {@code O(log n)} sums; nothing is ever rebuilt.
 *
 * <p>Memory: nodes are arrays of primitives (a leaf holds up to {@value #LEAF_CAP} keys as
 * {@code long} timestamps, four id words and four hash limbs, 72 bytes a key), so a million keys
 * take about 80 MB and a few tens of thousands of objects.
 *
 * <p>Snapshots are copy-on-write: {@link #snapshot()} is {@code O(1)} and hands out the current
 * nodes read-only; the live tree copies a node (and its path) the first time it modifies it after a
 * snapshot. Every node records the owner token of the tree allowed to modify it in place.
 *
 * <p>Not thread-safe.
 */
public final class KeyTree {

    static final int LEAF_CAP = 64;
    static final int INNER_CAP = 64;
    /** A non-root node below this size borrows from or merges with a sibling. */
    static final int LEAF_MIN = LEAF_CAP / 4;
    static final int INNER_MIN = INNER_CAP / 4;
    /** Keys per leaf and children per inner node in a bulk build: room for inserts without splitting at once. */
    static final int BUILD_FILL = 56;

    /** Receives keys in order from {@link #visit}: the hash limbs are {@code h[hOff..hOff+4)}. */
    @FunctionalInterface
    public interface KeyVisitor {
        void accept(long ts, long w0, long w1, long w2, long w3, long[] h, int hOff);
    }

    abstract static class Node {
        Object owner;
        int n;

        abstract Node copy(Object newOwner);
    }

    static final class Leaf extends Node {
        final long[] ts;
        final long[] id;
        final long[] h;

        Leaf(Object owner) {
            this.owner = owner;
            ts = new long[LEAF_CAP];
            id = new long[LEAF_CAP * 4];
            h = new long[LEAF_CAP * 4];
        }

        private Leaf(Leaf o, Object owner) {
            this.owner = owner;
            n = o.n;
            ts = o.ts.clone();
            id = o.id.clone();
            h = o.h.clone();
        }

        @Override
        Node copy(Object newOwner) {
            return new Leaf(this, newOwner);
        }
    }

    static final class Inner extends Node {
        final Node[] kid;
        final int[] cnt;
        final long[] sum;
        /** Separator {@code j >= 1}: every key of kid {@code j} is at or above it and below separator {@code j+1}. */
        final long[] sepTs;
        final long[] sepId;

        Inner(Object owner) {
            this.owner = owner;
            kid = new Node[INNER_CAP];
            cnt = new int[INNER_CAP];
            sum = new long[INNER_CAP * 4];
            sepTs = new long[INNER_CAP];
            sepId = new long[INNER_CAP * 4];
        }

        private Inner(Inner o, Object owner) {
            this.owner = owner;
            n = o.n;
            kid = o.kid.clone();
            cnt = o.cnt.clone();
            sum = o.sum.clone();
            sepTs = o.sepTs.clone();
            sepId = o.sepId.clone();
        }

        @Override
        Node copy(Object newOwner) {
            return new Inner(this, newOwner);
        }
    }

    private Node root;
    private int size;
    private final long[] total = new long[4];
    /** Token of the nodes this tree may modify in place; {@code null} for a read-only snapshot. */
    private Object owner;
    private final KeyHasher hasher;
    private final long[] scratchH = new long[4];
    private long splitTs;
    private final long[] splitW = new long[4];

    /** An empty, mutable tree. */
    public KeyTree() {
        owner = new Object();
        root = new Leaf(owner);
        hasher = new KeyHasher();
    }

    private KeyTree(Node root, int size, long[] total, Object owner, KeyHasher hasher) {
        this.root = root;
        this.size = size;
        System.arraycopy(total, 0, this.total, 0, 4);
        this.owner = owner;
        this.hasher = hasher;
    }

    /** Number of keys. */
    public int size() {
        return size;
    }

    /** Whether this tree is a read-only snapshot. */
    public boolean isReadOnly() {
        return owner == null;
    }

    /** Copies the hash sum of all keys into {@code out[off..off+4)}. */
    public void totalSum(long[] out, int off) {
        U256.copy(total, 0, out, off);
    }

    /**
     * An immutable view of the current contents in {@code O(1)}. This tree stays mutable and from
     * now on copies each node before its first modification, so the snapshot never changes.
     */
    public KeyTree snapshot() {
        if (owner == null) {
            return this;
        }
        KeyTree s = new KeyTree(root, size, total, null, null);
        owner = new Object();
        return s;
    }

    // ------------------------------------------------------------------ queries

    /** Whether the key is present. */
    public boolean contains(long ts, long w0, long w1, long w2, long w3) {
        Node x = root;
        while (x instanceof Inner in) {
            x = in.kid[childForKey(in, ts, w0, w1, w2, w3)];
        }
        Leaf l = (Leaf) x;
        int pos = leafLowerBound(l, ts, w0, w1, w2, w3);
        return pos < l.n && Keys.compareAt(l.ts, l.id, pos, ts, w0, w1, w2, w3) == 0;
    }

    /** Number of keys strictly below the key. */
    public int rankOfKey(long ts, long w0, long w1, long w2, long w3) {
        int r = 0;
        Node x = root;
        while (x instanceof Inner in) {
            int i = childForKey(in, ts, w0, w1, w2, w3);
            for (int j = 0; j < i; j++) {
                r += in.cnt[j];
            }
            x = in.kid[i];
        }
        return r + leafLowerBound((Leaf) x, ts, w0, w1, w2, w3);
    }

    /** Number of keys strictly below the bound ({@link #size()} for {@link Bound#INF}). */
    public int rankOf(Bound b) {
        if (b.infinite) {
            return size;
        }
        int r = 0;
        Node x = root;
        while (x instanceof Inner in) {
            int i = childBelowBound(in, b);
            for (int j = 0; j < i; j++) {
                r += in.cnt[j];
            }
            x = in.kid[i];
        }
        Leaf l = (Leaf) x;
        int lo = 0;
        int hi = l.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int b4 = mid << 2;
            if (b.compareKey(l.ts[mid], l.id[b4], l.id[b4 + 1], l.id[b4 + 2], l.id[b4 + 3]) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return r + lo;
    }

    /** Sum of the hashes of the {@code rank} smallest keys, into {@code out[off..off+4)}. */
    public void prefixSum(int rank, long[] out, int off) {
        if (rank < 0 || rank > size) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside 0.." + size);
        }
        if (rank == size) {
            U256.copy(total, 0, out, off);
            return;
        }
        U256.clear(out, off);
        int r = rank;
        Node x = root;
        while (x instanceof Inner in) {
            int j = 0;
            while (r >= in.cnt[j]) {
                U256.add(out, off, in.sum, j << 2);
                r -= in.cnt[j];
                j++;
            }
            x = in.kid[j];
        }
        Leaf l = (Leaf) x;
        for (int k = 0; k < r; k++) {
            U256.add(out, off, l.h, k << 2);
        }
    }

    /** Sum of the hashes of keys with ranks in {@code [from, to)}, into {@code out[off..off+4)}. */
    public void rangeSum(int from, int to, long[] out, int off) {
        long[] tmp = new long[4];
        prefixSum(to, out, off);
        prefixSum(from, tmp, 0);
        U256.sub(out, off, tmp, 0);
    }

    /** The key at {@code rank} (0-based) as {@code out[0] = ts, out[1..5) = id words}. */
    public void keyAt(int rank, long[] out) {
        if (rank < 0 || rank >= size) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside 0.." + (size - 1));
        }
        int r = rank;
        Node x = root;
        while (x instanceof Inner in) {
            int j = 0;
            while (r >= in.cnt[j]) {
                r -= in.cnt[j];
                j++;
            }
            x = in.kid[j];
        }
        Leaf l = (Leaf) x;
        out[0] = l.ts[r];
        System.arraycopy(l.id, r << 2, out, 1, 4);
    }

    /** The timestamp of the key at {@code rank}. */
    public long tsAt(int rank) {
        if (rank < 0 || rank >= size) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside 0.." + (size - 1));
        }
        int r = rank;
        Node x = root;
        while (x instanceof Inner in) {
            int j = 0;
            while (r >= in.cnt[j]) {
                r -= in.cnt[j];
                j++;
            }
            x = in.kid[j];
        }
        return ((Leaf) x).ts[r];
    }

    /** Visits the keys with ranks in {@code [from, to)} in ascending order. */
    public void visit(int from, int to, KeyVisitor v) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("ranks [" + from + ", " + to + ") outside 0.." + size);
        }
        if (from < to) {
            visit(root, from, to, v);
        }
    }

    private static void visit(Node x, int from, int to, KeyVisitor v) {
        if (x instanceof Leaf l) {
            for (int k = from; k < to; k++) {
                int b = k << 2;
                v.accept(l.ts[k], l.id[b], l.id[b + 1], l.id[b + 2], l.id[b + 3], l.h, b);
            }
            return;
        }
        Inner in = (Inner) x;
        int base = 0;
        for (int j = 0; j < in.n && base < to; j++) {
            int c = in.cnt[j];
            if (base + c > from) {
                visit(in.kid[j], Math.max(0, from - base), Math.min(c, to - base), v);
            }
            base += c;
        }
    }

    // ------------------------------------------------------------------ updates

    /** Adds a key; {@code false} if it was already present. */
    public boolean add(long ts, long w0, long w1, long w2, long w3) {
        requireMutable();
        if (contains(ts, w0, w1, w2, w3)) {
            return false;
        }
        hasher.hashKey(ts, w0, w1, w2, w3, scratchH, 0);
        root = writable(root);
        Node right = insert(root, ts, w0, w1, w2, w3, scratchH);
        if (right != null) {
            Inner r = new Inner(owner);
            r.n = 2;
            r.kid[0] = root;
            r.kid[1] = right;
            r.sepTs[1] = splitTs;
            System.arraycopy(splitW, 0, r.sepId, 4, 4);
            refresh(r, 0);
            refresh(r, 1);
            root = r;
        }
        size++;
        U256.add(total, 0, scratchH, 0);
        return true;
    }

    /** Removes a key; {@code false} if it was absent. */
    public boolean remove(long ts, long w0, long w1, long w2, long w3) {
        requireMutable();
        if (!contains(ts, w0, w1, w2, w3)) {
            return false;
        }
        root = writable(root);
        delete(root, ts, w0, w1, w2, w3, scratchH);
        size--;
        U256.sub(total, 0, scratchH, 0);
        if (root instanceof Inner in && in.n == 1) {
            root = in.kid[0];
        }
        return true;
    }

    private void requireMutable() {
        if (owner == null) {
            throw new UnsupportedOperationException("a snapshot is read-only");
        }
    }

    private Node writable(Node x) {
        return x.owner == owner ? x : x.copy(owner);
    }

    private Node insert(Node x, long ts, long w0, long w1, long w2, long w3, long[] h) {
        if (x instanceof Leaf l) {
            int pos = leafLowerBound(l, ts, w0, w1, w2, w3);
            if (l.n < LEAF_CAP) {
                leafInsertAt(l, pos, ts, w0, w1, w2, w3, h);
                return null;
            }
            Leaf r = new Leaf(owner);
            int half = LEAF_CAP / 2;
            leafMove(l, half, r, 0, LEAF_CAP - half);
            r.n = LEAF_CAP - half;
            l.n = half;
            if (pos < half) {
                leafInsertAt(l, pos, ts, w0, w1, w2, w3, h);
            } else {
                leafInsertAt(r, pos - half, ts, w0, w1, w2, w3, h);
            }
            splitTs = r.ts[0];
            System.arraycopy(r.id, 0, splitW, 0, 4);
            return r;
        }
        Inner in = (Inner) x;
        int i = childForKey(in, ts, w0, w1, w2, w3);
        Node c = writable(in.kid[i]);
        in.kid[i] = c;
        Node r = insert(c, ts, w0, w1, w2, w3, h);
        if (r == null) {
            in.cnt[i]++;
            U256.add(in.sum, i << 2, h, 0);
            return null;
        }
        long sTs = splitTs;
        long s0 = splitW[0];
        long s1 = splitW[1];
        long s2 = splitW[2];
        long s3 = splitW[3];
        refresh(in, i);
        return innerInsertKid(in, i + 1, r, sTs, s0, s1, s2, s3);
    }

    /** Inserts a kid at {@code pos}; returns the new right sibling if {@code in} had to split. */
    private Node innerInsertKid(Inner in, int pos, Node kid, long sTs, long s0, long s1, long s2, long s3) {
        if (in.n < INNER_CAP) {
            innerShiftRight(in, pos, 1);
            setKid(in, pos, kid, sTs, s0, s1, s2, s3);
            in.n++;
            return null;
        }
        Inner r = new Inner(owner);
        int half = INNER_CAP / 2;
        innerMove(in, half, r, 0, INNER_CAP - half);
        r.n = INNER_CAP - half;
        in.n = half;
        if (pos <= half) {
            innerShiftRight(in, pos, 1);
            setKid(in, pos, kid, sTs, s0, s1, s2, s3);
            in.n++;
        } else {
            int p = pos - half;
            innerShiftRight(r, p, 1);
            setKid(r, p, kid, sTs, s0, s1, s2, s3);
            r.n++;
        }
        splitTs = r.sepTs[0];
        System.arraycopy(r.sepId, 0, splitW, 0, 4);
        return r;
    }

    private static void setKid(Inner in, int pos, Node kid, long sTs, long s0, long s1, long s2, long s3) {
        in.kid[pos] = kid;
        in.sepTs[pos] = sTs;
        int b = pos << 2;
        in.sepId[b] = s0;
        in.sepId[b + 1] = s1;
        in.sepId[b + 2] = s2;
        in.sepId[b + 3] = s3;
        refresh(in, pos);
    }

    private void delete(Node x, long ts, long w0, long w1, long w2, long w3, long[] hOut) {
        if (x instanceof Leaf l) {
            int pos = leafLowerBound(l, ts, w0, w1, w2, w3);
            System.arraycopy(l.h, pos << 2, hOut, 0, 4);
            leafMove(l, pos + 1, l, pos, l.n - pos - 1);
            l.n--;
            return;
        }
        Inner p = (Inner) x;
        int i = childForKey(p, ts, w0, w1, w2, w3);
        Node c = writable(p.kid[i]);
        p.kid[i] = c;
        delete(c, ts, w0, w1, w2, w3, hOut);
        p.cnt[i]--;
        U256.sub(p.sum, i << 2, hOut, 0);
        int min = c instanceof Leaf ? LEAF_MIN : INNER_MIN;
        if (c.n < min && p.n > 1) {
            rebalance(p, i);
        }
    }

    /** Restores the minimum fill of kid {@code i} by merging with or borrowing from a sibling. */
    private void rebalance(Inner p, int i) {
        int l = i > 0 ? i - 1 : 0;
        int r = l + 1;
        Node ln = writable(p.kid[l]);
        p.kid[l] = ln;
        Node rn = writable(p.kid[r]);
        p.kid[r] = rn;
        int rb = r << 2;
        if (ln instanceof Leaf a) {
            Leaf b = (Leaf) rn;
            if (a.n + b.n <= LEAF_CAP) {
                leafMove(b, 0, a, a.n, b.n);
                a.n += b.n;
                innerRemoveAt(p, r);
                refresh(p, l);
                return;
            }
            int target = (a.n + b.n) / 2;
            if (a.n < target) {
                int k = target - a.n;
                leafMove(b, 0, a, a.n, k);
                a.n += k;
                leafMove(b, k, b, 0, b.n - k);
                b.n -= k;
            } else {
                int k = a.n - target;
                leafMove(b, 0, b, k, b.n);
                leafMove(a, a.n - k, b, 0, k);
                a.n -= k;
                b.n += k;
            }
            p.sepTs[r] = b.ts[0];
            System.arraycopy(b.id, 0, p.sepId, rb, 4);
        } else {
            Inner a = (Inner) ln;
            Inner b = (Inner) rn;
            // b's first kid has no separator inside b; its true lower bound is p's separator r.
            b.sepTs[0] = p.sepTs[r];
            System.arraycopy(p.sepId, rb, b.sepId, 0, 4);
            if (a.n + b.n <= INNER_CAP) {
                innerMove(b, 0, a, a.n, b.n);
                a.n += b.n;
                innerRemoveAt(p, r);
                refresh(p, l);
                return;
            }
            int target = (a.n + b.n) / 2;
            if (a.n < target) {
                int k = target - a.n;
                innerMove(b, 0, a, a.n, k);
                a.n += k;
                innerMove(b, k, b, 0, b.n - k);
                b.n -= k;
            } else {
                int k = a.n - target;
                innerMove(b, 0, b, k, b.n);
                innerMove(a, a.n - k, b, 0, k);
                a.n -= k;
                b.n += k;
            }
            p.sepTs[r] = b.sepTs[0];
            System.arraycopy(b.sepId, 0, p.sepId, rb, 4);
        }
        refresh(p, l);
        refresh(p, r);
    }

    /** Recomputes the count and hash sum that {@code in} keeps for kid {@code i}. */
    private static void refresh(Inner in, int i) {
        int b = i << 2;
        U256.clear(in.sum, b);
        Node k = in.kid[i];
        if (k instanceof Leaf l) {
            in.cnt[i] = l.n;
            for (int j = 0; j < l.n; j++) {
                U256.add(in.sum, b, l.h, j << 2);
            }
        } else {
            Inner c = (Inner) k;
            int total = 0;
            for (int j = 0; j < c.n; j++) {
                total += c.cnt[j];
                U256.add(in.sum, b, c.sum, j << 2);
            }
            in.cnt[i] = total;
        }
    }

    // ------------------------------------------------------------------ node helpers

    /** Index of the kid whose key interval holds the key: the number of separators {@code j >= 1} at or below it. */
    private static int childForKey(Inner in, long ts, long w0, long w1, long w2, long w3) {
        int lo = 1;
        int hi = in.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Keys.compareAt(in.sepTs, in.sepId, mid, ts, w0, w1, w2, w3) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /** The number of separators {@code j >= 1} strictly below the bound. */
    private static int childBelowBound(Inner in, Bound bd) {
        int lo = 1;
        int hi = in.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int b = mid << 2;
            if (bd.compareKey(in.sepTs[mid], in.sepId[b], in.sepId[b + 1], in.sepId[b + 2], in.sepId[b + 3]) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    private static int leafLowerBound(Leaf l, long ts, long w0, long w1, long w2, long w3) {
        int lo = 0;
        int hi = l.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Keys.compareAt(l.ts, l.id, mid, ts, w0, w1, w2, w3) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void leafInsertAt(Leaf l, int pos, long ts, long w0, long w1, long w2, long w3, long[] h) {
        leafMove(l, pos, l, pos + 1, l.n - pos);
        l.ts[pos] = ts;
        int b = pos << 2;
        l.id[b] = w0;
        l.id[b + 1] = w1;
        l.id[b + 2] = w2;
        l.id[b + 3] = w3;
        System.arraycopy(h, 0, l.h, b, 4);
        l.n++;
    }

    private static void leafMove(Leaf from, int fi, Leaf to, int ti, int count) {
        if (count <= 0) {
            return;
        }
        System.arraycopy(from.ts, fi, to.ts, ti, count);
        System.arraycopy(from.id, fi << 2, to.id, ti << 2, count << 2);
        System.arraycopy(from.h, fi << 2, to.h, ti << 2, count << 2);
    }

    private static void innerMove(Inner from, int fi, Inner to, int ti, int count) {
        if (count <= 0) {
            return;
        }
        System.arraycopy(from.kid, fi, to.kid, ti, count);
        System.arraycopy(from.cnt, fi, to.cnt, ti, count);
        System.arraycopy(from.sum, fi << 2, to.sum, ti << 2, count << 2);
        System.arraycopy(from.sepTs, fi, to.sepTs, ti, count);
        System.arraycopy(from.sepId, fi << 2, to.sepId, ti << 2, count << 2);
        if (from == to && ti > fi) {
            return;
        }
        if (from == to) {
            // Shifted left within one node: clear the vacated tail so no stale kid stays reachable.
            Arrays.fill(from.kid, ti + count, fi + count, null);
        }
    }

    private static void innerShiftRight(Inner in, int pos, int by) {
        innerMove(in, pos, in, pos + by, in.n - pos);
    }

    private static void innerRemoveAt(Inner in, int pos) {
        innerMove(in, pos + 1, in, pos, in.n - pos - 1);
        in.n--;
        in.kid[in.n] = null;
    }

    // ------------------------------------------------------------------ bulk build

    /**
     * Builds a mutable tree bottom-up from keys given in ascending order without duplicates through
     * an index: key {@code k} of the tree is {@code (ts[order[k]], w[4 order[k] .. +4))},
     * {@code k < n}. Key hashes are computed straight into the leaves, so the only allocation is
     * the tree itself.
     */
    public static KeyTree buildOrdered(long[] ts, long[] w, int[] order, int n) {
        KeyTree t = new KeyTree();
        if (n == 0) {
            return t;
        }
        Object owner = t.owner;
        KeyHasher hasher = t.hasher;
        int leaves = (n + BUILD_FILL - 1) / BUILD_FILL;
        Node[] level = new Node[leaves];
        long[] minTs = new long[leaves];
        long[] minW = new long[leaves * 4];
        int at = 0;
        for (int k = 0; k < leaves; k++) {
            int take = n / leaves + (k < n % leaves ? 1 : 0);
            Leaf l = new Leaf(owner);
            for (int j = 0; j < take; j++) {
                int i = order[at + j];
                int src = i << 2;
                int dst = j << 2;
                l.ts[j] = ts[i];
                System.arraycopy(w, src, l.id, dst, 4);
                hasher.hashKey(ts[i], w[src], w[src + 1], w[src + 2], w[src + 3], l.h, dst);
                U256.add(t.total, 0, l.h, dst);
            }
            l.n = take;
            level[k] = l;
            minTs[k] = l.ts[0];
            System.arraycopy(l.id, 0, minW, k << 2, 4);
            at += take;
        }
        int count = leaves;
        while (count > 1) {
            int parents = (count + BUILD_FILL - 1) / BUILD_FILL;
            Node[] up = new Node[parents];
            long[] upTs = new long[parents];
            long[] upW = new long[parents * 4];
            int k0 = 0;
            for (int p = 0; p < parents; p++) {
                int take = count / parents + (p < count % parents ? 1 : 0);
                Inner in = new Inner(owner);
                for (int j = 0; j < take; j++) {
                    in.kid[j] = level[k0 + j];
                    in.sepTs[j] = minTs[k0 + j];
                    System.arraycopy(minW, (k0 + j) << 2, in.sepId, j << 2, 4);
                }
                in.n = take;
                for (int j = 0; j < take; j++) {
                    refresh(in, j);
                }
                up[p] = in;
                upTs[p] = minTs[k0];
                System.arraycopy(minW, k0 << 2, upW, p << 2, 4);
                k0 += take;
            }
            level = up;
            minTs = upTs;
            minW = upW;
            count = parents;
        }
        t.root = level[0];
        t.size = n;
        return t;
    }

    /**
     * Checks every structural invariant (ordering, separators, counts, sums, fill) and throws
     * {@link IllegalStateException} on the first violation. For tests; {@code O(n)}.
     */
    public void checkInvariants() {
        long[] sum = new long[4];
        int n = check(root, null, null, true, sum);
        if (n != size) {
            throw new IllegalStateException("size " + size + " but " + n + " keys");
        }
        if (!Arrays.equals(sum, total)) {
            throw new IllegalStateException("total sum differs from the sum of the key hashes");
        }
    }

    private static int check(Node x, long[] lo, long[] hi, boolean isRoot, long[] sumOut) {
        if (x instanceof Leaf l) {
            if (!isRoot && l.n < LEAF_MIN) {
                throw new IllegalStateException("underfull leaf " + l.n);
            }
            for (int k = 0; k < l.n; k++) {
                int b = k << 2;
                if (k > 0 && Keys.compareAt(l.ts, l.id, k - 1, l.ts[k], l.id[b], l.id[b + 1], l.id[b + 2], l.id[b + 3]) >= 0) {
                    throw new IllegalStateException("leaf keys out of order");
                }
                if (lo != null && Keys.compare(l.ts[k], l.id[b], l.id[b + 1], l.id[b + 2], l.id[b + 3], lo[0], lo[1], lo[2], lo[3], lo[4]) < 0) {
                    throw new IllegalStateException("key below its separator");
                }
                if (hi != null && Keys.compare(l.ts[k], l.id[b], l.id[b + 1], l.id[b + 2], l.id[b + 3], hi[0], hi[1], hi[2], hi[3], hi[4]) >= 0) {
                    throw new IllegalStateException("key at or above the next separator");
                }
                U256.add(sumOut, 0, l.h, b);
            }
            return l.n;
        }
        Inner in = (Inner) x;
        if (!isRoot && in.n < INNER_MIN || in.n < 1 || isRoot && in.n < 2) {
            throw new IllegalStateException("bad inner fill " + in.n);
        }
        int total = 0;
        for (int j = 0; j < in.n; j++) {
            long[] klo = j == 0 ? lo : new long[] {in.sepTs[j], in.sepId[4 * j], in.sepId[4 * j + 1], in.sepId[4 * j + 2], in.sepId[4 * j + 3]};
            long[] khi = j + 1 < in.n
                ? new long[] {in.sepTs[j + 1], in.sepId[4 * j + 4], in.sepId[4 * j + 5], in.sepId[4 * j + 6], in.sepId[4 * j + 7]}
                : hi;
            long[] ks = new long[4];
            int c = check(in.kid[j], klo, khi, false, ks);
            if (c != in.cnt[j]) {
                throw new IllegalStateException("count " + in.cnt[j] + " but subtree has " + c);
            }
            if (!Arrays.equals(ks, 0, 4, in.sum, 4 * j, 4 * j + 4)) {
                throw new IllegalStateException("stale subtree sum");
            }
            U256.add(sumOut, 0, ks, 0);
            total += c;
        }
        return total;
    }
}

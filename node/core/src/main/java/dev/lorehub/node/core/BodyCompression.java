package dev.lorehub.node.core;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;

/**
 * Compression of one event body before it is sealed (issue 17): zstd (through zstd-jni) with a
 * dictionary trained on lore text and on event bodies, shipped in the jar.
 *
 * <h2>Why per event, and why a dictionary</h2>
 * An event is sealed once and from then on stored and forwarded as the same bytes, its id the hash
 * of them (DESIGN.md §3); ciphertext does not compress. So compression happens inside the envelope,
 * one body at a time: a batch compressed as a whole could not be split back into the sealed events
 * that peers store and reconcile by id. A 512-byte lore compressed alone finds few repeats in
 * itself; the dictionary supplies what lores have in common (English words and phrases, field
 * layout, timestamps, JSON of {@code origin}), which is what batch compression would have found
 * across events. Measured on 512-byte lores of English prose (bodies of about 770 bytes): zstd level
 * 15 with this dictionary takes them to 47% of their size, zstd without it to 76%, the JDK's DEFLATE
 * with 32 KiB of a trained dictionary as preset dictionary to 53%, and aircompressor's pure-Java
 * zstd (which takes no dictionary) to 78%: no pure-Java codec comes close, hence zstd-jni, whose jar
 * carries native libraries for Linux, macOS, Windows and the BSDs on the common CPUs. Where it has
 * none, this node writes plain bodies (which every release reads) and cannot read compressed ones.
 *
 * <h2>The dictionary is part of the format</h2>
 * {@link #ZSTD_LORE_DICTIONARY_1} names the resource {@value #DICTIONARY_RESOURCE}, whose SHA-256
 * is pinned ({@link #DICTIONARY_SHA256}, checked when it is loaded and by a test): a changed
 * dictionary would make every event compressed with it unreadable. A better dictionary gets a new
 * codec id, and the old one stays in the jar.
 *
 * <h2>Decompression is bounded</h2>
 * The body's raw length is declared before the compressed bytes and checked against
 * {@link EventCodec#MAX_BODY_BYTES} before anything is allocated; zstd then decompresses in one
 * shot into exactly that many bytes (its window is the output buffer, so a frame that claims a huge
 * window allocates nothing more), and must produce exactly that many: more is an error as the
 * output is full, fewer is an error by count. Garbage, truncated frames and frames that would
 * expand past the declared size all end as {@link EventFormatException}.
 *
 * <p>Thread-safe: the dictionaries are shared, and zstd's native contexts are kept in a small
 * bounded pool (they hold native memory and have no finaliser, so they are reused, never dropped).
 */
final class BodyCompression {
    /** Codec id: zstd frame (magicless, no checksum, no content size, no dictionary id) with dictionary 1. */
    static final int ZSTD_LORE_DICTIONARY_1 = 1;
    /** The dictionary of {@link #ZSTD_LORE_DICTIONARY_1}, next to this class. */
    static final String DICTIONARY_RESOURCE = "lore-dictionary-1.zstd";
    /** SHA-256 of that resource; part of the event format. */
    static final String DICTIONARY_SHA256 = "3ab5685e349d8f8df9f47127823f837a164c92184eb10cf98f19ab28bc0db5af";
    /** Bodies shorter than this are stored as they are: the frame's own bytes would eat the gain. */
    static final int MIN_BYTES = 96;
    /** zstd level for bodies up to {@link #HIGH_LEVEL_MAX_BYTES}: small lores are most of the traffic and gain most. */
    static final int HIGH_LEVEL = 15;
    /** Above this raw size the faster {@link #FAST_LEVEL} is used (large bodies compress well anyway). */
    static final int HIGH_LEVEL_MAX_BYTES = 8 * 1024;
    static final int FAST_LEVEL = 6;
    /** Most native contexts of each kind kept for reuse. */
    private static final int POOL = 4;

    private static final byte[] DICTIONARY = loadDictionary();
    private static final ZstdDictDecompress DECOMPRESS_DICT = new ZstdDictDecompress(DICTIONARY);
    private static final ZstdDictCompress HIGH_DICT = new ZstdDictCompress(DICTIONARY, HIGH_LEVEL);
    private static final ZstdDictCompress FAST_DICT = new ZstdDictCompress(DICTIONARY, FAST_LEVEL);
    private static final ArrayDeque<ZstdCompressCtx> HIGH_POOL = new ArrayDeque<>();
    private static final ArrayDeque<ZstdCompressCtx> FAST_POOL = new ArrayDeque<>();
    private static final ArrayDeque<ZstdDecompressCtx> DECOMPRESS_POOL = new ArrayDeque<>();

    private BodyCompression() {
    }

    /** The dictionary's bytes (a copy), for tests and tools. */
    static byte[] dictionary() {
        return DICTIONARY.clone();
    }

    /**
     * The zstd frame of {@code raw} under {@link #ZSTD_LORE_DICTIONARY_1}, or null when compressing
     * does not pay: the body is shorter than {@link #MIN_BYTES}, or the frame plus {@code overhead}
     * bytes of framing would not be smaller than the body.
     */
    static byte[] compress(byte[] raw, int overhead) {
        if (raw.length < MIN_BYTES) {
            return null;
        }
        boolean high = raw.length <= HIGH_LEVEL_MAX_BYTES;
        ArrayDeque<ZstdCompressCtx> pool = high ? HIGH_POOL : FAST_POOL;
        ZstdCompressCtx ctx = borrow(pool);
        if (ctx == null) {
            ctx = new ZstdCompressCtx();
            ctx.setMagicless(true).setChecksum(false).setContentSize(false).setDictID(false)
                .loadDict(high ? HIGH_DICT : FAST_DICT);
        }
        try {
            byte[] frame = ctx.compress(raw);
            return frame.length + overhead < raw.length ? frame : null;
        } finally {
            giveBack(pool, ctx);
        }
    }

    /**
     * Decompresses {@code length} bytes of {@code src} from {@code offset}, a frame written by
     * {@link #compress}, into exactly {@code rawLength} bytes, which the caller has checked against
     * {@link EventCodec#MAX_BODY_BYTES}. Anything else is an {@link EventFormatException}.
     */
    static byte[] decompress(byte[] src, int offset, int length, int rawLength) {
        if (rawLength < 0 || rawLength > EventCodec.MAX_BODY_BYTES) {
            throw new EventFormatException("compressed event body declares " + rawLength + " bytes; the limit is "
                + EventCodec.MAX_BODY_BYTES);
        }
        byte[] out = new byte[rawLength];
        ZstdDecompressCtx ctx = borrow(DECOMPRESS_POOL);
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
            ctx.setMagicless(true).loadDict(DECOMPRESS_DICT);
        }
        int produced;
        try {
            produced = ctx.decompressByteArray(out, 0, rawLength, src, offset, length);
        } catch (RuntimeException e) {
            ctx.close(); // a failed frame may leave it mid-stream, and a reset would drop its settings
            throw new EventFormatException("compressed event body does not decompress: " + e.getMessage(), e);
        }
        giveBack(DECOMPRESS_POOL, ctx);
        if (produced != rawLength) {
            throw new EventFormatException("compressed event body decompresses to " + produced + " bytes, not the "
                + rawLength + " it declares");
        }
        return out;
    }

    private static <T> T borrow(ArrayDeque<T> pool) {
        synchronized (pool) {
            return pool.pollFirst();
        }
    }

    private static <T extends AutoCloseable> void giveBack(ArrayDeque<T> pool, T ctx) {
        synchronized (pool) {
            if (pool.size() < POOL) {
                pool.addFirst(ctx);
                return;
            }
        }
        try {
            ctx.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a zstd context failed", e);
        }
    }

    private static byte[] loadDictionary() {
        byte[] bytes;
        try (InputStream in = BodyCompression.class.getResourceAsStream(DICTIONARY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the event compression dictionary " + DICTIONARY_RESOURCE
                    + " is missing from the jar: reinstall lorehub-node");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the event compression dictionary " + DICTIONARY_RESOURCE, e);
        }
        String hash = sha256(bytes);
        if (!hash.equals(DICTIONARY_SHA256)) {
            throw new IllegalStateException("the event compression dictionary " + DICTIONARY_RESOURCE + " has SHA-256 "
                + hash + ", not " + DICTIONARY_SHA256 + ": the jar is damaged; reinstall lorehub-node");
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

package dev.lorehub.node.core;

import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A long text field sent as an edit of the value another event assigned (issue 17): a word-level
 * diff, tokenised exactly as {@link TextMerge} tokenises (runs of word characters, runs of
 * whitespace, single other characters), plus a hash of the text it produces.
 *
 * <h2>What the base is</h2>
 * {@code base} names one event of the same entity, in the same realm, sealed under the same key
 * epoch as the event carrying the delta, that assigns this field a non-null text (itself in full
 * or as a delta). The base text is <em>that event's own value of the field</em>, not the merged
 * state of the entity at that point: so it is a pure function of the bytes of the two events, and
 * never depends on which other events a device holds, on merges, or on whether a removal later
 * voided the base's author. The writer picks the base among the event's parents and their
 * ancestors (the newest version of the field it can find), so a device that holds the event's
 * causal past holds the base; the same epoch guarantees that whoever can read the event can read
 * the base. A delta whose base is itself a delta forms a chain, at most {@link #MAX_CHAIN} long.
 *
 * <h2>Why a hash, and why 128 bits</h2>
 * {@code hash} is the first {@value #HASH_BYTES} bytes of SHA-256 over the UTF-8 of the resulting
 * text. It is not what makes the result trustworthy: the author signs the delta and could as well
 * sign any full text, and every device computes the result from the same base bytes (the base is
 * named by its full 32-byte id). It catches a receiver that would apply the edit to other text than
 * the author did (a bug, a tokeniser that differs between releases), so that such a mismatch is
 * refused instead of silently changing a lore. For accidents 2^-128 is as good as never; an author
 * gains nothing by a collision it could not get by signing the text directly.
 *
 * <h2>The edit script</h2>
 * A list of operations over the base's tokens, applied left to right from token 0: keep
 * {@code keep} tokens, skip {@code delete} tokens, then append {@code insert}; the tokens after the
 * last operation are kept. An operation that runs past the base's tokens, or a result longer than
 * {@link ValueRules#MAX_TEXT} characters, is malformed.
 *
 * @param base  the event whose value of the field this edits
 * @param ops   the edit script
 * @param hash  first {@value #HASH_BYTES} bytes of SHA-256 of the result's UTF-8
 */
public record TextDelta(EventId base, List<Op> ops, byte[] hash) {
    /** Bytes of the result hash kept. */
    public static final int HASH_BYTES = 16;
    /** Most deltas in a row (a delta of a delta of ...) before a full value must be sent. */
    public static final int MAX_CHAIN = 32;

    /** One step of the script: keep, then delete (token counts), then insert text. */
    public record Op(int keep, int delete, String insert) {
        public Op {
            if (keep < 0 || delete < 0) {
                throw new IllegalArgumentException("token counts are not negative");
            }
            Objects.requireNonNull(insert, "insert");
        }
    }

    public TextDelta {
        Objects.requireNonNull(base, "base");
        ops = List.copyOf(ops);
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a text delta's hash has " + HASH_BYTES + " bytes, got " + hash.length);
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The delta that turns {@code from} (the value {@code base} assigns) into {@code to}. */
    public static TextDelta diff(EventId base, String from, String to) {
        TextMerge.Tokens a = TextMerge.Tokens.of(from);
        TextMerge.Tokens b = TextMerge.Tokens.of(to);
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
            .diff(TextMerge.TokenComparator.INSTANCE, a, b);
        List<Op> ops = new ArrayList<>(edits.size());
        int at = 0;
        for (Edit e : edits) {
            StringBuilder insert = new StringBuilder();
            for (int i = e.getBeginB(); i < e.getEndB(); i++) {
                insert.append(b.tokens.get(i));
            }
            ops.add(new Op(e.getBeginA() - at, e.getEndA() - e.getBeginA(), insert.toString()));
            at = e.getEndA();
        }
        return new TextDelta(base, ops, hashOf(to));
    }

    /**
     * The text this delta makes of {@code baseText}; {@link EventFormatException} if the script
     * does not fit it or the result's hash differs (then the delta was made against other text).
     */
    public String apply(String baseText) {
        List<String> tokens = TextMerge.Tokens.of(baseText).tokens;
        StringBuilder out = new StringBuilder(baseText.length() + 64);
        int at = 0;
        for (Op op : ops) {
            if ((long) at + op.keep() + op.delete() > tokens.size()) {
                throw new EventFormatException("text delta against event " + base.shortForm() + " runs past the "
                    + tokens.size() + " words of its base");
            }
            for (int i = at; i < at + op.keep(); i++) {
                out.append(tokens.get(i));
            }
            at += op.keep() + op.delete();
            out.append(op.insert());
            if (out.length() > ValueRules.MAX_TEXT) {
                throw new EventFormatException("text delta against event " + base.shortForm() + " makes more than "
                    + ValueRules.MAX_TEXT + " characters");
            }
        }
        for (int i = at; i < tokens.size(); i++) {
            out.append(tokens.get(i));
        }
        if (out.length() > ValueRules.MAX_TEXT) {
            throw new EventFormatException("text delta against event " + base.shortForm() + " makes more than "
                + ValueRules.MAX_TEXT + " characters");
        }
        String result = out.toString();
        if (!Arrays.equals(hashOf(result), hash)) {
            throw new EventFormatException("text delta against event " + base.shortForm()
                + " does not give the text its author hashed: it was made against other text");
        }
        return result;
    }

    /** Whether {@code text} is what this delta produces (by its hash). */
    public boolean produces(String text) {
        return Arrays.equals(hashOf(text), hash);
    }

    /** The first {@link #HASH_BYTES} bytes of SHA-256 of the text's UTF-8. */
    static byte[] hashOf(String text) {
        try {
            byte[] full = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(full, HASH_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextDelta d && base.equals(d.base) && ops.equals(d.ops) && Arrays.equals(hash, d.hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, ops, Arrays.hashCode(hash));
    }

    @Override
    public String toString() {
        return "TextDelta[base=" + base.shortForm() + ", ops=" + ops.size() + "]";
    }
}

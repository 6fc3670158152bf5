package dev.lorehub.node.core;

import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Sequence;
import org.eclipse.jgit.diff.SequenceComparator;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeChunk;
import org.eclipse.jgit.merge.MergeResult;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three-way text merge through JGit's {@link MergeAlgorithm} (histogram diff), at word
 * granularity: lores are mostly one line, so a line-based merge would call every pair of edits to
 * the same sentence a conflict. Text is split into tokens — runs of word characters, runs of
 * whitespace, single other characters — and JGit merges the token sequences. Pure and
 * deterministic.
 */
public final class TextMerge {
    private static final Pattern TOKEN = Pattern.compile("\\s+|\\w+|[^\\w\\s]", Pattern.UNICODE_CHARACTER_CLASS);

    /** The outcome: the merged text when clean; on conflict {@code merged} is null. */
    public record Result(String merged, boolean conflict) {
    }

    private TextMerge() {
    }

    /** Merges the changes base→ours and base→theirs. */
    public static Result merge(String base, String ours, String theirs) {
        if (ours.equals(theirs)) {
            return new Result(ours, false);
        }
        if (base.equals(ours)) {
            return new Result(theirs, false);
        }
        if (base.equals(theirs)) {
            return new Result(ours, false);
        }
        Tokens b = Tokens.of(base);
        Tokens o = Tokens.of(ours);
        Tokens t = Tokens.of(theirs);
        MergeAlgorithm algorithm = new MergeAlgorithm(DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM));
        MergeResult<Tokens> result = algorithm.merge(TokenComparator.INSTANCE, b, o, t);
        if (result.containsConflicts()) {
            return new Result(null, true);
        }
        StringBuilder merged = new StringBuilder(Math.max(ours.length(), theirs.length()));
        List<Tokens> sequences = result.getSequences();
        for (MergeChunk chunk : result) {
            Tokens source = sequences.get(chunk.getSequenceIndex());
            for (int i = chunk.getBegin(); i < chunk.getEnd(); i++) {
                merged.append(source.tokens.get(i));
            }
        }
        return new Result(merged.toString(), false);
    }

    /** A text as a sequence of tokens. */
    static final class Tokens extends Sequence {
        final List<String> tokens;

        private Tokens(List<String> tokens) {
            this.tokens = tokens;
        }

        static Tokens of(String text) {
            List<String> tokens = new ArrayList<>();
            Matcher m = TOKEN.matcher(text);
            while (m.find()) {
                tokens.add(m.group());
            }
            return new Tokens(tokens);
        }

        @Override
        public int size() {
            return tokens.size();
        }
    }

    /** Compares tokens by their text (also used by {@link TextDelta}, which diffs the same tokens). */
    static final class TokenComparator extends SequenceComparator<Tokens> {
        static final TokenComparator INSTANCE = new TokenComparator();

        @Override
        public boolean equals(Tokens a, int ai, Tokens b, int bi) {
            return a.tokens.get(ai).equals(b.tokens.get(bi));
        }

        @Override
        public int hash(Tokens seq, int ptr) {
            return seq.tokens.get(ptr).hashCode();
        }
    }
}

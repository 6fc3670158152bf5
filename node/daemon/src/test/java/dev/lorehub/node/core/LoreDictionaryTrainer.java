package dev.lorehub.node.core;

import com.github.luben.zstd.ZstdDictTrainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How {@code lore-dictionary-1.zstd} was made (issue 17); a tool, not a test. It reads the prose of
 * this repository (javadoc and comments of every Java file, and the Markdown files: English written
 * for this project, under its licence), wraps it into event bodies shaped like those lh's edits
 * become (creations with every field, edits of content and why, timestamps, origin JSON, sigils,
 * random ids where ids go), encodes them uncompressed, and trains a 110 KiB zstd dictionary on
 * them. The benchmarks' lore text (written separately, see {@code bench/LoreText}) is not in it.
 *
 * <p>The shipped dictionary is part of the event format: once released it never changes (its hash
 * is pinned in {@link BodyCompression#DICTIONARY_SHA256} and in {@code BodyCompressionTest}).
 * Retraining on a later tree gives a different dictionary, which would need a new codec id.
 *
 * <pre>java -cp ... dev.lorehub.node.core.LoreDictionaryTrainer REPO_ROOT OUT_FILE</pre>
 */
public final class LoreDictionaryTrainer {
    static final int DICTIONARY_BYTES = 112_640;
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
    private static final String[] TYPES = {"decree", "wisdom", "belief", "constraint", "requirement", "risk", "quest",
        "saga", "story", "anomaly", "other"};

    private LoreDictionaryTrainer() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Path out = Path.of(args.length > 1 ? args[1] : "lore-dictionary-1.zstd");
        List<String> prose = prose(root);
        List<byte[]> samples = samples(prose, new Random(17));
        ZstdDictTrainer trainer = new ZstdDictTrainer(64 << 20, DICTIONARY_BYTES);
        for (byte[] s : samples) {
            trainer.addSample(s);
        }
        byte[] dictionary = trainer.trainSamples();
        Files.write(out, dictionary);
        System.out.printf("%d paragraphs, %d samples -> %s (%d bytes, SHA-256 %s)%n", prose.size(), samples.size(), out,
            dictionary.length, sha256(dictionary));
    }

    /** Paragraphs of English from the repository's comments and Markdown, in path order. */
    static List<String> prose(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".md")).sorted().toList();
        }
        List<String> paragraphs = new ArrayList<>();
        for (Path f : files) {
            String src = Files.readString(f, StandardCharsets.UTF_8);
            if (f.toString().endsWith(".md")) {
                for (String p : src.split("\\n\\s*\\n")) {
                    String t = p.strip();
                    if (!t.startsWith("|") && !t.startsWith("```") && !t.startsWith("#")) {
                        add(paragraphs, t.replace("`", ""));
                    }
                }
                continue;
            }
            Matcher m = JAVADOC.matcher(src);
            while (m.find()) {
                StringBuilder body = new StringBuilder();
                for (String line : m.group(1).split("\\n")) {
                    body.append(line.strip().replaceFirst("^\\*", "").strip()).append('\n');
                }
                String text = body.toString().replaceAll("(?s)<pre>.*?</pre>", "");
                for (String p : text.split("\\n\\s*\\n|<p>")) {
                    add(paragraphs, p);
                }
            }
            StringBuilder comment = new StringBuilder();
            for (String line : src.split("\\n")) {
                String s = line.strip();
                int at = s.indexOf("// ");
                if (at == 0) {
                    comment.append(s.substring(3)).append(' ');
                } else if (comment.length() > 0) {
                    add(paragraphs, comment.toString());
                    comment.setLength(0);
                }
            }
        }
        return paragraphs;
    }

    private static void add(List<String> out, String raw) {
        String t = raw.replaceAll("\\{@(?:link|linkplain|code|value)\\s+([^}]*)}", "$1")
            .replaceAll("<[^>]+>", "")
            .replaceAll("@(param|return|throws)\\s+", "")
            .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            .replaceAll("\\s+", " ").strip();
        if (t.length() > 60) {
            out.add(t);
        }
    }

    /** Event bodies as lh's edits become them, with texts cut from {@code prose}. */
    static List<byte[]> samples(List<String> prose, Random rnd) {
        EventCodec codec = new EventCodec(EventCodec.Options.PLAIN);
        List<byte[]> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < 8000; i++) {
            int length = 60 + rnd.nextInt(rnd.nextInt(4) == 0 ? 3000 : 700);
            StringBuilder text = new StringBuilder();
            while (text.length() < length) {
                text.append(prose.get(next++ % prose.size())).append(' ');
            }
            String content = text.toString().strip();
            String stamp = String.format("20%02d-%02d-%02dT%02d:%02d:%02d.%03dZ", 25 + rnd.nextInt(3), 1 + rnd.nextInt(12),
                1 + rnd.nextInt(28), rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1000));
            TreeMap<Field, Object> values = new TreeMap<>();
            TreeMap<Field, SetDelta> sets = new TreeMap<>();
            List<EventId> parents = List.of();
            int shape = rnd.nextInt(10);
            if (shape < 6) { // a new lore: every column
                values.put(Field.CONTENT, content);
                values.put(Field.WHY, rnd.nextInt(3) == 0 ? prose.get(rnd.nextInt(prose.size())) : null);
                values.put(Field.TYPE, TYPES[rnd.nextInt(TYPES.length)]);
                values.put(Field.CONFIDENCE, (long) (rnd.nextInt(4) == 0 ? 50 + rnd.nextInt(51) : 80));
                values.put(Field.ORIGIN, rnd.nextBoolean() ? "{\"type\":\"manual\",\"reference\":\"cli\"}"
                    : "{\"type\":\"inferred\",\"reference\":\"mcp\",\"context\":\"" + prose.get(rnd.nextInt(prose.size()))
                        .split(" ")[0] + "\"}");
                values.put(Field.STATUS, "living");
                values.put(Field.CREATED_AT, stamp);
                values.put(Field.UPDATED_AT, stamp);
                String[] words = content.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z ]", "").split(" ");
                String sigil = words[rnd.nextInt(words.length)];
                values.put(Field.PROVINCES_TEXT, "[]");
                values.put(Field.SIGILS_TEXT, sigil.isEmpty() ? "[]" : "[\"" + sigil + "\"]");
                if (!sigil.isEmpty()) {
                    sets.put(Field.SIGILS, new SetDelta(new java.util.TreeSet<>(List.of(sigil)), new java.util.TreeSet<>()));
                }
            } else { // an edit: what changed, and updated_at
                parents = List.of(randomId(rnd));
                values.put(shape < 9 ? Field.CONTENT : Field.WHY, content);
                if (rnd.nextInt(4) == 0) {
                    values.put(Field.STATUS, rnd.nextBoolean() ? "archived" : "proclaimed");
                }
                values.put(Field.UPDATED_AT, stamp);
            }
            List<EventId> auth = new ArrayList<>();
            for (int k = 1 + (rnd.nextInt(8) == 0 ? 1 : 0); k > 0; k--) {
                auth.add(randomId(rnd));
            }
            EntityChange c = new EntityChange(EntityKind.LORE, new UUID(rnd.nextLong(), rnd.nextLong()).toString(), false,
                parents, values, sets, new Causality(auth, 2 + rnd.nextInt(5000), randomId(rnd)));
            out.add(codec.encode(c));
        }
        return out;
    }

    /** Not BodyCompression's: loading that class needs the dictionary this makes. */
    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EventId randomId(Random rnd) {
        byte[] b = new byte[EventId.LENGTH];
        rnd.nextBytes(b);
        return EventId.fromBytes(b);
    }
}

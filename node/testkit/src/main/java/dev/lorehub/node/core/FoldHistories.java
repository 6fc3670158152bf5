package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The history of one busy lore as devices make it, for cost tests and {@code FoldBench}: three
 * devices edit a lore of a few hundred bytes, mostly one after another (each edit supersedes the
 * heads it knows); now and then two or three of them edit concurrently for a few steps (usually in
 * different parts of the text, sometimes the same words) until the next edit merges the branches.
 * About one edit in ten adds or removes a sigil, one in fifty changes the status.
 */
public final class FoldHistories {
    /** The lore's id. */
    public static final String LORE = "0b6f1c2e-7a8d-4e5f-9a0b-1c2d3e4f5a6b";

    private static final String[] WORDS = {"api", "retry", "cache", "queue", "schema", "token", "latency", "index",
        "deploy", "config", "timeout", "backoff", "shard", "replica", "lease"};

    private FoldHistories() {
    }

    /** {@code n} events of one lore, in a shuffled arrival order. */
    public static List<FoldEvent> lore(int n, long seed) {
        return lore(n, seed, true);
    }

    /**
     * As {@link #lore(int, long)}; with {@code branchesEditText} false the concurrent branches change
     * only the confidence, so no merge needs a three-way text merge (the fold's own cost, without
     * JGit's).
     */
    public static List<FoldEvent> lore(int n, long seed, boolean branchesEditText) {
        Random rnd = new Random(seed);
        DeviceId[] devices = {device(0), device(1), device(2)};
        List<FoldEvent> out = new ArrayList<>(n);
        long hlc = 1_764_000_000_000L;
        List<String> text = new ArrayList<>();
        while (String.join(" ", text).length() < 300) {
            text.add(WORDS[rnd.nextInt(WORDS.length)]);
        }
        TreeSet<String> sigils = new TreeSet<>();
        List<EventId> heads = List.of();
        int counter = 0;
        while (out.size() < n) {
            if (!heads.isEmpty() && rnd.nextInt(30) == 0 && n - out.size() > 20) {
                // a concurrent episode: each branch starts from the same heads and edits its own part
                int branches = 2 + (rnd.nextInt(4) == 0 ? 1 : 0);
                List<EventId> ends = new ArrayList<>();
                List<List<String>> branchTexts = new ArrayList<>();
                for (int b = 0; b < branches; b++) {
                    List<EventId> parents = heads;
                    List<String> t = new ArrayList<>(text);
                    int steps = 1 + rnd.nextInt(6);
                    boolean overlap = rnd.nextInt(10) == 0;
                    for (int s = 0; s < steps; s++) {
                        int lo = overlap ? 0 : b * t.size() / branches;
                        int hi = overlap ? 3 : (b + 1) * t.size() / branches;
                        t.set(lo + rnd.nextInt(hi - lo), WORDS[rnd.nextInt(WORDS.length)] + counter);
                        FoldEvent e = branchesEditText
                            ? event(devices[b], hlc + b + 10L * s, parents, t, null, counter++)
                            : event(devices[b], hlc + b + 10L * s, parents, null, new Extra(new TreeMap<>(), null,
                                (long) rnd.nextInt(101)), counter++);
                        out.add(e);
                        parents = List.of(e.id());
                    }
                    ends.add(parents.get(0));
                    branchTexts.add(t);
                }
                hlc += 10L * 6 + 10;
                heads = ends;
                text = branchTexts.get(0);
                continue;
            }
            text.set(rnd.nextInt(text.size()), WORDS[rnd.nextInt(WORDS.length)] + (rnd.nextInt(4) == 0 ? counter : ""));
            TreeMap<Field, SetDelta> sets = new TreeMap<>();
            if (rnd.nextInt(10) == 0) {
                String sigil = "sigil" + rnd.nextInt(12);
                TreeSet<String> one = new TreeSet<>(List.of(sigil));
                if (sigils.remove(sigil)) {
                    sets.put(Field.SIGILS, new SetDelta(new TreeSet<>(), one));
                } else {
                    sigils.add(sigil);
                    sets.put(Field.SIGILS, new SetDelta(one, new TreeSet<>()));
                }
            }
            String status = rnd.nextInt(50) == 0 ? (rnd.nextBoolean() ? "archived" : "living") : null;
            FoldEvent e = event(devices[rnd.nextInt(devices.length)], hlc += 1 + rnd.nextInt(1000), heads, text,
                sets.isEmpty() && status == null ? null : new Extra(sets, status, null), counter++);
            out.add(e);
            heads = List.of(e.id());
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    /**
     * {@code chains} devices partitioned from one creation, each editing its own word of the text in a
     * long chain, crossing over (each merging the heads of two others) every {@code crossEvery} of its
     * edits; the last event merges every chain. Long parallel chains with criss-cross merges.
     */
    public static List<FoldEvent> parallelChains(int n, int chains, int crossEvery, long seed) {
        Random rnd = new Random(seed);
        List<FoldEvent> out = new ArrayList<>(n);
        List<String> text = new ArrayList<>();
        for (int i = 0; i < chains * 4; i++) {
            text.add(WORDS[i % WORDS.length]);
        }
        long hlc = 1_764_000_000_000L;
        FoldEvent root = event(device(0), hlc, List.of(), text, null, 0);
        out.add(root);
        EventId[] heads = new EventId[chains];
        List<List<String>> texts = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
            heads[c] = root.id();
            texts.add(new ArrayList<>(text));
        }
        int counter = 1;
        while (out.size() < n - 1) {
            int c = rnd.nextInt(chains);
            List<EventId> parents = new ArrayList<>(List.of(heads[c]));
            if (rnd.nextInt(crossEvery) == 0) {
                parents.add(heads[(c + 1 + rnd.nextInt(chains - 1)) % chains]);
                parents.add(heads[(c + 1 + rnd.nextInt(chains - 1)) % chains]);
            }
            List<String> t = texts.get(c);
            t.set(4 * c + rnd.nextInt(4), WORDS[rnd.nextInt(WORDS.length)] + counter);
            FoldEvent e = event(device(c), hlc += 1 + rnd.nextInt(50), parents.stream().distinct().toList(), t, null,
                counter++);
            out.add(e);
            heads[c] = e.id();
        }
        out.add(event(device(0), hlc + 1, java.util.Arrays.stream(heads).distinct().toList(), texts.get(0), null, counter));
        Collections.shuffle(out, rnd);
        return out;
    }

    /**
     * {@code n / 2} concurrent creations merged into one line a creation at a time: every merge's
     * causal past spans one more concurrent chain, the shape that exhausts the chain method's budget.
     */
    public static List<FoldEvent> wideFan(int n, long seed) {
        Random rnd = new Random(seed);
        int roots = n / 2;
        List<FoldEvent> out = new ArrayList<>(n);
        long hlc = 1_764_000_000_000L;
        for (int i = 0; i < roots; i++) {
            out.add(event(device(i % 3), hlc + rnd.nextInt(1000), List.of(), List.of("root", Integer.toString(i)), null, i));
        }
        EventId last = out.get(0).id();
        for (int i = 1; i < roots; i++) {
            FoldEvent m = event(device(i % 3), hlc + 1000 + i, List.of(last, out.get(i).id()),
                List.of("merged", Integer.toString(i)), null, roots + i);
            out.add(m);
            last = m.id();
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    /** Which ancestry method the fold of these events uses: {@code chains}, or {@code bitsets} past the budget. */
    public static String ancestryMethod(List<FoldEvent> events) {
        CausalOrder order = CausalOrder.of(EntityKind.LORE, LORE, events);
        return Ancestry.of(order, SetOperations.of(order), Ancestry.Strategy.AUTO).method().name().toLowerCase();
    }

    private static DeviceId device(int i) {
        return DeviceId.ofPublicKey(ByteBuffer.allocate(32).putInt(100 + i).array());
    }

    private record Extra(TreeMap<Field, SetDelta> sets, String status, Long confidence) {
    }

    private static FoldEvent event(DeviceId author, long hlc, List<EventId> parents, List<String> text, Extra extra,
                                   int counter) {
        TreeMap<Field, Object> values = new TreeMap<>();
        if (text != null) {
            values.put(Field.CONTENT, String.join(" ", text));
        }
        values.put(Field.UPDATED_AT, Long.toString(hlc));
        if (parents.isEmpty()) {
            values.putAll(Map.of(Field.TYPE, "wisdom", Field.STATUS, "living", Field.CONFIDENCE, 80L,
                Field.ORIGIN, "{\"type\":\"manual\"}", Field.CREATED_AT, Long.toString(hlc)));
        }
        TreeMap<Field, SetDelta> sets = new TreeMap<>();
        if (extra != null) {
            sets.putAll(extra.sets());
            if (extra.status() != null) {
                values.put(Field.STATUS, extra.status());
            }
            if (extra.confidence() != null) {
                values.put(Field.CONFIDENCE, extra.confidence());
            }
        }
        EntityChange c = new EntityChange(EntityKind.LORE, LORE, false, parents, values, sets);
        byte[] seed = (LORE + "/" + counter + "/" + Arrays.hashCode(new long[] {hlc})).getBytes(StandardCharsets.UTF_8);
        return new FoldEvent(EventId.of(seed), hlc, author, c, true);
    }
}

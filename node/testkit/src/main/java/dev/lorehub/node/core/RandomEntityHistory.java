package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Random event histories of one entity, shaped to reach every branch of the fold: linear runs,
 * concurrent branches, honest merges of all heads, criss-cross merges, merges naming an ancestor of
 * another parent, long parallel chains, extra roots, deletes, archive against edit, text edits that
 * merge cleanly and that overlap (on a small vocabulary), null and empty texts, set adds and removes
 * on a small pool, HLCs that go backwards or tie, unauthorised events, events whose ancestors are
 * missing, duplicates (also a same-id copy with another authorisation) and any input order.
 */
final class RandomEntityHistory {
    static final String LORE = "5f0c7a4e-1d2b-4c3a-9e8f-0a1b2c3d4e5f";
    static final String REALM = "00112233445566778899aabbccddeeff";
    static final String RELATION = EntityChange.relationId("a", "b", "relates");

    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "api", "cache"};
    private static final String[] ELEMENTS = {"x", "y", "z", "w"};
    private static final String[] STATUSES = {"living", "archived", "archived", "dormant"};

    final EntityKind kind;
    final String entityId;
    private final Random rnd;
    private final DeviceId[] devices;
    private final List<FoldEvent> events = new ArrayList<>();
    private final Map<EventId, Map<Field, String>> texts = new HashMap<>();
    private final Set<EventId> heads = new LinkedHashSet<>();
    private int counter;
    private int missingLeft;
    /** A quarter of lore histories only touch status and content, branching anywhere: archive-vs-edit corners. */
    private final boolean statusFocus;

    private RandomEntityHistory(long seed, EntityKind kind) {
        this.rnd = new Random(seed);
        this.kind = kind;
        this.entityId = switch (kind) {
            case LORE -> LORE;
            case REALM -> REALM;
            default -> RELATION;
        };
        this.missingLeft = rnd.nextInt(3); // events waiting for an ancestor that never comes
        this.statusFocus = kind == EntityKind.LORE && rnd.nextInt(4) == 0;
        this.devices = new DeviceId[1 + rnd.nextInt(4)];
        for (int i = 0; i < devices.length; i++) {
            devices[i] = device(i + 1);
        }
    }

    static DeviceId device(int n) {
        return DeviceId.ofPublicKey(ByteBuffer.allocate(32).putInt(n).array());
    }

    /** The events of a random history of {@code size} steps, as a fold would receive them. */
    static List<FoldEvent> generate(long seed, int size) {
        Random pick = new Random(seed ^ 0x5DEECE66DL);
        int k = pick.nextInt(10);
        EntityKind kind = k < 7 ? EntityKind.LORE : k < 9 ? EntityKind.REALM : EntityKind.RELATION;
        RandomEntityHistory h = new RandomEntityHistory(seed, kind);
        h.build(size);
        return h.input();
    }

    static EntityKind kindOf(List<FoldEvent> events) {
        return events.isEmpty() ? EntityKind.LORE : events.get(0).change().kind();
    }

    static String idOf(List<FoldEvent> events) {
        return events.isEmpty() ? LORE : events.get(0).change().entityId();
    }

    private void build(int size) {
        while (events.size() < size) {
            int shape = rnd.nextInt(100);
            if (events.isEmpty() || shape < 4) {
                add(List.of());
            } else if (shape < 34) {
                add(List.of(events.get(events.size() - 1).id())); // linear run
            } else if (shape < 50) {
                add(new ArrayList<>(heads)); // an honest device: supersede every head it knows
            } else if (shape < 62) {
                add(List.of(randomEvent().id())); // a branch off an older event
            } else if (shape < 72) {
                add(List.of(randomHead())); // parallel chains: extend some head
            } else if (shape < 82) {
                int n = 2 + rnd.nextInt(3); // merge of random events (may name an ancestor of another)
                Set<EventId> parents = new LinkedHashSet<>();
                for (int i = 0; i < n; i++) {
                    parents.add(randomEvent().id());
                }
                add(new ArrayList<>(parents));
            } else if (shape < 92 && events.size() >= 2) {
                // criss-cross: two merges of the same two concurrent events, then merged again later
                EventId a = randomEvent().id();
                EventId b = randomEvent().id();
                FoldEvent m1 = add(List.of(a, b));
                FoldEvent m2 = add(List.of(a, b));
                if (rnd.nextBoolean()) {
                    add(List.of(m1.id(), m2.id()));
                }
            } else if (missingLeft > 0 && rnd.nextInt(8) == 0) {
                missingLeft--;
                // waits for an ancestor that never comes (and so do its descendants)
                add(rnd.nextBoolean() ? List.of(randomEvent().id(), missingId()) : List.of(missingId()));
            } else {
                add(List.of(events.get(events.size() - 1).id()));
            }
        }
    }

    private List<FoldEvent> input() {
        List<FoldEvent> in = new ArrayList<>(events);
        // drop a few events: their descendants become pending
        int drops = rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(2) : 0;
        for (int i = 0; i < drops && !in.isEmpty(); i++) {
            in.remove(rnd.nextInt(in.size()));
        }
        // duplicates: the same event again, and rarely a same-id copy with the other authorisation
        int dups = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 0;
        for (int i = 0; i < dups && !in.isEmpty(); i++) {
            FoldEvent e = in.get(rnd.nextInt(in.size()));
            in.add(rnd.nextInt(4) == 0 ? new FoldEvent(e.id(), e.hlc(), e.author(), e.change(), !e.authorized()) : e);
        }
        Collections.shuffle(in, rnd);
        return in;
    }

    private FoldEvent randomEvent() {
        // favour recent events: most branches are short
        int n = events.size();
        int back = statusFocus || rnd.nextInt(4) == 0 ? rnd.nextInt(n) : Math.min(n - 1, rnd.nextInt(6));
        return events.get(n - 1 - back);
    }

    private EventId randomHead() {
        List<EventId> hs = new ArrayList<>(heads);
        return hs.get(rnd.nextInt(hs.size()));
    }

    private EventId missingId() {
        return EventId.of(("missing/" + counter++).getBytes(StandardCharsets.UTF_8));
    }

    private FoldEvent byId(EventId id) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).id().equals(id)) {
                return events.get(i);
            }
        }
        return null;
    }

    private FoldEvent add(List<EventId> parents) {
        long hlc = 0;
        Map<Field, String> parentTexts = new HashMap<>();
        List<EventId> known = new ArrayList<>();
        for (EventId p : parents) {
            FoldEvent e = byId(p);
            if (e != null) {
                hlc = Math.max(hlc, e.hlc());
                known.add(p);
            }
        }
        if (!known.isEmpty()) {
            parentTexts.putAll(texts.get(known.get(rnd.nextInt(known.size()))));
        }
        int clock = rnd.nextInt(20);
        if (clock == 0) {
            hlc = rnd.nextInt(40); // backdated, possibly before its parents
        } else if (clock == 1 && !events.isEmpty()) {
            hlc = events.get(rnd.nextInt(events.size())).hlc(); // a tie
        } else {
            hlc += 1 + rnd.nextInt(3);
        }
        boolean deleted = rnd.nextInt(12) == 0;
        TreeMap<Field, Object> values = new TreeMap<>();
        TreeMap<Field, SetDelta> sets = new TreeMap<>();
        Map<Field, String> myTexts = new HashMap<>(parentTexts);
        if (!deleted) {
            int changes = statusFocus ? 1 : known.isEmpty() ? 3 : rnd.nextInt(4);
            for (int i = 0; i < changes; i++) {
                assign(values, myTexts);
            }
            setChanges(sets);
        }
        DeviceId author = devices[rnd.nextInt(devices.length)];
        EntityChange change = new EntityChange(kind, entityId, deleted, parents, values, sets);
        byte[] seed = (author + "/" + hlc + "/" + counter++).getBytes(StandardCharsets.UTF_8);
        FoldEvent e = new FoldEvent(EventId.of(seed), hlc, author, change, rnd.nextInt(10) != 0);
        events.add(e);
        texts.put(e.id(), myTexts);
        heads.removeAll(parents);
        heads.add(e.id());
        return e;
    }

    private void assign(TreeMap<Field, Object> values, Map<Field, String> myTexts) {
        switch (kind) {
            case LORE -> {
                switch (statusFocus ? 3 * rnd.nextInt(2) + 1 : rnd.nextInt(8)) {
                    case 0, 1, 2 -> values.put(Field.CONTENT, edit(myTexts, Field.CONTENT));
                    case 3 -> {
                        int w = rnd.nextInt(5);
                        values.put(Field.WHY, w == 0 ? null : w == 1 ? "" : edit(myTexts, Field.WHY));
                    }
                    case 4 -> values.put(Field.STATUS, STATUSES[rnd.nextInt(STATUSES.length)]);
                    case 5 -> values.put(Field.CONFIDENCE, (long) rnd.nextInt(4) * 25);
                    case 6 -> values.put(Field.TYPE, rnd.nextBoolean() ? "wisdom" : "decision");
                    default -> values.put(rnd.nextBoolean() ? Field.UPDATED_AT : Field.ORIGIN, "v" + rnd.nextInt(3));
                }
            }
            case REALM -> {
                switch (rnd.nextInt(3)) {
                    case 0 -> values.put(Field.REALM_NAME, edit(myTexts, Field.REALM_NAME));
                    case 1 -> values.put(Field.REALM_GIT_REMOTE, rnd.nextBoolean() ? null : "git@h:r" + rnd.nextInt(3));
                    default -> values.put(Field.REALM_IS_MONOREPO, rnd.nextBoolean());
                }
            }
            default -> {
                switch (rnd.nextInt(3)) {
                    case 0 -> values.put(Field.RELATION_STRENGTH, rnd.nextInt(3) / 2.0);
                    case 1 -> values.put(Field.RELATION_METADATA, rnd.nextBoolean() ? null : edit(myTexts, Field.RELATION_METADATA));
                    default -> values.put(Field.RELATION_CREATED_AT, "t" + rnd.nextInt(3));
                }
            }
        }
    }

    /** A word-level edit of this branch's text: small vocabulary and few positions, so edits both merge and collide. */
    private String edit(Map<Field, String> myTexts, Field f) {
        String old = myTexts.get(f);
        List<String> words = old == null || old.isBlank() || rnd.nextInt(10) == 0
            ? new ArrayList<>(Arrays.asList("w0", "w1", "w2", "w3", "w4", "w5"))
            : new ArrayList<>(Arrays.asList(old.split(" ")));
        int op = rnd.nextInt(6);
        int at = rnd.nextInt(words.size());
        if (op == 0 && words.size() > 1) {
            words.remove(at);
        } else if (op == 1) {
            words.add(at, WORDS[rnd.nextInt(WORDS.length)]);
        } else {
            words.set(at, WORDS[rnd.nextInt(WORDS.length)] + rnd.nextInt(3));
        }
        String text = rnd.nextInt(25) == 0 ? "" : String.join(" ", words);
        myTexts.put(f, text);
        return text;
    }

    private void setChanges(TreeMap<Field, SetDelta> sets) {
        List<Field> setFields = switch (kind) {
            case LORE -> List.of(Field.SIGILS, Field.PROVINCES);
            case REALM -> List.of(Field.REALM_PROVINCES);
            default -> List.of();
        };
        for (Field f : setFields) {
            if (rnd.nextInt(3) != 0) {
                continue;
            }
            TreeSet<String> adds = new TreeSet<>();
            TreeSet<String> removes = new TreeSet<>();
            for (String el : ELEMENTS) {
                int r = rnd.nextInt(6);
                if (r == 0) {
                    adds.add(el);
                } else if (r == 1) {
                    removes.add(el);
                }
            }
            sets.put(f, new SetDelta(adds, removes));
        }
    }
}

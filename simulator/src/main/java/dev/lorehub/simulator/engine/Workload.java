package dev.lorehub.simulator.engine;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What users do in lh, as lh writes it: create lores, edit words of their content, change
 * confidence and type, add and remove sigils, archive and unarchive, hard-delete, add and remove
 * relations. Half of the lore picks go to a small hot set (the first lores in id order), so the
 * same lores are edited concurrently on several devices.
 */
final class Workload {
    /** One kind of operation and its weight. */
    enum Op {
        CREATE(16), EDIT_CONTENT(20), EDIT_WHY(3), CONFIDENCE(9), TYPE(3), SIGIL_ADD(10), SIGIL_REMOVE(9), ARCHIVE(3),
        UNARCHIVE(2), DELETE(6), RELATION_ADD(11), RELATION_REMOVE(8);

        final int weight;

        Op(int weight) {
            this.weight = weight;
        }
    }

    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "api", "cache", "retry", "queue", "index",
        "token", "schema", "deploy", "latency", "shard", "lease", "quorum"};
    private static final String[] TYPES = {"wisdom", "decree", "belief", "constraint", "risk", "quest", "story"};
    private static final String[] SIGILS = {"api", "web", "db", "perf", "security", "infra", "ux", "docs"};
    private static final String[] RELATION_TYPES = {"supports", "challenges", "depends_on", "succeeds", "bound_to"};
    private static final int HOT = 6;

    private final SplittableRandom random;
    private final int totalWeight;

    Workload(SplittableRandom random) {
        this.random = random;
        int w = 0;
        for (Op op : Op.values()) {
            w += op.weight;
        }
        this.totalWeight = w;
    }

    /** A random UUID v4 from the seeded source. */
    String uuid() {
        long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    String sentence() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private Op draw() {
        int x = random.nextInt(totalWeight);
        for (Op op : Op.values()) {
            x -= op.weight;
            if (x < 0) {
                return op;
            }
        }
        throw new IllegalStateException();
    }

    private String pick(LhClient lh, String realm) throws SQLException {
        int count = lh.loreCount(realm);
        if (count == 0) {
            return null;
        }
        int k = random.nextBoolean() ? random.nextInt(Math.min(HOT, count)) : random.nextInt(count);
        return lh.loreAt(realm, k);
    }

    /**
     * Performs one operation on the node's lh tables; returns a description for the trace (the
     * operation and the lore it touched), or null if it changed nothing.
     */
    String perform(SimNode n, String realm, long wall) throws SQLException {
        LhClient lh = n.lh;
        Op op = draw();
        String lore = pick(lh, realm);
        if (lore == null) {
            op = Op.CREATE;
        }
        String[] row = lore == null ? null : lh.lore(lore);
        switch (op) {
            case CREATE -> {
                String id = uuid();
                List<String> sigils = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    String s = SIGILS[random.nextInt(SIGILS.length)];
                    if (!sigils.contains(s)) {
                        sigils.add(s);
                    }
                }
                lh.addLore(id, realm, sentence(), TYPES[random.nextInt(TYPES.length)], sigils, wall);
                return op + " " + id;
            }
            case EDIT_CONTENT -> {
                String[] words = row[0].split(" ");
                words[random.nextInt(words.length)] = WORDS[random.nextInt(WORDS.length)];
                lh.updateLore(lore, Map.of("content", String.join(" ", words)), wall);
            }
            case EDIT_WHY -> lh.updateLore(lore, Map.of("why", "because " + WORDS[random.nextInt(WORDS.length)]), wall);
            case CONFIDENCE -> lh.updateLore(lore, Map.of("confidence", random.nextInt(101)), wall);
            case TYPE -> lh.updateLore(lore, Map.of("type", TYPES[random.nextInt(TYPES.length)]), wall);
            case SIGIL_ADD, SIGIL_REMOVE -> {
                List<String> sigils = new ArrayList<>(LhClient.parseList(row[1]));
                if (op == Op.SIGIL_ADD) {
                    String s = SIGILS[random.nextInt(SIGILS.length)];
                    if (sigils.contains(s)) {
                        return null;
                    }
                    sigils.add(s);
                } else {
                    if (sigils.isEmpty()) {
                        return null;
                    }
                    sigils.remove(random.nextInt(sigils.size()));
                }
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("sigils", sigils);
                lh.updateLore(lore, change, wall);
            }
            case ARCHIVE -> lh.updateLore(lore, Map.of("status", "archived"), wall);
            case UNARCHIVE -> lh.updateLore(lore, Map.of("status", "living"), wall);
            case DELETE -> lh.deleteLore(lore, wall);
            case RELATION_ADD -> {
                String to = pick(lh, realm);
                if (to == null || to.equals(lore)
                    || !lh.addRelation(lore, to, RELATION_TYPES[random.nextInt(RELATION_TYPES.length)],
                        random.nextInt(11) / 10.0, wall)) {
                    return null;
                }
            }
            case RELATION_REMOVE -> {
                List<String[]> relations = lh.relations(realm);
                if (relations.isEmpty()) {
                    return null;
                }
                String[] r = relations.get(random.nextInt(relations.size()));
                lh.deleteRelation(r[0], r[1], r[2], wall);
                return op + " " + r[0] + " " + r[1] + " " + r[2];
            }
            default -> throw new IllegalStateException();
        }
        return op + " " + lore;
    }
}

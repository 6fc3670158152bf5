package dev.lorehub.node.cli;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EventBody;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.HybridClock;
import dev.lorehub.node.core.LegacySeal;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.store.query.NodeQuery;
import dev.lorehub.node.core.StoredEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code log}: the audit trail — who changed what, when, from which device. */
@Command(name = "log", description = "Show the audit trail: who changed what, when, from which device (newest first).")
final class LogCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = {"-n", "--limit"}, defaultValue = "50", description = "How many events (default: 50; 0 prints nothing)")
    int limit;

    /** ISO-8601 in UTC with milliseconds, the form lh writes; the clock's logical counter is not shown. */
    static final java.time.format.DateTimeFormatter WHEN =
        java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    @Option(names = "--refused", description = "Show what this device refused instead: from which device, why, how often")
    boolean refused;

    @Option(names = "--json", description = "Print JSON instead of text: {\"events\": [{\"at\", \"version\", \"author\", "
        + "\"authorName\", \"realm\", \"what\", \"lore\"}]} (with --refused: {\"refused\": [{\"lastAt\", \"from\", "
        + "\"realm\", \"count\", \"reason\", \"lastDetail\"}]})")
    boolean json;

    @Option(names = "--lore", paramLabel = "LORE", description = "Only the history of one lore (id or a unique prefix), "
        + "deleted ones included: each line's version id can be given to `undo LORE --to VERSION`")
    String lore;

    @Override
    public Integer call() throws dev.lorehub.node.core.StorageException {
        if (limit < 0) {
            throw new dev.lorehub.node.runtime.NodeException("-n must be 0 or more, got " + limit + ".",
                dev.lorehub.node.runtime.NodeException.Reason.USAGE);
        }
        try (NodeQuery view = HomeOption.query(home.checkedHome())) {
            if (refused) {
                return refusals(view);
            }
            Map<DeviceId, String> names = new HashMap<>();
            names.put(view.replica().deviceId(), "this device");
            view.replica().peers().forEach(p -> names.put(p.device(), p.displayName()));
            if (limit == 0 && !json) {
                return 0;
            }
            List<StoredEvent> events;
            if (lore != null) {
                String id = view.replica().loreIdByPrefix(lore);
                events = new ArrayList<>(view.replica().events().eventsOf(dev.lorehub.node.core.EntityKind.LORE, id));
                events.sort(java.util.Comparator.comparingLong(StoredEvent::hlc).reversed());
                events = events.subList(0, Math.min(events.size(), Math.max(limit, 0)));
            } else {
                events = view.replica().events().newest(limit);
            }
            if (json) {
                com.fasterxml.jackson.databind.node.ObjectNode out = JsonOutput.object();
                com.fasterxml.jackson.databind.node.ArrayNode list = out.putArray("events");
                for (StoredEvent e : limit == 0 ? List.<StoredEvent>of() : events) {
                    DeviceId author = DeviceId.fromBytes(e.author());
                    java.util.Optional<EventBody> body = view.replica().decode(e);
                    list.addObject().put("at", WHEN.format(Instant.ofEpochMilli(HybridClock.millis(e.hlc()))))
                        .put("version", dev.lorehub.node.core.EventId.fromBytes(e.id()).toString())
                        .put("author", author.toString()).put("authorName", names.get(author))
                        .put("realm", RealmId.fromBytes(e.realm()).toString())
                        .put("what", body.map(LogCommand::describe).orElse(null))
                        .put("lore", body.filter(b -> b instanceof EntityChange c && c.kind() == dev.lorehub.node.core.EntityKind.LORE)
                            .map(b -> ((EntityChange) b).entityId()).orElse(null));
                }
                JsonOutput.print(out);
                return 0;
            }
            if (events.isEmpty()) {
                System.out.println("No events yet.");
            }
            for (StoredEvent e : events) {
                DeviceId author = DeviceId.fromBytes(e.author());
                String who = author.shortForm() + (names.containsKey(author) ? " (" + names.get(author) + ")" : "");
                String what = view.replica().decode(e).map(LogCommand::describe)
                    .orElse("(encrypted: this device holds no key for it)");
                System.out.printf("%s  version %s  %-26s realm %s  %s%n", WHEN.format(Instant.ofEpochMilli(HybridClock.millis(e.hlc()))),
                    dev.lorehub.node.core.EventId.fromBytes(e.id()).shortForm(), who,
                    RealmId.fromBytes(e.realm()).toString().substring(0, 8), what);
            }
            if (!events.isEmpty()) {
                // on stderr, as git prints its hints: scripts read the event lines alone
                System.err.println("To bring a lore back: lorehub-node undo LORE --to VERSION (or --to TIME); a whole realm: "
                    + "lorehub-node undo --realm REALM --to TIME.");
            }
        }
        return 0;
    }

    private int refusals(NodeQuery view) throws dev.lorehub.node.core.StorageException {
        var rows = view.replica().events().refusals();
        if (json) {
            com.fasterxml.jackson.databind.node.ObjectNode out = JsonOutput.object();
            com.fasterxml.jackson.databind.node.ArrayNode list = out.putArray("refused");
            for (var r : rows.subList(0, Math.min(rows.size(), Math.max(limit, 0)))) {
                list.addObject().put("lastAt", WHEN.format(Instant.ofEpochMilli(r.lastAt()))).put("from", r.source())
                    .put("realm", r.realm().toString()).put("count", r.count())
                    .put("reason", r.reason().toLowerCase()).put("lastDetail", r.lastDetail());
            }
            JsonOutput.print(out);
            return 0;
        }
        if (limit == 0) {
            return 0;
        }
        if (rows.isEmpty()) {
            System.out.println("Nothing refused.");
        }
        for (var r : rows.subList(0, Math.min(rows.size(), Math.max(limit, 0)))) {
            System.out.printf("%s  from %s  realm %s  %d × %s; last: %s%n", WHEN.format(Instant.ofEpochMilli(r.lastAt())), r.source(),
                r.realm().toString().substring(0, 8), r.count(), r.reason().toLowerCase(), r.lastDetail());
        }
        return 0;
    }

    private static String sealSize(MembershipChange m) {
        try {
            return Integer.toString(LegacySeal.decode(m.nonce()).ids().size());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    static String describe(EventBody body) {
        if (body instanceof MembershipChange m) {
            return switch (m.op()) {
                case GENESIS -> "founded the realm";
                case ADD -> "added " + m.subject().shortForm() + " as " + m.role().name().toLowerCase();
                case SET_ROLE -> "made " + m.subject().shortForm() + " " + m.role().name().toLowerCase();
                case REMOVE -> "removed " + m.subject().shortForm();
                case ROTATE -> "rotated the realm key to epoch " + m.epoch();
                case SEAL -> "sealed the events of the previous release (" + sealSize(m) + " accepted)";
            };
        }
        EntityChange c = (EntityChange) body;
        String entity = switch (c.kind()) {
            case LORE -> "lore " + c.entityId().substring(0, Math.min(8, c.entityId().length()));
            case RELATION -> "relation " + String.join(" → ", List.of(EntityChange.relationKey(c.entityId())).subList(0, 2)
                .stream().map(s -> s.substring(0, Math.min(8, s.length()))).toList()) + " (" + EntityChange.relationKey(c.entityId())[2]
                + ")";
            default -> "realm settings";
        };
        if (c.deleted()) {
            return "deleted " + entity;
        }
        List<String> fields = new ArrayList<>();
        for (Field f : c.assignments().keySet()) {
            fields.add(f.column());
        }
        for (Field f : c.sets().keySet()) {
            fields.add(f.column());
        }
        String verb = c.parents().isEmpty() ? "created " : c.parents().size() > 1 ? "merged/resolved " : "changed ";
        return verb + entity + (fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")");
    }
}

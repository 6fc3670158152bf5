package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventBody;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.HybridClock;
import dev.lorehub.node.core.LegacySeal;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.StoredEvent;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code log --json} prints, built in one place for the running daemon (asked over the
 * control socket: its keys are loaded and its decoder warm, and the CLI opens no database) and
 * for the CLI with no daemon, as {@link StatusReport} is:
 * <pre>
 *   events:   {"events": [{"at", "version", "author", "authorName", "realm", "what", "lore"}]}   newest first;
 *             "what" is null for an event this device holds no key for
 *   refusals: {"refused": [{"lastAt", "from", "realm", "count", "reason", "lastDetail"}]}
 * </pre>
 *
 * <p>Threading: reads the replica, so on the daemon it runs on the node thread.
 */
public final class LogReport {
    /** ISO-8601 in UTC with milliseconds, the form lh writes; the clock's logical counter is not shown. */
    public static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LogReport() {
    }

    /**
     * The newest {@code limit} events, or (with {@code lore}, an id or a unique prefix) the newest
     * {@code limit} of that lore's history, deleted lores included.
     */
    public static ObjectNode events(Replica replica, int limit, String lore) throws dev.lorehub.node.core.StorageException {
        Map<DeviceId, String> names = new HashMap<>();
        names.put(replica.deviceId(), "this device");
        replica.peers().forEach(p -> names.put(p.device(), p.displayName()));
        List<StoredEvent> events;
        if (lore != null) {
            String id = replica.loreIdByPrefix(lore);
            events = new ArrayList<>(replica.events().eventsOf(EntityKind.LORE, id));
            events.sort(Comparator.comparingLong(StoredEvent::hlc).reversed());
            events = events.subList(0, Math.min(events.size(), Math.max(limit, 0)));
        } else {
            events = limit <= 0 ? List.of() : replica.events().newest(limit); // as the lore branch: nothing below 1
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("events");
        for (StoredEvent e : events) {
            DeviceId author = e.author();
            Optional<EventBody> body = replica.decode(e);
            list.addObject().put("at", WHEN.format(Instant.ofEpochMilli(HybridClock.millis(e.hlc()))))
                .put("version", e.id().toString())
                .put("author", author.toString()).put("authorName", names.get(author))
                .put("realm", e.realm().toString())
                .put("what", body.map(LogReport::describe).orElse(null))
                .put("lore", body.filter(b -> b instanceof EntityChange c && c.kind() == EntityKind.LORE)
                    .map(b -> ((EntityChange) b).entityId()).orElse(null));
        }
        return out;
    }

    /** The first {@code limit} kinds of refusal this device recorded (from whom, why, how often). */
    public static ObjectNode refusals(Replica replica, int limit) throws dev.lorehub.node.core.StorageException {
        List<LogRows.RefusalRow> rows = replica.events().refusals();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("refused");
        for (LogRows.RefusalRow r : rows.subList(0, Math.min(rows.size(), Math.max(limit, 0)))) {
            list.addObject().put("lastAt", WHEN.format(Instant.ofEpochMilli(r.lastAt()))).put("from", r.source())
                .put("realm", r.realm().toString()).put("count", r.count())
                .put("reason", r.reason().toLowerCase(Locale.ROOT)).put("lastDetail", r.lastDetail());
        }
        return out;
    }

    /**
     * One event in words, as {@code log} and the dashboard's activity list show it: "created lore
     * 1a2b3c4d (content, type)", "removed ABCDEFG", "rotated the realm key to epoch 3", …
     */
    public static String describe(EventBody body) {
        if (body instanceof MembershipChange m) {
            return switch (m.op()) {
                case GENESIS -> "founded the realm";
                case ADD -> "added " + m.subject().shortForm() + " as " + m.role().name().toLowerCase(Locale.ROOT);
                case SET_ROLE -> "made " + m.subject().shortForm() + " " + m.role().name().toLowerCase(Locale.ROOT);
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

    private static String sealSize(MembershipChange m) {
        try {
            return Integer.toString(LegacySeal.decode(m.nonce()).ids().size());
        } catch (RuntimeException e) {
            return "?"; // a seal whose list does not decode still shows as a seal
        }
    }
}

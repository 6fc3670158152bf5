package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventBody;
import dev.lorehub.node.core.EventCodec;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.core.StoredEvent;

import dev.lorehub.node.core.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every event seen anywhere in the run, decoded once through the node's public API
 * ({@link EventCodec} on the plaintext body the store keeps): events are immutable and identical
 * on every device, so the checkers can reason about any node's log from the ids it holds.
 */
final class EventCatalog {
    /** One event: its realm, who wrote it when, and what it changes (an entity change or a membership change). */
    record Info(EventId id, RealmId realm, long hlc, DeviceId author, EntityChange change, MembershipChange membershipChange) {
        boolean membership() {
            return membershipChange != null;
        }
    }

    private final Map<EventId, Info> events = new HashMap<>();
    /** Entity events by "kind:entity", each list in first-seen order. */
    private final Map<String, List<EventId>> byEntity = new LinkedHashMap<>();
    /** The keys of entities with at least one delete among their events. */
    private final Set<String> withDelete = new HashSet<>();

    boolean knows(EventId id) {
        return events.containsKey(id);
    }

    Info get(EventId id) {
        return events.get(id);
    }

    /** Records an event a node just stored, reading its body from that node (skipped while it is opaque there). */
    void learn(SimNode node, EventId id, RealmId realm) throws StorageException {
        if (events.containsKey(id)) {
            return;
        }
        Optional<StoredEvent> stored = node.replica.events().get(id);
        if (stored.isEmpty() || stored.get().opaque()) {
            return; // another node will tell us once it can read it
        }
        StoredEvent e = stored.get();
        EventBody body = node.replica.decode(e).orElseThrow();
        DeviceId author = e.author();
        if (body instanceof EntityChange change) {
            add(new Info(id, realm, e.hlc(), author, change, null));
        } else if (body instanceof MembershipChange m) {
            add(new Info(id, realm, e.hlc(), author, null, m));
        }
    }

    /** Records a decoded event (once per id). */
    void add(Info info) {
        if (events.putIfAbsent(info.id(), info) != null || info.change() == null) {
            return;
        }
        String key = key(info.change().kind(), info.change().entityId());
        byEntity.computeIfAbsent(key, k -> new ArrayList<>()).add(info.id());
        if (info.change().deleted()) {
            withDelete.add(key);
        }
    }

    static String key(EntityKind kind, String entity) {
        return kind.code() + ":" + entity;
    }

    /** Entity keys of one kind, in first-seen order. */
    List<String> entities(EntityKind kind) {
        String prefix = kind.code() + ":";
        List<String> out = new ArrayList<>();
        for (String k : byEntity.keySet()) {
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * Entity keys of one kind that have at least one delete among their events, in first-seen order:
     * the only entities whose heads can all be deletes.
     */
    List<String> entitiesWithDelete(EntityKind kind) {
        List<String> out = entities(kind);
        out.removeIf(k -> !withDelete.contains(k));
        return out;
    }

    /** The events of an entity key. */
    List<EventId> eventsOf(String entityKey) {
        return byEntity.getOrDefault(entityKey, List.of());
    }

    static String entityOf(String entityKey) {
        return entityKey.substring(entityKey.indexOf(':') + 1);
    }

    /** Every event known, in no particular order. */
    java.util.Collection<Info> all() {
        return events.values();
    }

    int size() {
        return events.size();
    }
}

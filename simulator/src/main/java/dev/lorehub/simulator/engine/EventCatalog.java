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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
            events.put(id, new Info(id, realm, e.hlc(), author, change, null));
            byEntity.computeIfAbsent(key(change.kind(), change.entityId()), k -> new ArrayList<>()).add(id);
        } else if (body instanceof MembershipChange m) {
            events.put(id, new Info(id, realm, e.hlc(), author, null, m));
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

package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.runtime.ControlClient;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeHome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each paired peer stands per realm, for {@code status} and {@code peers}: asked of the
 * running node when there is one (live: in sync now, what each side lacks now), otherwise read
 * from what the node last recorded, plus what this device wrote since it was last in sync with
 * that peer.
 */
final class PeerStates {
    /** One realm with one peer. */
    record RealmState(RealmId realm, boolean inSync, Long lastSyncedAt, long theyLack, long weLack) {
    }

    /** One peer. */
    record State(DeviceId device, String name, boolean connected, Long lastContact, String lastError,
                 List<RealmState> realms) {
    }

    private PeerStates() {
    }

    /**
     * Every paired peer's state: asked of the running node when {@code askNode} (it answers
     * requests), else read from what the node last recorded.
     */
    static List<State> of(NodeHome home, Replica replica, boolean askNode) throws dev.lorehub.node.core.StorageException {
        Map<DeviceId, String> names = new LinkedHashMap<>();
        for (LogRows.PeerRow p : replica.peers()) {
            names.put(p.device(), p.displayName());
        }
        List<State> out = new ArrayList<>();
        if (askNode) {
            JsonNode r = ControlClient.call(home, new ControlRequest.PeerStatus(), x -> { });
            for (JsonNode p : r.path("peers")) {
                DeviceId id = DeviceId.parse(p.get("device").asText());
                List<RealmState> realms = new ArrayList<>();
                for (JsonNode rs : p.path("realms")) {
                    realms.add(new RealmState(RealmId.parse(rs.get("realm").asText()), rs.get("inSync").asBoolean(),
                        rs.get("lastSyncedAt").isNull() ? null : rs.get("lastSyncedAt").asLong(), rs.get("theyLack").asLong(),
                        rs.get("weLack").asLong()));
                }
                out.add(new State(id, names.getOrDefault(id, "?"), p.get("connected").asBoolean(),
                    p.get("lastContact").isNull() ? null : p.get("lastContact").asLong(),
                    p.get("lastError").isNull() ? null : p.get("lastError").asText(), realms));
            }
            return out;
        }
        Map<DeviceId, List<LogRows.PeerStatusRow>> recorded = new LinkedHashMap<>();
        for (LogRows.PeerStatusRow row : replica.events().peerStatuses()) {
            recorded.computeIfAbsent(row.peer(), d -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<DeviceId, String> peer : names.entrySet()) {
            List<RealmState> realms = new ArrayList<>();
            Long lastContact = null;
            String lastError = null;
            for (LogRows.PeerStatusRow row : recorded.getOrDefault(peer.getKey(), List.of())) {
                long written = replica.events().ownEventsAfter(row.realm(), replica.deviceId(), row.ownSeqSynced());
                realms.add(new RealmState(row.realm(), false, row.lastSyncedAt(), row.theyLack() + written,
                    row.weLack()));
                lastContact = row.lastContact();
                lastError = row.lastError();
            }
            out.add(new State(peer.getKey(), peer.getValue(), false, lastContact, lastError, realms));
        }
        return out;
    }

    /** One line for a realm with a peer, from its JSON form (as {@code status --json} prints it). */
    static String describe(JsonNode rs) {
        long theyLack = rs.get("theyLack").asLong();
        long weLack = rs.get("weLack").asLong();
        String since = rs.get("lastSyncedAt").isNull() ? "never" : rs.get("lastSyncedAt").asText();
        if (rs.get("inSync").asBoolean()) {
            return "in sync (established " + since + ")";
        }
        if (theyLack == 0 && weLack == 0) {
            return "nothing known to be missing; last in sync " + since;
        }
        List<String> parts = new ArrayList<>();
        if (theyLack > 0) {
            parts.add("it lacks " + theyLack + " of this device's event(s)");
        }
        if (weLack > 0) {
            parts.add("this device lacks " + weLack + " of its event(s)");
        }
        return "behind: " + String.join(", ", parts) + "; last in sync " + since;
    }
}

package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.endpoint.NodeEndpoint;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each paired peer stands per realm, for {@code status} and {@code peers}: live from the
 * running node's endpoint (in sync now, what each side lacks now), or, with no node running, from
 * what the node last recorded plus what this device wrote since it was last in sync with that peer.
 */
public final class PeerStates {
    /** One realm with one peer. */
    public record RealmState(RealmId realm, boolean inSync, Long lastSyncedAt, long theyLack, long weLack) {
    }

    /** One peer. */
    public record State(DeviceId device, String name, boolean connected, Long lastContact, String lastError,
                        List<RealmState> realms) {
    }

    private PeerStates() {
    }

    /** Every peer the running endpoint tracks, named from the replica's paired devices ("?" for one it no longer knows). */
    static List<State> live(Replica replica, List<NodeEndpoint.PeerStatus> statuses) {
        Map<DeviceId, String> names = names(replica);
        List<State> out = new ArrayList<>();
        for (NodeEndpoint.PeerStatus p : statuses) {
            List<RealmState> realms = new ArrayList<>();
            for (NodeEndpoint.PeerRealmStatus rs : p.realms()) {
                realms.add(new RealmState(rs.realm(), rs.inSync(), rs.lastSyncedAt(), rs.theyLack(), rs.weLack()));
            }
            out.add(new State(p.peer(), names.getOrDefault(p.peer(), "?"), p.connected(), p.lastContact(), p.lastError(),
                realms));
        }
        return out;
    }

    /**
     * Every paired peer as the node last recorded it (no node running: none is connected), with
     * what this device wrote since each realm was last in sync added to what the peer lacks.
     */
    public static List<State> recorded(Replica replica) throws dev.lorehub.node.core.StorageException {
        Map<DeviceId, List<LogRows.PeerStatusRow>> rows = new LinkedHashMap<>();
        for (LogRows.PeerStatusRow row : replica.events().peerStatuses()) {
            rows.computeIfAbsent(row.peer(), d -> new ArrayList<>()).add(row);
        }
        List<State> out = new ArrayList<>();
        for (Map.Entry<DeviceId, String> peer : names(replica).entrySet()) {
            List<RealmState> realms = new ArrayList<>();
            Long lastContact = null;
            String lastError = null;
            for (LogRows.PeerStatusRow row : rows.getOrDefault(peer.getKey(), List.of())) {
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

    private static Map<DeviceId, String> names(Replica replica) {
        Map<DeviceId, String> names = new LinkedHashMap<>();
        for (LogRows.PeerRow p : replica.peers()) {
            names.put(p.device(), p.displayName());
        }
        return names;
    }

    /** One line for a realm with a peer, from its JSON form (as {@code status --json} and {@code peers --json} print it). */
    public static String describe(JsonNode rs) {
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

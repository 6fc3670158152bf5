package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.query.NodeQuery;

import java.time.Instant;
import java.util.List;

/**
 * What {@code peers --json} prints: {@code {"running", "peers": [{"device", "name", "connected",
 * "lastContact", "lastError", "realms": [{"realm", "name", "inSync", "lastSyncedAt", "theyLack",
 * "weLack"}]}]}}, built in one place for the running daemon (live, over the control socket) and for
 * the CLI with no daemon (recorded), as {@link StatusReport} is.
 *
 * <p>Threading: {@link #build} reads the replica, so on the daemon it runs on the node thread.
 */
public final class PeersReport {
    private PeersReport() {
    }

    /** The peers' states ({@code peers}) with each realm named as this device knows it. */
    public static ObjectNode build(LoreHubDatabase db, Replica replica, List<PeerStates.State> peers, boolean running) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("running", running);
        ArrayNode list = out.putArray("peers");
        for (PeerStates.State p : peers) {
            ObjectNode n = list.addObject().put("device", p.device().toString()).put("name", p.name())
                .put("connected", p.connected()).put("lastContact", iso(p.lastContact()))
                .put("lastError", p.lastError());
            ArrayNode realms = n.putArray("realms");
            for (PeerStates.RealmState rs : p.realms()) {
                realms.addObject().put("realm", rs.realm().toString()).put("name", label(db, replica, rs.realm()))
                    .put("inSync", rs.inSync()).put("lastSyncedAt", iso(rs.lastSyncedAt()))
                    .put("theyLack", rs.theyLack()).put("weLack", rs.weLack());
            }
        }
        return out;
    }

    private static String label(LoreHubDatabase db, Replica replica, RealmId realm) {
        LogRows.SyncedRealmRow row = replica.realms().get(realm);
        return row == null ? realm.toString().substring(0, 12) : NodeQuery.localName(db, replica, row);
    }

    /** A time as the JSON shows it; 0 (never recorded) is null, as for every listing's times. */
    private static String iso(Long millis) {
        return millis == null || millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }
}

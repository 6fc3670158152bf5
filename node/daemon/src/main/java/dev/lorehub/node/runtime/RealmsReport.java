package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.query.NodeQuery;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code realm list --json} prints, built in one place for the running daemon (asked over the
 * control socket; the CLI then opens no database) and for the CLI with no daemon, as
 * {@link StatusReport} is:
 * <pre>
 *   {"realms": [{"id", "name", "role" (read, write, admin, relay, removed or null), "joined", "path" (null: not mapped)}]}
 * </pre>
 * by realm id.
 *
 * <p>Threading: reads the replica, so on the daemon it runs on the node thread.
 */
public final class RealmsReport {
    private RealmsReport() {
    }

    /** Every synced realm {@code replica} (on {@code db}) knows, joined or not, with this device's role and local name and path. */
    public static ObjectNode build(LoreHubDatabase db, Replica replica) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("realms");
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new TreeMap<>(replica.realms()).entrySet()) {
            Membership m = replica.membership(e.getKey());
            Role role = m.role(replica.deviceId()).orElse(null);
            list.addObject().put("id", e.getKey().toString()).put("name", NodeQuery.localName(db, replica, e.getValue()))
                .put("role", role != null ? role.name().toLowerCase(Locale.ROOT)
                    : StatusReport.removedBy(m, replica.deviceId()).isPresent() ? "removed" : null)
                .put("joined", e.getValue().joined())
                .put("path", NodeQuery.localPath(db, e.getValue()).orElse(null));
        }
        return out;
    }
}

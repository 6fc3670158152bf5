package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.core.LoreRow;
import dev.lorehub.node.store.LoreHubDatabase;

/**
 * What {@code lore show --json} prints, built in one place for the running daemon (asked over the
 * control socket; the CLI then opens no database) and for the CLI with no daemon, as
 * {@link StatusReport} is:
 * <pre>
 *   {"id", "content", "why", "type", "confidence", "status", "sigils": [], "provinces": [], "origin",
 *    "createdAt", "updatedAt"}   times as lh stores them
 * </pre>
 * An id that names no lore, or a prefix that names several, is refused ({@link NodeException.Reason#REFUSED})
 * with the same words on both.
 *
 * <p>Threading: reads lh's tables through {@code db}, so on the daemon it runs on the node thread.
 */
public final class LoreReport {
    private LoreReport() {
    }

    /** The lore {@code idOrPrefix} names (an id, or a unique prefix of one) in lh's tables on {@code db}. */
    public static ObjectNode build(LoreHubDatabase db, String idOrPrefix) {
        return of(new LoreEditor(db).get(idOrPrefix));
    }

    /** One lore's fields, as {@code lore show --json} and each entry of {@code lore list --json} print them. */
    static ObjectNode of(LoreRow l) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", l.id()).put("content", l.content())
            .put("why", l.why()).put("type", l.type()).put("confidence", l.confidence()).put("status", l.status());
        l.sigils().forEach(n.putArray("sigils")::add);
        l.provinces().forEach(n.putArray("provinces")::add);
        return n.put("origin", l.origin()).put("createdAt", l.createdAt()).put("updatedAt", l.updatedAt());
    }
}

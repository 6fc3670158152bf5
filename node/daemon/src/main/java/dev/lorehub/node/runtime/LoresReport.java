package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.core.LoreRow;
import dev.lorehub.node.core.RealmRow;
import dev.lorehub.node.store.LoreHubDatabase;

import java.nio.file.Path;

/**
 * What {@code lore list --json} prints, built in one place for the running daemon (asked over the
 * control socket; the CLI then opens no database) and for the CLI with no daemon, as
 * {@link StatusReport} is:
 * <pre>
 *   {"realm": {"id", "name"}, "lores": [the fields of {@link LoreReport}]}   by creation time
 * </pre>
 * A directory lh has no realm for is refused ({@link NodeException.Reason#REFUSED}) with the same
 * words on both.
 *
 * <p>Threading: reads lh's tables through {@code db}, so on the daemon it runs on the node thread.
 */
public final class LoresReport {
    private LoresReport() {
    }

    /**
     * The lores of lh's realm at {@code directory}, which must be absolute: the daemon's working
     * directory is not the asking command's.
     */
    public static ObjectNode build(LoreHubDatabase db, Path directory) {
        if (!directory.isAbsolute()) {
            throw new NodeException("A project directory must be sent absolute, got " + directory + ".",
                NodeException.Reason.USAGE);
        }
        LoreEditor editor = new LoreEditor(db);
        RealmRow realm = editor.realmFor(directory, false);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.putObject("realm").put("id", realm.id()).put("name", realm.name());
        ArrayNode list = out.putArray("lores");
        for (LoreRow l : editor.list(realm.id())) {
            list.add(LoreReport.of(l));
        }
        return out;
    }
}

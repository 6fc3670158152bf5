package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.query.NodeQuery;

import java.nio.file.Path;

/**
 * The data directory every command works on: {@code --data-dir} (accepted before or after the
 * command name; see {@link Main}), else $LOREHUB_HOME, else ~/.lorehub.
 */
final class HomeOption {
    /** Set by the inherited {@code --data-dir} option of {@link Main}. */
    static Path dataDir;

    NodeHome home() {
        return NodeHome.resolve(dataDir, System.getenv());
    }

    NodeConfig config() {
        return NodeConfig.load(home().config());
    }

    /**
     * The data directory, after reading its node.json: every command reports a broken
     * configuration (exit 4) instead of only {@code start} finding it later.
     */
    NodeHome checkedHome() {
        NodeHome h = home();
        NodeConfig.load(h.config());
        return h;
    }

    /**
     * The query side for a read-only command ({@link NodeQuery}: read-only connection, no capture,
     * no write lock) on {@code h}, which must be initialised. The first look after an upgrade (or
     * on a directory lh made and only {@code init} touched) finds the node's tables missing or old:
     * a full open brings them up to date once, as every command did before, and the look follows.
     */
    static NodeQuery query(NodeHome h) {
        NodeFiles.requireInitialised(h);
        java.util.Optional<NodeQuery> q = NodeQuery.open(h.database(), h.identity(), h.realmKeys());
        if (q.isPresent()) {
            return q.get();
        }
        NodeView.open(h).close();
        return NodeQuery.open(h.database(), h.identity(), h.realmKeys()).orElseThrow(() -> new NodeException(
            "The node's tables in " + h.database() + " could not be brought up to date; run `lorehub-node doctor`.",
            NodeException.Reason.INTERNAL));
    }

    /** lh's database opened to read only, for {@code lore list|show}: nothing of the node's is needed. */
    static LoreHubDatabase readDatabase(NodeHome h) {
        NodeFiles.requireInitialised(h);
        return LoreHubDatabase.openReadOnly(h.database());
    }

    static Path cwd() {
        return Path.of("").toAbsolutePath();
    }
}

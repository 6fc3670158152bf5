package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code unsynced}: local changes lh made that cannot sync (this device lacks the write role or
 * the realm key, or a value the node cannot carry). They stay on this device, listed here and in
 * {@code status}, and sync by themselves once possible; {@code unsynced discard} gives them up.
 */
@Command(name = "unsynced", description = "List local changes that cannot sync yet (they sync by themselves once this device "
    + "may write), or give them up with `unsynced discard`.", subcommands = UnsyncedCommand.Discard.class)
final class UnsyncedCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = "--json", description = "Print JSON instead of text: {\"unsynced\": [{\"realm\", \"kind\", \"entity\", "
        + "\"reason\", \"firstAt\", \"lastAt\"}]}")
    boolean json;

    @Override
    public Integer call() {
        // A look: the read-only query side (no capture installed, no write lock).
        try (NodeQuery view = HomeOption.query(home.checkedHome())) {
            List<LogRows.UnsyncedRow> rows = view.replica().unsynced();
            if (json) {
                ObjectNode out = JsonOutput.object();
                ArrayNode list = out.putArray("unsynced");
                for (LogRows.UnsyncedRow u : rows) {
                    list.addObject().put("realm", u.realm().toString())
                        .put("kind", u.kind().name().toLowerCase(Locale.ROOT)).put("entity", u.entity())
                        .put("reason", u.reason()).put("firstAt", JsonOutput.time(u.firstAt()))
                        .put("lastAt", JsonOutput.time(u.lastAt()));
                }
                JsonOutput.print(out);
                return 0;
            }
            if (rows.isEmpty()) {
                System.out.println("Every local change is synced or on its way.");
            }
            for (LogRows.UnsyncedRow u : rows) {
                System.out.printf("%s  realm %s  %s %s: %s%n", Instant.ofEpochMilli(u.lastAt()),
                    u.realm().toString().substring(0, 12),
                    u.kind().name().toLowerCase(Locale.ROOT), u.entity(), u.reason());
            }
        }
        return 0;
    }

    @Command(name = "discard", description = "Give up local changes that cannot sync: lh's rows go back to the synced state.")
    static final class Discard implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Option(names = "--realm", paramLabel = "REALM", description = "Only this realm (id, name or directory)")
        String realm;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            var request = new ControlRequest.DiscardUnsynced(realm != null ? RealmCommand.resolve(h, realm).toString() : null);
            JsonNode r = NodeClient.run(h, home.config(), request, false, x -> { });
            System.out.println("Discarded " + r.get("discarded").asInt() + " unsynced change(s).");
            return 0;
        }
    }
}

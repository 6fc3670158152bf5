package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code undo}: brings a lore, or every lore of a realm, back to an earlier state by new events
 * that every device applies (history is kept; an undo can be undone the same way).
 */
@Command(name = "undo", description = "Bring a lore, or every lore of a realm, back to its state at a time (or a lore to a "
    + "version shown by `log`). Writes new events that every device applies: deleted lores come back, lores made since "
    + "are deleted, edits since are reverted. Nothing is erased: an undo can itself be undone.",
    footer = {"%nExamples:", "  lorehub-node undo 3f2c9a1e --to 2026-12-02T10:14:02.999Z",
        "  lorehub-node undo 3f2c9a1e --to 8b1d42c07e55      (a version id from `lorehub-node log --lore 3f2c9a1e`)",
        "  lorehub-node undo --realm api --to 15m            (the whole realm as it was 15 minutes ago)"})
final class UndoCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Parameters(index = "0", arity = "0..1", paramLabel = "LORE", description = "Lore id or a unique prefix of it")
    String lore;

    @Option(names = "--realm", paramLabel = "REALM", description = "Undo every lore and relation of this realm (id, name or "
        + "directory) instead of one lore")
    String realm;

    @Option(names = "--to", required = true, paramLabel = "TIME|VERSION", description = "A time (as `log` prints it, a "
        + "local time, or 15m / 2h / 3d ago) or, for one lore, a version id from `log`")
    String to;

    @Override
    public Integer call() {
        if ((lore == null) == (realm == null)) {
            throw new NodeException("Name one lore (LORE) or one realm (--realm REALM).", NodeException.Reason.USAGE);
        }
        NodeHome h = home.home();
        long now = System.currentTimeMillis();
        ControlRequest.Undo request;
        String target;
        if (lore != null) {
            if (TimeArg.isVersion(to)) {
                request = new ControlRequest.Undo(lore, null, to, null);
                target = "version " + to;
            } else {
                long t = TimeArg.parse(to, now);
                request = new ControlRequest.Undo(lore, t, null, null);
                target = Instant.ofEpochMilli(t).toString();
            }
        } else {
            if (TimeArg.isVersion(to)) {
                throw new NodeException("A realm goes back to a time, not a version: give --to a time.", NodeException.Reason.USAGE);
            }
            RealmId id = RealmCommand.resolve(h, realm);
            long t = TimeArg.parse(to, now);
            request = new ControlRequest.Undo(null, t, null, id.toString());
            target = Instant.ofEpochMilli(t).toString();
        }
        Progress progress = Progress.forStdout("items");
        JsonNode r = NodeClient.run(h, home.config(), request, false, p -> RealmCommand.showProgress(progress, p));
        progress.done();
        int changed = r.get("changed").asInt();
        if (lore != null) {
            System.out.println(changed == 0 ? "Lore " + lore + " is already as it was at " + target + "."
                : "Lore " + lore + " is back to " + target + "; the change syncs to every device.");
        } else {
            System.out.println(changed == 0 ? "Nothing in realm " + r.get("realm").asText().substring(0, 12) + " changed since "
                + target + "." : "Brought " + changed + " of " + r.get("examined").asInt() + " lore(s) and relation(s) of realm "
                + r.get("realm").asText().substring(0, 12) + " back to " + target + "; the change syncs to every device.");
        }
        return 0;
    }
}

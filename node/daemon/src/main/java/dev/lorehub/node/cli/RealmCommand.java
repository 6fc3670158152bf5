package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import dev.lorehub.node.runtime.RealmsReport;
import dev.lorehub.node.store.LoreTables;
import dev.lorehub.node.core.RealmRow;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code realm}: share, join, list and manage synced realms. */
@Command(name = "realm", description = "Share realms and manage who syncs them.",
    subcommands = {RealmCommand.Share.class, RealmCommand.Join.class, RealmCommand.ListRealms.class,
        RealmCommand.Members.class, RealmCommand.Grant.class, RealmCommand.Revoke.class, RealmCommand.Seal.class})
final class RealmCommand {
    @Command(name = "share", description = "Make a realm a synced realm with a fresh key (this device becomes its admin). "
        + "Default: the current directory's realm.")
    static final class Share implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The realm's directory (default: current)")
        Path dir;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            RealmRow local;
            try (NodeView view = NodeView.open(h)) {
                local = new LoreEditor(view.database()).realmFor(dir == null ? HomeOption.cwd() : dir, false);
            }
            Progress progress = Progress.forStdout("items");
            JsonNode r = NodeClient.run(h, home.config(), new ControlRequest.Share(local.id()),
                false, p -> showProgress(progress, p));
            progress.done();
            System.out.println("Shared realm " + local.name() + " (" + local.path() + ") as " + r.get("realm").asText() + ".");
            System.out.println("Grant it to a paired device with `lorehub-node realm grant DEVICE --role write`, or pair a new "
                + "device with `lorehub-node pair`.");
            return 0;
        }
    }

    @Command(name = "join", aliases = "map", description = "Map a synced realm shared with this device to a local directory "
        + "(an existing realm there, or a new one).")
    static final class Join implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", paramLabel = "REALM", description = "Realm id (or a unique prefix)")
        String realm;

        @Option(names = "--path", required = true, paramLabel = "DIR", description = "Directory of the project on this device")
        Path path;

        @Option(names = "--no-wait", description = "Do not follow the realm's initial sync from connected peers")
        boolean noWait;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            RealmId id;
            String dir = path.toAbsolutePath().normalize().toString();
            int local;
            int members;
            try (NodeView view = NodeView.open(h)) {
                id = view.realm(realm, HomeOption.cwd());
                local = localLores(view, dir);
                members = view.replica().membership(id).members().size();
            }
            if (local > 0) {
                // Joining adopts the project's existing lores into the shared realm: say so before doing it.
                System.out.println("The project at " + dir + " already has " + local + " lore(s) on this device; joining "
                    + "uploads them to realm " + id.toString().substring(0, 12) + ", where its " + members
                    + " member(s) will see them.");
            }
            Progress progress = Progress.forStdout("items");
            NodeClient.run(h, home.config(), new ControlRequest.MapRealm(id.toString(), dir), false, p -> showProgress(progress, p));
            progress.done();
            System.out.println("Realm " + id + " is now synced with " + dir + "."
                + (local > 0 ? " Uploaded " + local + " local lore(s)." : ""));
            if (!noWait) {
                InitialSync.follow(h, id, Progress.forStdout("events"), System.out);
            }
            return 0;
        }
    }

    /** How many lores lh already has for the project at {@code dir} on this device (0 if it has no realm there). */
    static int localLores(NodeView view, String dir) {
        try {
            LoreTables tables = new LoreTables(view.database().connection());
            Optional<RealmRow> existing = tables.realmByPath(dir);
            return existing.isEmpty() ? 0 : tables.loreIds(existing.get().id()).size();
        } catch (java.sql.SQLException e) {
            throw new NodeException("Cannot read the lores of " + dir + ": " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    /**
     * {@code realm list}. A running daemon builds the report ({@link RealmsReport}) and this process
     * opens no database; otherwise it is built here from a read-only look. The text is rendered from
     * the report, so both read the same.
     */
    @Command(name = "list", description = "List synced realms.")
    static final class ListRealms implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Option(names = "--json", description = "Print JSON instead of text: {\"realms\": [{\"id\", \"name\", \"role\" (read, write, "
            + "admin, relay, removed or null), \"joined\", \"path\"}]}")
        boolean json;

        @Override
        public Integer call() {
            NodeHome h = home.checkedHome();
            ObjectNode report = DaemonAnswer.report(h, new ControlRequest.Realms(), () -> {
                try (NodeQuery view = HomeOption.query(h)) {
                    return RealmsReport.build(view.database(), view.replica());
                }
            });
            if (json) {
                JsonOutput.print(report);
                return 0;
            }
            JsonNode realms = report.get("realms");
            if (realms.isEmpty()) {
                System.out.println("No synced realms: share one with `lorehub-node realm share`.");
            }
            for (JsonNode r : realms) {
                System.out.printf("%s  %-16s %-6s %s%n", r.get("id").asText(), r.get("name").asText(),
                    r.get("role").isNull() ? "-" : r.get("role").asText(),
                    r.get("path").isNull() ? "(not mapped)" : r.get("path").asText());
            }
            return 0;
        }
    }

    @Command(name = "members", description = "List a realm's members and roles.")
    static final class Members implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Option(names = "--realm", paramLabel = "REALM", description = "Realm id, name or directory (default: current directory's)")
        String realm;

        @Option(names = "--json", description = "Print JSON instead of text: {\"realm\", \"epoch\", \"members\": [{\"device\", "
            + "\"role\", \"name\", \"self\"}]}")
        boolean json;

        @Override
        public Integer call() {
            try (NodeView view = NodeView.open(home.checkedHome())) {
                RealmId id = view.realm(realm, HomeOption.cwd());
                Membership m = view.replica().membership(id);
                Map<String, String> names = new TreeMap<>();
                view.replica().peers().forEach(p -> names.put(p.device().toString(), p.displayName()));
                if (json) {
                    com.fasterxml.jackson.databind.node.ObjectNode out = JsonOutput.object().put("realm", id.toString())
                        .put("epoch", m.currentEpoch());
                    com.fasterxml.jackson.databind.node.ArrayNode list = out.putArray("members");
                    for (Membership.Member member : m.members().values()) {
                        boolean self = member.device().equals(view.replica().deviceId());
                        list.addObject().put("device", member.device().toString()).put("role", member.role().name().toLowerCase())
                            .put("name", self ? null : names.get(member.device().toString())).put("self", self);
                    }
                    JsonOutput.print(out);
                    return 0;
                }
                System.out.println("Realm " + id + ", key epoch " + m.currentEpoch());
                for (Membership.Member member : m.members().values()) {
                    String who = member.device().equals(view.replica().deviceId()) ? "(this device)"
                        : names.getOrDefault(member.device().toString(), "");
                    System.out.printf("  %-9s %-6s %s%n", member.device().shortForm(), member.role().name().toLowerCase(), who);
                }
            }
            return 0;
        }
    }

    @Command(name = "grant", description = "Give a paired device a role in a realm (read, write, admin, relay); also changes "
        + "a member's role.")
    static final class Grant implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", paramLabel = "DEVICE", description = "Device id or short form")
        String device;

        @Option(names = "--role", required = true, description = "read, write, admin or relay")
        String role;

        @Option(names = "--realm", paramLabel = "REALM", description = "Realm id, name or directory (default: current directory's)")
        String realm;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            RealmId id = resolve(h, realm);
            JsonNode r = NodeClient.run(h, home.config(), new ControlRequest.Grant(id.toString(), device, role),
                false, x -> { });
            System.out.println("Device " + r.get("device").asText() + " now has role " + r.get("role").asText()
                + " in realm " + id + ".");
            return 0;
        }
    }

    @Command(name = "revoke", description = "Remove a device from a realm and rotate the realm key: it can read nothing "
        + "written afterwards.")
    static final class Revoke implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", paramLabel = "DEVICE", description = "Device id or short form")
        String device;

        @Option(names = "--realm", paramLabel = "REALM", description = "Realm id, name or directory (default: current directory's)")
        String realm;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            RealmId id = resolve(h, realm);
            JsonNode r = NodeClient.run(h, home.config(), new ControlRequest.Revoke(id.toString(), device),
                false, x -> { });
            System.out.println("Removed " + r.get("device").asText() + " from realm " + id + "; new key epoch "
                + r.get("epoch").asInt() + ".");
            return 0;
        }
    }

    @Command(name = "seal", description = "For a realm synced before the upgrade: accept the events of the previous release "
        + "this device holds, and refuse every other event of that release's format from now on, wherever this seal "
        + "arrives (closes backdating by a device removed before the upgrade). Admins only. Admin devices seal by "
        + "themselves once every member has synced since the upgrade (or after 7 days); --no-auto turns that off here.")
    static final class Seal implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Option(names = "--realm", paramLabel = "REALM", description = "Realm id, name or directory (default: current directory's)")
        String realm;

        @Option(names = "--no-auto", description = "Do not seal; turn off the automatic seal on this device")
        boolean noAuto;

        @Option(names = "--auto", description = "Do not seal; turn the automatic seal back on on this device")
        boolean auto;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            if (noAuto || auto) {
                NodeClient.run(h, home.config(), new ControlRequest.AutoSeal(auto), false, x -> { });
                System.out.println(auto ? "This device seals realms of the previous release by itself again."
                    : "This device will not seal realms of the previous release by itself; `lorehub-node realm seal` still does.");
                return 0;
            }
            RealmId id = resolve(h, realm);
            JsonNode r = NodeClient.run(h, home.config(), new ControlRequest.Seal(id.toString()),
                false, x -> { });
            System.out.println("Sealed realm " + id + ": " + r.get("accepted").asInt() + " event(s) of the previous release accepted; "
                + "any other event of that format is refused wherever the seal arrives.");
            return 0;
        }
    }

    /** Draws a progress reply ({"progress":phase,"done":n,"total":m}) of a long operation. */
    static void showProgress(Progress progress, JsonNode reply) {
        if (reply.has("progress")) {
            progress.update(reply.get("progress").asText(), reply.path("done").asLong(), reply.path("total").asLong());
        }
    }

    static RealmId resolve(NodeHome h, String realm) {
        try (NodeView view = NodeView.open(h)) {
            return view.realm(realm, HomeOption.cwd());
        } catch (IllegalArgumentException e) {
            throw new NodeException(e.getMessage(), NodeException.Reason.USAGE);
        }
    }
}

package dev.lorehub.node.runtime;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.core.LoreRow;
import dev.lorehub.node.core.RealmRow;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The demo (README's main command): three nodes in one process, each with its own data
 * directory, bound to 127.0.0.1 and discovering each other by mDNS on loopback; they pair with
 * one-time codes, share a realm, write lores on each, edit one lore concurrently, and converge.
 * Nothing leaves loopback; everything is removed at the end.
 */
public final class Demo {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private final PrintStream out;
    private final List<NodeRuntime> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<LoreHubDatabase> lhs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean cleaned;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** Runs the demo; returns normally when all three nodes converged. */
    public void run() throws Exception {
        Path root = Files.createTempDirectory("lorehub-demo");
        // The directories hold three devices' secret keys: Ctrl-C (which runs shutdown hooks, not
        // finally blocks) must remove them too.
        Thread cleanup = new Thread(() -> cleanUp(root), "lorehub-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        long started = System.nanoTime();
        try {
            String[] names = {"ann-laptop", "ann-desktop", "bob-laptop"};
            for (String name : names) {
                NodeHome home = new NodeHome(root.resolve(name));
                NodeFiles.init(home, new SecureRandom());
                NodeConfig config = NodeConfig.defaults().loopbackOnly().withDisplayName(name);
                NodeRuntime node = NodeRuntime.start(home, config, System::currentTimeMillis);
                synchronized (this) {
                    if (cleaned) { // stopped (Ctrl-C) while this node was starting
                        node.close();
                        throw new NodeException("The demo was stopped.", NodeException.Reason.INTERNAL);
                    }
                    nodes.add(node);
                }
                lhs.add(LoreHubDatabase.open(home.database()));
                out.printf("started %-12s device %s, listening on %s%n", name, node.deviceId().shortForm(), node.address());
            }
            NodeRuntime ann = nodes.get(0);
            LoreEditor annLh = new LoreEditor(lhs.get(0));

            step("ann-laptop writes three lores in project 'api' and shares the realm");
            RealmRow api = annLh.realmFor(root.resolve("ann-laptop/projects/api"), true);
            annLh.add(api.id(), "Every HTTP call to the billing API goes through the retry helper", "Billing drops ~1% of requests",
                "decree", List.of("api", "billing"), List.of(), 90);
            annLh.add(api.id(), "Staging is reset every Monday at 06:00 UTC", null, "wisdom", List.of("ops"), List.of(), 80);
            String shared = annLh.add(api.id(), "Cache lookups time out after 200 ms", null, "constraint", List.of("cache"),
                List.of(), 70);
            await("ann-laptop captured its lores", () -> ann.withReplica((r, now) -> !r.hasPendingCapture()));
            RealmId realm = ann.withReplica((r, now) -> r.shareRealm(api.id(), now));
            out.println("  shared realm " + realm);

            for (int i = 1; i < 3; i++) {
                NodeRuntime joiner = nodes.get(i);
                step("pairing " + names[i] + " with ann-laptop by one-time code");
                PairingService.Invitation invitation = ann.pairing().invite(List.of(realm), Role.WRITE,
                    PairingService.CODE_LIFETIME);
                out.println("  ann-laptop shows code: " + invitation.code());
                PairingService.Paired joined = joiner.pairing().join(invitation.code(), null, Duration.ofSeconds(10))
                    .get(STEP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                PairingService.Paired invited = invitation.result().get(STEP_TIMEOUT.toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS);
                out.printf("  %s typed it: paired with %s, verification %s (ann-laptop sees %s)%n", names[i],
                    joined.displayName(), joined.verification(), invited.verification());
                await(names[i] + " learned of the realm", () -> joiner.withReplica((r, now) -> r.realms().containsKey(realm)));
                Path dir = root.resolve(names[i] + "/projects/api");
                joiner.withReplica((r, now) -> r.mapRealm(realm, dir.toString(), now));
                out.println("  " + names[i] + " mapped the realm to " + dir);
            }
            // the two later devices pair with each other too, so every device talks to every other
            step("pairing ann-desktop with bob-laptop");
            PairingService.Invitation third = nodes.get(1).pairing().invite(List.of(), Role.WRITE, PairingService.CODE_LIFETIME);
            nodes.get(2).pairing().join(third.code(), null, Duration.ofSeconds(10)).get(20, java.util.concurrent.TimeUnit.SECONDS);
            third.result().get(20, java.util.concurrent.TimeUnit.SECONDS);
            awaitConverged();

            step("each device writes a lore; lh-style writes are captured and pushed live");
            for (int i = 0; i < 3; i++) {
                LoreEditor lh = new LoreEditor(lhs.get(i));
                RealmRow local = lh.realmFor(root.resolve(names[i] + "/projects/api"), false);
                lh.add(local.id(), "Written on " + names[i] + ": deploys need a changelog entry", null, "requirement",
                    List.of("release"), List.of(), 75);
            }
            awaitConverged();

            step("ann-desktop and bob-laptop edit the same lore at the same moment");
            new LoreEditor(lhs.get(1)).edit(shared, "Cache lookups time out after 150 ms", null, null, null, null, null);
            new LoreEditor(lhs.get(2)).edit(shared, "Cache lookups time out after 500 ms", null, null, null, null, null);
            awaitConverged();

            step("converged: every device shows the same lores");
            printTable(new LoreEditor(lhs.get(2)), new LoreEditor(lhs.get(2)).realmFor(root.resolve("bob-laptop/projects/api"),
                false).id());
            for (int i = 0; i < 3; i++) {
                String digest = nodes.get(i).withReplica((r, now) -> r.digest());
                out.printf("  %-12s state digest %s%n", names[i], digest.substring(0, 16));
            }
            step("the recorded conflict (the same on every device)");
            List<LogRows.ConflictRow> conflicts = nodes.get(0).withReplica((r, now) -> r.conflicts());
            for (LogRows.ConflictRow c : conflicts) {
                out.println("  lore " + c.entity().substring(0, 8) + ", " + fieldName(c.field()) + " (" + c.type()
                    + "): every device shows \"" + c.winner() + "\" (latest writer) and keeps both versions:");
                for (var v : dev.lorehub.node.json.Json.MAPPER.readTree(c.versionsJson())) {
                    out.printf("    %s by %s: \"%s\"%n", v.get("at").asText(), v.get("author").asText().substring(0, 7),
                        v.get("value").asText());
                }
            }
            out.println("  resolve it with: lorehub-node resolve <lore> --keep mine|theirs|<version>");
            if (conflicts.isEmpty()) {
                out.println("  (the two edits merged cleanly)");
            }
            out.printf("%ndemo finished in %.1f s%n", (System.nanoTime() - started) / 1e9);
        } finally {
            cleanUp(root);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or ran) cleanUp, which is idempotent
            }
        }
    }

    /** Stops the nodes and removes the demo's directories, keys included; once, from whichever thread comes first. */
    private synchronized void cleanUp(Path root) {
        if (cleaned) {
            return;
        }
        cleaned = true;
        for (NodeRuntime n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // removing the files matters more
            }
        }
        for (LoreHubDatabase db : lhs) {
            try {
                db.close();
            } catch (RuntimeException e) {
                // as above
            }
        }
        delete(root);
    }

    private static String fieldName(int code) {
        return code == 0 ? "(whole lore)" : dev.lorehub.node.core.Field.ofCode(code).column();
    }

    private void printTable(LoreEditor lh, String realmId) {
        out.printf("  %-8s %-12s %-4s %s%n", "id", "type", "conf", "content");
        for (LoreRow l : lh.list(realmId)) {
            out.printf("  %-8s %-12s %-4d %s%n", l.id().substring(0, 8), l.type(), l.confidence(), l.content());
        }
    }

    private void step(String what) {
        out.println();
        out.println("== " + what);
    }

    private void awaitConverged() throws InterruptedException {
        try {
            awaitDigests();
        } catch (NodeException e) {
            for (NodeRuntime n : nodes) {
                out.println("  " + n.describe());
            }
            throw e;
        }
    }

    private void awaitDigests() throws InterruptedException {
        await("all devices converged", () -> {
            String first = null;
            for (NodeRuntime n : nodes) {
                if (!n.idle()) {
                    return false;
                }
                String d = n.withReplica((r, now) -> r.digest());
                if (first == null) {
                    first = d;
                } else if (!first.equals(d)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Polls {@code condition} every 50 ms, at most {@link #STEP_TIMEOUT}. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new NodeException("The demo timed out waiting until " + what + ".", NodeException.Reason.INTERNAL);
            }
            Thread.sleep(50);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}

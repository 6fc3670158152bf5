package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeHome;

import java.io.PrintStream;
import java.util.Optional;

/**
 * Follows a realm's initial sync from the connected peers (after {@code realm join}): the events
 * this device still lacks, as the running daemon's reconciliations counted them, until none is
 * left. Bounded: stops after ten minutes, or after a minute without progress.
 */
final class InitialSync {
    private static final long POLL_MILLIS = 500;
    private static final long MAX_MILLIS = 10 * 60_000;
    private static final long STALL_MILLIS = 60_000;

    private InitialSync() {
    }

    static void follow(NodeHome h, RealmId realm, Progress progress, PrintStream out) {
        if (!NodeClient.daemonRunning(h)) {
            return; // no daemon, no sync running: it happens when the node next starts
        }
        Optional<DashboardClient> client = DashboardClient.of(h);
        if (client.isEmpty()) {
            return;
        }
        long start = System.currentTimeMillis();
        long lastProgress = start;
        long total = -1;
        long lastLacking = -1;
        try {
            while (System.currentTimeMillis() - start < MAX_MILLIS) {
                Optional<JsonNode> snapshot = client.get().get("/api/snapshot");
                if (snapshot.isEmpty()) {
                    return;
                }
                long lacking = 0;
                int sharing = 0;
                boolean settled = true;
                for (JsonNode peer : snapshot.get().path("peers")) {
                    if (!peer.path("online").asBoolean()) {
                        continue;
                    }
                    for (JsonNode r : peer.path("realms")) {
                        if (r.path("realm").asText().equals(realm.toString())) {
                            sharing++;
                            lacking += r.path("weLack").asLong();
                            settled &= r.path("state").asText().equals("in sync") || r.path("state").asText().equals("behind")
                                && r.path("weLack").asLong() == 0;
                        }
                    }
                }
                if (sharing == 0) {
                    if (total < 0) {
                        out.println("No peer that shares this realm is connected now: its events arrive when one is.");
                    }
                    return;
                }
                if (settled) {
                    if (total > 0) {
                        progress.update("receiving the realm's events", total, total);
                        progress.done();
                    }
                    out.println("In sync with " + sharing + " connected peer(s).");
                    return;
                }
                total = Math.max(total, lacking);
                if (lacking != lastLacking) {
                    lastLacking = lacking;
                    lastProgress = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastProgress > STALL_MILLIS) {
                    progress.done();
                    out.println("No progress for a minute; the sync goes on in the node (see `lorehub-node dashboard`).");
                    return;
                }
                if (total > 0) {
                    progress.update("receiving the realm's events", total - lacking, total);
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        progress.done();
    }
}

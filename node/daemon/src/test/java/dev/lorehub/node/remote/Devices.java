package dev.lorehub.node.remote;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.testing.TestNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Real node cores (real SQLite files) sharing one realm, each syncing only through a remote: the
 * first device shares the realm and makes the others writers; they learn of it the way an accepted
 * invitation does, and map it, but never connect to each other.
 */
final class Devices implements AutoCloseable {
    final List<TestNode> nodes = new ArrayList<>();
    final List<RemoteSync> syncs = new ArrayList<>();
    final List<RemoteState> states = new ArrayList<>();
    final List<Remote> remotes = new ArrayList<>();
    final RealmId realm;
    final String localRealmOfFirst;
    long now = 1_764_000_000_000L;

    Devices(Path tmp, int count, int initialLores) throws Exception {
        for (int i = 0; i < count; i++) {
            nodes.add(new TestNode("d" + i, tmp, 100 + i));
        }
        TestNode first = nodes.get(0);
        localRealmOfFirst = first.lh.addRealm("api", "/home/ann/api");
        for (int i = 0; i < initialLores; i++) {
            first.lh.addLore(localRealmOfFirst, "lore number " + i + " about the api: the retry budget is " + i + " ms");
        }
        first.replica.captureLocalChanges(tick());
        realm = first.replica.shareRealm(localRealmOfFirst, tick());
        for (TestNode n : nodes.subList(1, nodes.size())) {
            first.replica.addMember(realm, n.replica.publicKeys(), Role.WRITE, tick());
            n.replica.acceptRealm(realm, first.id(), tick());
            n.replica.mapRealm(realm, "/home/" + n.name + "/api", tick());
        }
    }

    long tick() {
        return now += 1000;
    }

    /** Connects every device to its own handle on the remote. */
    Devices connect(Function<TestNode, Remote> open) {
        for (TestNode n : nodes) {
            Remote r = open.apply(n);
            RemoteState s = RemoteState.open(n.dir.resolve("lorehub.db"));
            remotes.add(r);
            states.add(s);
            syncs.add(new RemoteSync(r, ReplicaEvents.direct(n.replica), s, 30_000, Backoff.DEFAULT));
        }
        return this;
    }

    TestNode node(int i) {
        return nodes.get(i);
    }

    /** Captures what lh wrote on device i, then runs one round with the remote. */
    RoundResult round(int i) {
        nodes.get(i).replica.captureLocalChanges(tick());
        return syncs.get(i).round(tick());
    }

    /** Rounds on every device until none moves anything (bounded). */
    void settle() {
        for (int pass = 0; pass < 10; pass++) {
            boolean idle = true;
            for (int i = 0; i < nodes.size(); i++) {
                RoundResult r = round(i);
                if (!r.tampering().isEmpty()) {
                    throw new AssertionError("tampering reported: " + r.tampering());
                }
                idle &= r.idle();
            }
            if (idle) {
                return;
            }
        }
        throw new AssertionError("rounds did not settle within 10 passes");
    }

    long events(int i) {
        try {
            return nodes.get(i).replica.events().count(realm);
        } catch (dev.lorehub.node.core.StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    String lores(int i) throws Exception {
        return nodes.get(i).lh.queryString("SELECT count(*) FROM lores");
    }

    Map<String, Position> positions(int i) {
        return states.get(i).positions(remotes.get(i).name(), realm);
    }

    @Override
    public void close() throws Exception {
        for (Remote r : remotes) {
            r.close();
        }
        for (RemoteState s : states) {
            s.close();
        }
        for (TestNode n : nodes) {
            n.close();
        }
    }
}

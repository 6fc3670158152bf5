package dev.lorehub.node.testing;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture of tests that run several {@link TestNode}s in one process: a temporary directory, a
 * manual clock that starts at a fixed instant, and nodes closed after each test. Extend it; move
 * the clock with {@link #tick()} (one second) or by changing {@link #now} directly.
 */
public abstract class NodesFixture {
    @TempDir
    protected Path tmp;
    /** Wall-clock milliseconds the test hands to the nodes. */
    protected long now = 1_764_000_000_000L;
    private final List<TestNode> nodes = new ArrayList<>();

    /** Moves the clock one second on and returns it. */
    protected long tick() {
        return now += 1000;
    }

    /** A new node on its own SQLite files under the temporary directory, closed after the test. */
    protected TestNode node(String name, long seed) {
        TestNode n = new TestNode(name, tmp, seed);
        nodes.add(n);
        return n;
    }

    /**
     * Three nodes in one synced realm: the founder shared lh's realm "api" (holding one lore) and
     * added "writer" and "member" with the write role; both mapped it and are in sync with it.
     *
     * @param founderLocal the founder's lh realm id
     */
    protected record Trio(TestNode founder, TestNode writer, TestNode member, RealmId realm, String founderLocal) {
    }

    /** Sets up a {@link Trio} (nodes seeded 1, 2 and 3; the clock moves a few seconds). */
    protected Trio foundedRealmWithTwoWriters() throws Exception {
        TestNode founder = node("founder", 1);
        TestNode writer = node("writer", 2);
        TestNode member = node("member", 3);
        String local = founder.lh.addRealm("api", "/f/api");
        founder.lh.addLore(local, "a first lore");
        founder.replica.captureLocalChanges(tick());
        RealmId realm = founder.replica.shareRealm(local, tick());
        for (TestNode n : List.of(writer, member)) {
            founder.replica.addMember(realm, n.replica.publicKeys(), Role.WRITE, tick());
        }
        for (TestNode n : List.of(writer, member)) {
            Pipe.connect(founder, n, tick());
            n.replica.mapRealm(realm, "/" + n.name + "/api", tick());
            Pipe.connect(founder, n, tick());
        }
        return new Trio(founder, writer, member, realm, local);
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (TestNode n : nodes) {
            n.close();
        }
    }
}

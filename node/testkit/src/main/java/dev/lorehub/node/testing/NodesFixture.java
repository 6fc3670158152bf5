package dev.lorehub.node.testing;

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

    @AfterEach
    void closeNodes() throws Exception {
        for (TestNode n : nodes) {
            n.close();
        }
    }
}

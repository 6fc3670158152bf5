package dev.lorehub.node.upgrade;

import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.SessionConfig;
import dev.lorehub.node.sync.SyncCodec;
import dev.lorehub.node.sync.SyncMessage;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A peer still on the last release (protocol 1, body format 1) meets an upgraded node: the session
 * ends at Hello with a message naming both version ranges, and neither side's data changes. The
 * last release checks the same way (SyncSession.onHello of 346ad19: "no common protocol version:
 * this node speaks 1..1, the peer speaks 2..2; upgrade the older node").
 *
 * <p>Needs the protocol bump that goes with the format change (SyncSession.MIN_VERSION = MAX_VERSION
 * = 2, in sync/, the lead's): skipped, saying so, until then.
 */
class ProtocolVersionTest {
    /** What the last release sends: Hello 1..1. */
    static final int RELEASED = 1;

    @TempDir
    Path dir;

    @Test
    void aPeerOnTheLastReleaseIsToldBothVersionsAndNothingChanges() throws Exception {
        assumeTrue(SyncSession.MIN_VERSION > RELEASED, "the sync protocol version is still " + SyncSession.MIN_VERSION + ".."
            + SyncSession.MAX_VERSION + ": the lead bumps it to 2..2 with the format-2 events (see the h-recover report)");
        try (TestNode a = new TestNode("a", dir, 1); TestNode old = new TestNode("old", dir, 2)) {
            a.replica.shareRealm(a.lh.addRealm("api", "/a/api"), System.currentTimeMillis());
            String before = a.digest();
            SyncSession session = new SyncSession(a.store, SessionConfig.defaults(), false, old.id());
            session.start(System.currentTimeMillis());
            byte[] hello = new SyncCodec().encode(new SyncMessage.Hello(RELEASED, RELEASED, old.id(), 0, 1 << 20, List.of()));
            session.onFrame(hello, System.currentTimeMillis());
            assertThat(session.isClosed()).isTrue();
            assertThat(session.closeReason()).isEqualTo(CloseReason.VERSION_MISMATCH);
            assertThat(session.closeMessage()).contains(RELEASED + ".." + RELEASED)
                .contains(SyncSession.MIN_VERSION + ".." + SyncSession.MAX_VERSION).contains("upgrade");
            assertThat(a.digest()).isEqualTo(before);
        }
    }
}

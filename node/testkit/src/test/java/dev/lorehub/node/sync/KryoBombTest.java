package dev.lorehub.node.sync;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventCodec;
import dev.lorehub.node.core.EventFormatException;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Decoding never instantiates a type outside the project's registered set: Kryo's built-in
 * registrations (String, primitives, ...) are refused by class id before any of their serializers
 * runs, so an untrusted length prefix never sizes an allocation.
 */
class KryoBombTest {
    /** Generous for an exception and its stack trace; the bomb asks for 4 GiB. */
    private static final long FEW_KILOBYTES = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void theSixByteStringFrameIsRefusedWithoutAllocating() {
        SyncCodec codec = new SyncCodec();
        assertThatThrownBy(() -> codec.decode(new byte[] {0x03, 0x00})).isInstanceOf(MalformedFrameException.class); // warm up
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> codec.decode(KryoBombs.STRING_BOMB))
            .isInstanceOf(MalformedFrameException.class).hasMessageContaining("type"));
        assertThat(allocated).isLessThan(FEW_KILOBYTES);
    }

    @Test
    void theStringBombInsideAnEnvelopeBodyIsRefusedWithoutAllocating() {
        byte[] sealed = KryoBombs.envelopeWithBombBody(RealmId.fromBytes(new byte[RealmId.LENGTH]));
        assertThat(sealed).hasSize(152);
        byte[] body = SealedEnvelope.open(sealed, (r, e) -> Optional.empty()).plaintext();
        EventCodec codec = new EventCodec();
        assertThatThrownBy(() -> codec.decode(new byte[] {0x03, 0x00})).isInstanceOf(EventFormatException.class); // warm up
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> codec.decode(body))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("type"));
        assertThat(allocated).isLessThan(FEW_KILOBYTES);
    }

    @Test
    void everyClassIdOutsideTheProjectsRegistrationsIsRefused() {
        SyncCodec sync = new SyncCodec();
        EventCodec events = new EventCodec();
        for (int classId = 0; classId < 128; classId++) {
            byte[] input = {(byte) classId, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3};
            if (classId < 42 || classId > 48) { // SyncMessage: registration ids 40..46, written + 2
                assertThatThrownBy(() -> sync.decode(input)).as("sync class id %d", classId)
                    .isInstanceOf(MalformedFrameException.class);
            }
            if (classId != 22 && classId != 23) { // EntityChange 20, MembershipChange 21, written + 2
                assertThatThrownBy(() -> events.decode(input)).as("event class id %d", classId)
                    .isInstanceOf(EventFormatException.class);
            }
        }
    }

    @Test
    void aSessionFedTheBombClosesAsMalformed() throws Exception {
        try (TestNode a = new TestNode("a", tmp, 1); TestNode b = new TestNode("b", tmp, 2)) {
            SyncSession session = new SyncSession(a.store, SessionConfig.defaults(), false, b.id());
            session.start(1_000);
            session.onFrame(KryoBombs.STRING_BOMB, 1_001);
            assertThat(session.closeReason()).isEqualTo(CloseReason.MALFORMED);
            assertThat(new SyncCodec().decode(session.pollFrame())).isInstanceOf(SyncMessage.Close.class);
        }
    }

    /** A store that fails with an Error (not an exception) while ingesting: the session still ends cleanly. */
    @Test
    void anErrorWhileHandlingAFrameEndsOnlyTheSessionWithATypedReason() throws Exception {
        try (TestNode a = new TestNode("a", tmp, 1); TestNode b = new TestNode("b", tmp, 2)) {
            String local = a.lh.addRealm("api", "/home/ann/api");
            a.lh.addLore(local, "one lore");
            a.replica.captureLocalChanges(1_000);
            RealmId realm = a.replica.shareRealm(local, 2_000);
            a.replica.addMember(realm, b.replica.publicKeys(), dev.lorehub.node.core.Role.WRITE, 3_000);
            SyncStore failing = new DelegatingStore(b.store) {
                @Override
                public dev.lorehub.node.core.IngestResult ingest(dev.lorehub.crypto.DeviceId peer, List<byte[]> events,
                                                                 long now) {
                    throw new OutOfMemoryError("Java heap space");
                }
            };
            SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
            SyncSession sb = new SyncSession(failing, SessionConfig.defaults(), false, a.id());
            sa.start(4_000);
            sb.start(4_000);
            dev.lorehub.node.testing.Pipe.run(sa, sb, 4_000);
            assertThat(sb.closeReason()).isEqualTo(CloseReason.INTERNAL);
            assertThat(sb.closeMessage()).contains("out of memory").contains("Events");
            assertThat(sa.closedByPeer()).isTrue();
        }
    }

    /** Passes everything through to a real store; tests override what should fail. */
    static class DelegatingStore implements SyncStore {
        private final SyncStore delegate;

        DelegatingStore(SyncStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public dev.lorehub.crypto.DeviceId self() {
            return delegate.self();
        }

        @Override
        public List<RealmOffer> offersFor(dev.lorehub.crypto.DeviceId peer) {
            return delegate.offersFor(peer);
        }

        @Override
        public boolean accept(dev.lorehub.crypto.DeviceId peer, RealmId realm, dev.lorehub.crypto.DeviceId founder, long now) {
            return delegate.accept(peer, realm, founder, now);
        }

        @Override
        public Reconciliation initiate(RealmId realm) {
            return delegate.initiate(realm);
        }

        @Override
        public Reconciliation respond(RealmId realm) {
            return delegate.respond(realm);
        }

        @Override
        public java.util.Set<dev.lorehub.node.core.EventId> membershipEvents(RealmId realm) {
            return delegate.membershipEvents(realm);
        }

        @Override
        public boolean has(dev.lorehub.node.core.EventId id) {
            return delegate.has(id);
        }

        @Override
        public Optional<byte[]> sealed(dev.lorehub.node.core.EventId id) {
            return delegate.sealed(id);
        }

        @Override
        public boolean joined(RealmId realm) {
            return delegate.joined(realm);
        }

        @Override
        public dev.lorehub.node.core.IngestResult ingest(dev.lorehub.crypto.DeviceId peer, List<byte[]> events, long now) {
            return delegate.ingest(peer, events, now);
        }
    }

    /** The README runs the node with -Xmx96m: there, the bomb must be refused, not run out of memory. */
    @Test
    void underTheReadmesHeapBothBombsAreRefusedWithoutOutOfMemory() throws Exception {
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", testClasspath(), KryoBombMain.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = child.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ended).as("child JVM finished within 60 s; output: %s", output).isTrue();
        assertThat(output).doesNotContain("out of memory").contains("refused frame").contains("refused body of a 152-byte envelope");
        assertThat(child.exitValue()).as(output).isZero();
    }

    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Bytes this thread allocated while running {@code work} (HotSpot's per-thread counter). */
    private static long allocatedBy(Runnable work) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeThat(bean).as("per-thread allocation counters (HotSpot)").isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeThat(threads.isThreadAllocatedMemorySupported()).as("per-thread allocation counters").isTrue();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        work.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}

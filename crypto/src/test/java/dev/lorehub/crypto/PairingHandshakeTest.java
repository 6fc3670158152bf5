package dev.lorehub.crypto;

import dev.lorehub.crypto.PairingHandshake.FailureReason;
import dev.lorehub.crypto.PairingHandshake.Role;
import dev.lorehub.crypto.PairingHandshake.State;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairingHandshakeTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final PairingCode CODE = PairingCode.parse("42-olive-tunnel-ember");

    /** One device: identity, certificate, record. */
    private record Device(DeviceIdentity identity, TlsIdentity tls, DeviceRecord record) {
        static Device create(long seed, String name) {
            SecureRandom r = SeededRandom.of(seed);
            DeviceIdentity id = DeviceIdentity.generate(r);
            return new Device(id, TlsIdentity.create(id, NOW, r), DeviceRecord.create(id, name));
        }

        byte[] fp() {
            return tls.fingerprint();
        }
    }

    private final Device alice = Device.create(81, "alice-laptop");
    private final Device bob = Device.create(82, "bob-desktop");

    private PairingHandshake inviter(PairingCode code, byte[] seenPeerFp) {
        return PairingHandshake.start(Role.INVITER, code, alice.fp(), seenPeerFp, alice.record(), SeededRandom.of(1));
    }

    private PairingHandshake joiner(PairingCode code, byte[] seenPeerFp) {
        return PairingHandshake.start(Role.JOINER, code, bob.fp(), seenPeerFp, bob.record(), SeededRandom.of(2));
    }

    /** Delivers messages alternately until both are quiet; {@code tamper} may change any message in flight. Returns the wire log. */
    private static List<byte[]> run(PairingHandshake joiner, PairingHandshake inviter, UnaryOperator<byte[]> tamper) {
        List<byte[]> log = new ArrayList<>();
        Deque<byte[]> toInviter = new ArrayDeque<>(joiner.initialMessages());
        Deque<byte[]> toJoiner = new ArrayDeque<>(inviter.initialMessages());
        for (int round = 0; round < 20 && !(toInviter.isEmpty() && toJoiner.isEmpty()); round++) {
            if (!toInviter.isEmpty()) {
                byte[] m = tamper.apply(toInviter.poll());
                log.add(m);
                toJoiner.addAll(inviter.onMessage(m));
            }
            if (!toJoiner.isEmpty()) {
                byte[] m = tamper.apply(toJoiner.poll());
                log.add(m);
                toInviter.addAll(joiner.onMessage(m));
            }
        }
        return log;
    }

    private static List<byte[]> run(PairingHandshake joiner, PairingHandshake inviter) {
        return run(joiner, inviter, UnaryOperator.identity());
    }

    @Test
    void sameCodeBothSucceedWithEachOthersRecordAndTheSameVerificationString() {
        PairingHandshake i = inviter(CODE, bob.fp());
        PairingHandshake j = joiner(CODE, alice.fp());
        assertThat(i.initialMessages()).isEmpty();
        assertThat(j.initialMessages()).hasSize(1);
        List<byte[]> log = run(j, i);

        assertThat(log).hasSize(5);
        assertThat(i.state()).isEqualTo(State.SUCCEEDED);
        assertThat(j.state()).isEqualTo(State.SUCCEEDED);
        assertThat(i.peer()).isEqualTo(bob.record());
        assertThat(j.peer()).isEqualTo(alice.record());
        assertThat(i.verificationString()).matches("\\d{3} \\d{3}").isEqualTo(j.verificationString());
        // what the caller checks before pinning: the record belongs to the certificate on the connection
        assertThat(TlsIdentity.deviceIdOf(bob.tls().certificate())).isEqualTo(i.peer().id());
        for (byte[] m : log) {
            assertThat(m.length).isLessThanOrEqualTo(PairingHandshake.MAX_MESSAGE);
        }
    }

    @Test
    void sameSeedsSameBytes() {
        List<byte[]> one = run(joiner(CODE, alice.fp()), inviter(CODE, bob.fp()));
        List<byte[]> two = run(joiner(CODE, alice.fp()), inviter(CODE, bob.fp()));
        assertThat(two).hasSameSizeAs(one);
        for (int k = 0; k < one.size(); k++) {
            assertThat(two.get(k)).isEqualTo(one.get(k));
        }
    }

    @Test
    void codeOneCharacterOffBothFailWithWrongCode() {
        // A one-letter typo in a word never parses (see PairingCodeTest); a one-digit slip in the
        // number does, and is caught by key confirmation.
        PairingHandshake i = inviter(CODE, bob.fp());
        PairingHandshake j = joiner(PairingCode.parse("43-olive-tunnel-ember"), alice.fp());
        run(j, i);
        assertThat(i.state()).isEqualTo(State.FAILED);
        assertThat(j.state()).isEqualTo(State.FAILED);
        assertThat(i.failureReason()).isEqualTo(FailureReason.WRONG_CODE);
        assertThat(j.failureReason()).isEqualTo(FailureReason.WRONG_CODE);
        assertThat(i.failureMessage()).contains("codes on the two devices differ");
        assertThat(j.failureMessage()).contains("codes on the two devices differ");
        assertThatThrownBy(i::peer).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anotherWordBothFailWithWrongCode() {
        PairingHandshake i = inviter(CODE, bob.fp());
        PairingHandshake j = joiner(PairingCode.parse("42-olive-tunnel-zebra"), alice.fp());
        run(j, i);
        assertThat(i.failureReason()).isEqualTo(FailureReason.WRONG_CODE);
        assertThat(j.failureReason()).isEqualTo(FailureReason.WRONG_CODE);
    }

    @Test
    void aRelayInTheMiddleMakesBothFail() {
        // The relay terminates TLS on both sides with its own certificates, so each device sees a
        // relay certificate as its peer; it forwards the pairing bytes unchanged.
        Device relay = Device.create(83, "relay");
        byte[] relaySeenByAlice = relay.fp();
        byte[] relaySeenByBob = TlsIdentity.create(relay.identity(), NOW, SeededRandom.of(99)).fingerprint();
        PairingHandshake i = inviter(CODE, relaySeenByAlice);
        PairingHandshake j = joiner(CODE, relaySeenByBob);
        run(j, i);
        assertThat(i.state()).isEqualTo(State.FAILED);
        assertThat(j.state()).isEqualTo(State.FAILED);
        assertThat(i.failureReason()).isEqualTo(FailureReason.TAMPERED);
        assertThat(j.failureReason()).isEqualTo(FailureReason.TAMPERED);
        assertThat(i.failureMessage()).contains("relaying");
    }

    @Test
    void aFingerprintMismatchOnEitherSideMakesBothFail() {
        byte[] other = new byte[32];
        PairingHandshake i1 = inviter(CODE, bob.fp());
        PairingHandshake j1 = joiner(CODE, other);
        run(j1, i1);
        assertThat(i1.state()).isEqualTo(State.FAILED);
        assertThat(j1.state()).isEqualTo(State.FAILED);

        PairingHandshake i2 = inviter(CODE, other);
        PairingHandshake j2 = joiner(CODE, alice.fp());
        run(j2, i2);
        assertThat(i2.state()).isEqualTo(State.FAILED);
        assertThat(j2.state()).isEqualTo(State.FAILED);
    }

    @Test
    void aReplayedMessageFails() {
        PairingHandshake i = inviter(CODE, bob.fp());
        PairingHandshake j = joiner(CODE, alice.fp());
        byte[] hello = j.initialMessages().get(0);
        byte[] inviterHello = i.onMessage(hello).get(0);
        List<byte[]> reply = i.onMessage(hello); // the same JOINER_HELLO again
        assertThat(i.state()).isEqualTo(State.FAILED);
        assertThat(i.failureReason()).isEqualTo(FailureReason.OUT_OF_ORDER);
        assertThat(reply).hasSize(1);
        assertThat(j.onMessage(reply.get(0))).isEmpty(); // the ABORT: joiner fails too, says nothing back
        assertThat(j.state()).isEqualTo(State.FAILED);
        assertThat(j.failureReason()).isEqualTo(FailureReason.OUT_OF_ORDER);
        // and after failing, further (even valid) input is refused
        assertThat(j.onMessage(inviterHello)).isEmpty();
        assertThat(j.state()).isEqualTo(State.FAILED);
        assertThat(j.failureReason()).isEqualTo(FailureReason.OUT_OF_ORDER);
    }

    @Test
    void aReorderedMessageFails() {
        // The joiner gets an INVITER_CONFIRM (from another run) before the INVITER_HELLO it waits for.
        List<byte[]> otherRun = run(joiner(CODE, alice.fp()), inviter(CODE, bob.fp()));
        byte[] confirm = otherRun.get(3);
        PairingHandshake j = joiner(CODE, alice.fp());
        List<byte[]> reply = j.onMessage(confirm);
        assertThat(j.failureReason()).isEqualTo(FailureReason.OUT_OF_ORDER);
        assertThat(reply).hasSize(1);
    }

    @Test
    void aMessageFromAnotherSessionDoesNotComplete() {
        // A joiner's hello replayed into a new inviter session passes the proofs (same identity),
        // but the session cannot complete without the joiner's secrets of that session.
        PairingHandshake oldJoiner = joiner(CODE, alice.fp());
        byte[] oldHello = oldJoiner.initialMessages().get(0);
        PairingHandshake i = inviter(CODE, bob.fp());
        PairingHandshake j = PairingHandshake.start(Role.JOINER, CODE, bob.fp(), alice.fp(), bob.record(), SeededRandom.of(77));
        byte[] inviterHello = i.onMessage(oldHello).get(0);
        List<byte[]> fromJ = j.onMessage(inviterHello);
        assertThat(j.state()).isEqualTo(State.FAILED); // its own hello was never answered: proofs do not match
        assertThat(i.onMessage(fromJ.get(0))).isEmpty();
        assertThat(i.state()).isEqualTo(State.FAILED);
    }

    @Test
    void tamperingWithAnyMessageMakesItsReceiverFailAndTheOtherSideFailToo() {
        int runs = 0;
        for (int target = 0; target < 5; target++) {
            for (int sample = 0; sample < 12; sample++) {
                int t = target;
                int s = sample;
                int[] count = {0};
                PairingHandshake i = inviter(CODE, bob.fp());
                PairingHandshake j = joiner(CODE, alice.fp());
                run(j, i, m -> {
                    if (count[0]++ != t) {
                        return m;
                    }
                    byte[] c = m.clone();
                    int pos = 2 + (int) ((long) s * (c.length - 2) / 12);
                    c[pos] ^= 0x01;
                    return c;
                });
                runs++;
                boolean lastMessage = t == 4;
                assertThat(i.state()).as("message %d, sample %d", t, s).isEqualTo(State.FAILED);
                // The joiner finishes when it sends the last message; it cannot learn that message was spoiled.
                assertThat(j.state()).as("message %d, sample %d", t, s).isEqualTo(lastMessage ? State.SUCCEEDED : State.FAILED);
            }
        }
        assertThat(runs).isEqualTo(60);
    }

    @Test
    void garbageIsAProtocolErrorNeverAnException() {
        for (byte[] garbage : List.of(new byte[0], new byte[] {1}, new byte[] {9, 1, 0}, new byte[] {1, 1, 5, 5, 5},
            new byte[PairingHandshake.MAX_MESSAGE + 1], new byte[] {1, 0x7F, 1, 2})) {
            PairingHandshake i = inviter(CODE, bob.fp());
            List<byte[]> reply = i.onMessage(garbage);
            assertThat(i.state()).isEqualTo(State.FAILED);
            assertThat(i.failureReason()).isEqualTo(FailureReason.PROTOCOL_ERROR);
            assertThat(reply.size()).isLessThanOrEqualTo(1);
        }
        PairingHandshake i = inviter(CODE, bob.fp());
        i.onMessage(null);
        assertThat(i.failureReason()).isEqualTo(FailureReason.PROTOCOL_ERROR);
    }

    @Test
    void gettersOnlyInTheirState() {
        PairingHandshake i = inviter(CODE, bob.fp());
        assertThat(i.state()).isEqualTo(State.IN_PROGRESS);
        assertThat(i.role()).isEqualTo(Role.INVITER);
        assertThatThrownBy(i::peer).isInstanceOf(IllegalStateException.class).hasMessageContaining("IN_PROGRESS");
        assertThatThrownBy(i::verificationString).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(i::failureReason).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PairingHandshake.start(Role.JOINER, CODE, new byte[31], alice.fp(), bob.record(), SeededRandom.of(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32-byte");
    }
}

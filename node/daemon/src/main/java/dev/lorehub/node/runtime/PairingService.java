package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.InvalidPairingCodeException;
import dev.lorehub.crypto.PairingCode;
import dev.lorehub.crypto.PairingHandshake;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.discovery.PairingAdvertisement;
import dev.lorehub.discovery.PairingCandidate;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.endpoint.PeerAddress;
import dev.lorehub.node.transport.ListeningEndpoint;
import dev.lorehub.node.transport.PeerConnection;
import dev.lorehub.node.transport.TransportMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pairing by one-time code (DESIGN.md §6, issue 7). The inviter prints a code, opens a listener
 * in pairing mode and advertises only the code's nameplate; the joiner finds it by nameplate (or
 * is given {@code host:port}), connects over TLS and both run the EC J-PAKE handshake bound to the
 * certificates seen on that connection. On success both pin each other and the inviter grants the
 * realms it chose. The code allows one attempt and expires; any failure burns it, on both sides.
 *
 * <p>Before its first handshake message each side sends one more frame on the pairing
 * connection, {@code "lhsync-sync-port-v1" || u16 port}: the TCP port its sync server listens on
 * (not sent when unknown). It cannot be a handshake message (those start with the version byte
 * 0x01), and it is believed only once the handshake succeeded on that connection, whose TLS
 * certificates the handshake binds: then it comes from the paired device. The peer's address on
 * the pairing connection with that port is remembered for the device and dialed, now and after
 * every restart ({@link PeerAddresses}), so devices paired with {@code --peer} where mDNS is
 * blocked find each other again.
 *
 * <p>Handshake state lives on the node thread; {@link #invite} and {@link #join} may be called
 * from any other thread and return futures.
 */
public final class PairingService {
    /** How long a code stays valid. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(PairingService.class);

    /** The frame announcing the sync port: this prefix, then the port as two bytes, big-endian. */
    static final byte[] SYNC_PORT_MAGIC = "lhsync-sync-port-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final NodeRuntime runtime;
    private Invitation open;
    private Attempt joining;
    /** Where a node run just for a command accepts pairing connections (null: the configured "bind"). */
    private String pairingBind;
    /** The sync port to announce (-1: the one this node listens on; 0: none). */
    private int announcedPort = -1;

    PairingService(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    /** A successful pairing. */
    public record Paired(DeviceId peer, String displayName, String verification, List<RealmId> granted) {
    }

    /** An open code, and the outcome once someone uses it. */
    public static final class Invitation {
        private final PairingCode code;
        private final List<RealmId> realms;
        private final Role role;
        private final CompletableFuture<Paired> result = new CompletableFuture<>();
        private ListeningEndpoint endpoint;
        private PairingAdvertisement advert;
        private ScheduledFuture<?> expiry;
        private Attempt attempt;

        Invitation(PairingCode code, List<RealmId> realms, Role role) {
            this.code = code;
            this.realms = List.copyOf(realms);
            this.role = role;
        }

        /** The code to type on the other device. */
        public String code() {
            return code.toString();
        }

        /** Completes when the code was used: with the peer, or exceptionally with a {@link NodeException}. */
        public CompletableFuture<Paired> result() {
            return result;
        }

        /** Where joiners can reach this invitation (for {@code --peer}). */
        public InetSocketAddress address() {
            return endpoint.address();
        }
    }

    /** A handshake on one pairing connection. */
    private static final class Attempt {
        final PeerConnection connection;
        final PairingHandshake handshake;
        final CompletableFuture<Paired> result;
        final Invitation invitation;
        /** The sync port the peer announced on this connection, 0 if none. */
        int peerSyncPort;

        Attempt(PeerConnection connection, PairingHandshake handshake, CompletableFuture<Paired> result, Invitation invitation) {
            this.connection = connection;
            this.handshake = handshake;
            this.result = result;
            this.invitation = invitation;
        }
    }

    /** The joining side before its connection opens. */
    private record PendingJoin(PairingCode code, CompletableFuture<Paired> result) {
    }

    private PendingJoin pendingJoin;

    /**
     * For a node started just for one command, whose own sync server listens on loopback only:
     * accept pairing connections on {@code bind} (the configured address) and announce
     * {@code syncPort} (the port the daemon will listen on; 0 announces nothing).
     */
    public void reachableAt(String bind, int syncPort) {
        runtime.call(() -> {
            pairingBind = bind;
            announcedPort = syncPort;
            return null;
        });
    }

    /**
     * Opens a one-time code that grants {@code realms} with {@code role} to the device that uses
     * it. Only one code is open at a time.
     */
    public Invitation invite(List<RealmId> realms, Role role, Duration lifetime) {
        return runtime.call(() -> {
            if (open != null && !open.result.isDone()) {
                throw new NodeException("A pairing code is already open (" + open.code().substring(0, open.code().indexOf('-'))
                    + "-…): use it, or wait for it to expire.", NodeException.Reason.PAIRING);
            }
            for (RealmId realm : realms) {
                if (runtime.replica().membership(realm).role(runtime.deviceId()).orElse(null) != Role.ADMIN) {
                    throw new NodeException("This device is not an admin of realm " + realm + ", so it cannot grant it.",
                        NodeException.Reason.REFUSED);
                }
            }
            Invitation inv = new Invitation(PairingCode.generate(runtime.random()), realms, role);
            InetAddress bind = InetAddress.getByName(pairingBind != null ? pairingBind : runtime.config().bind().get(0));
            inv.endpoint = runtime.transport().listen(new InetSocketAddress(bind, 0), TransportMode.PAIRING);
            inv.advert = runtime.discovery().advertisePairing(inv.code.nameplate(), inv.endpoint.address().getPort());
            inv.expiry = runtime.schedule(() -> fail(inv, null, "the code expired after " + lifetime.toMinutes()
                + " minutes: run `lorehub-node pair` again for a new one"), lifetime.toMillis());
            open = inv;
            LOG.info("Pairing code open; advertising nameplate {} on port {}", inv.code.nameplate(),
                inv.endpoint.address().getPort());
            return inv;
        });
    }

    /**
     * Uses a code typed by the user: finds the inviter by the code's nameplate (or dials
     * {@code peer} when given) and pairs.
     *
     * @throws NodeException at once for a malformed code
     */
    public CompletableFuture<Paired> join(String codeText, InetSocketAddress peer, Duration lookupTimeout) {
        PairingCode code;
        try {
            code = PairingCode.parse(codeText);
        } catch (InvalidPairingCodeException e) {
            throw new NodeException("That pairing code is not valid: " + e.getMessage(), NodeException.Reason.USAGE);
        }
        InetSocketAddress address = peer != null ? peer : find(code, lookupTimeout);
        CompletableFuture<Paired> result = new CompletableFuture<>();
        runtime.call(() -> {
            if (pendingJoin != null || joining != null) {
                throw new NodeException("A pairing is already in progress on this node.", NodeException.Reason.PAIRING);
            }
            pendingJoin = new PendingJoin(code, result);
            return null;
        });
        runtime.transport().connectOnce(address, TransportMode.PAIRING, null).whenComplete((c, failure) -> {
            if (failure != null) {
                runtime.later(() -> {
                    if (pendingJoin != null && pendingJoin.result == result) {
                        pendingJoin = null;
                    }
                });
                result.completeExceptionally(new NodeException("Cannot reach the inviting device at " + address + ": "
                    + rootMessage(failure) + ". Check it still shows the code.", NodeException.Reason.NETWORK));
            }
        });
        return result;
    }

    private InetSocketAddress find(PairingCode code, Duration timeout) {
        List<PairingCandidate> found;
        try {
            found = runtime.discovery().lookupPairing(code.nameplate(), timeout).get(timeout.toMillis() + 2_000,
                TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted", NodeException.Reason.INTERNAL);
        } catch (ExecutionException | TimeoutException e) {
            found = List.of();
        }
        if (found.isEmpty()) {
            throw new NodeException("No device on this network is offering pairing code " + code.nameplate() + "-…: check "
                + "that both devices are on the same network and the code is still open, or give the inviter's address with "
                + "--peer host:port.", NodeException.Reason.NETWORK);
        }
        if (found.size() > 1) {
            List<String> who = new ArrayList<>();
            found.forEach(c -> who.add(c.address().toString()));
            throw new NodeException("Several devices offer nameplate " + code.nameplate() + " (" + String.join(", ", who)
                + "): give the right one with --peer host:port.", NodeException.Reason.NETWORK);
        }
        return found.get(0).address();
    }

    // ---- node thread

    void opened(PeerConnection c) {
        DeviceRecord self = DeviceRecord.create(runtime.identity(), runtime.displayName());
        if (c.initiator()) {
            PendingJoin join = pendingJoin;
            pendingJoin = null;
            if (join == null) {
                c.close("no pairing in progress");
                return;
            }
            PairingHandshake hs = PairingHandshake.start(PairingHandshake.Role.JOINER, join.code(), c.ownCertFingerprint(),
                c.peerCertFingerprint(), self, runtime.random());
            joining = new Attempt(c, hs, join.result(), null);
            announceSyncPort(c);
            send(joining, hs.initialMessages());
            return;
        }
        Invitation inv = open;
        if (inv == null || inv.result.isDone() || inv.attempt != null) {
            c.close(inv != null && inv.attempt != null ? "this pairing code was already used" : "no pairing code is open");
            return;
        }
        PairingHandshake hs = PairingHandshake.start(PairingHandshake.Role.INVITER, inv.code, c.ownCertFingerprint(),
            c.peerCertFingerprint(), self, runtime.random());
        inv.attempt = new Attempt(c, hs, inv.result, inv);
        announceSyncPort(c);
        send(inv.attempt, hs.initialMessages());
    }

    void frame(PeerConnection c, byte[] frame) {
        Attempt a = attemptOn(c);
        if (a == null) {
            return;
        }
        int port = syncPortIn(frame);
        if (port >= 0) {
            a.peerSyncPort = port; // believed only if the handshake on this connection succeeds
            return;
        }
        send(a, a.handshake.onMessage(frame));
        if (a.handshake.state() == PairingHandshake.State.SUCCEEDED) {
            succeed(a);
        } else if (a.handshake.state() == PairingHandshake.State.FAILED) {
            String why = switch (a.handshake.failureReason()) {
                case WRONG_CODE -> "wrong code: the code typed does not match the one shown";
                case TAMPERED -> "the exchange was tampered with (is something between the two devices?)";
                case OUT_OF_ORDER, PROTOCOL_ERROR -> "the other device broke the pairing protocol: "
                    + a.handshake.failureMessage();
            };
            fail(a.invitation, a, "Pairing failed: " + why + ". The code is burned; start again with a new one.");
        }
    }

    void closed(PeerConnection c, String reason) {
        Attempt a = attemptOn(c);
        if (a != null && !a.result.isDone()) {
            fail(a.invitation, a, "The connection closed during pairing (" + reason + "). The code is burned; start again.");
        }
        if (joining != null && joining.connection == c) {
            joining = null;
        }
    }

    private Attempt attemptOn(PeerConnection c) {
        if (joining != null && joining.connection == c) {
            return joining;
        }
        if (open != null && open.attempt != null && open.attempt.connection == c) {
            return open.attempt;
        }
        return null;
    }

    /** Sends this node's sync port, when it has one worth dialing, ahead of the handshake. */
    private void announceSyncPort(PeerConnection c) {
        int port = announcedPort >= 0 ? announcedPort : runtime.address().getPort();
        if (port > 0 && port <= 65535) {
            byte[] frame = java.util.Arrays.copyOf(SYNC_PORT_MAGIC, SYNC_PORT_MAGIC.length + 2);
            frame[SYNC_PORT_MAGIC.length] = (byte) (port >>> 8);
            frame[SYNC_PORT_MAGIC.length + 1] = (byte) port;
            c.send(frame);
        }
    }

    /** The port in a sync-port frame, or -1 if {@code frame} is not one. */
    static int syncPortIn(byte[] frame) {
        if (frame.length != SYNC_PORT_MAGIC.length + 2
            || !java.util.Arrays.equals(frame, 0, SYNC_PORT_MAGIC.length, SYNC_PORT_MAGIC, 0, SYNC_PORT_MAGIC.length)) {
            return -1;
        }
        return ((frame[SYNC_PORT_MAGIC.length] & 0xFF) << 8) | (frame[SYNC_PORT_MAGIC.length + 1] & 0xFF);
    }

    private static void send(Attempt a, List<byte[]> messages) {
        for (byte[] m : messages) {
            a.connection.send(m);
        }
    }

    private void succeed(Attempt a) {
        if (a.result.isDone()) {
            return;
        }
        DeviceRecord peer = a.handshake.peer();
        if (!peer.id().equals(a.connection.peer())) {
            fail(a.invitation, a, "Pairing failed: the device record does not match the certificate on the connection.");
            return;
        }
        List<RealmId> granted = new ArrayList<>();
        try {
            // where the peer's sync server listens (it said so on this connection, after the handshake
            // proved who it is): remembered and dialed, after every restart too
            PeerAddress syncAddress = a.peerSyncPort > 0 && a.connection.remote() instanceof InetSocketAddress remote
                && remote.getAddress() != null ? new PeerAddress(remote.getAddress().getHostAddress(), a.peerSyncPort) : null;
            runtime.pinned(peer, syncAddress);
            if (a.invitation != null) {
                for (RealmId realm : a.invitation.realms) {
                    runtime.withReplica((replica, now) -> replica.addMember(realm, peer.keys(), a.invitation.role, now));
                    granted.add(realm);
                }
            }
        } catch (RuntimeException e) {
            fail(a.invitation, a, "Paired, but recording it failed: " + e.getMessage());
            return;
        }
        LOG.info("Paired with {} ({}); verification {}", peer.id().shortForm(), peer.displayName(),
            a.handshake.verificationString());
        Paired result = new Paired(peer.id(), peer.displayName(), a.handshake.verificationString(), granted);
        finish(a.invitation);
        a.connection.close("paired");
        if (a == joining) {
            joining = null;
        }
        a.result.complete(result);
    }

    private void fail(Invitation inv, Attempt a, String message) {
        CompletableFuture<Paired> result = a != null ? a.result : inv.result;
        finish(inv);
        if (a != null) {
            a.connection.close("pairing failed");
            if (a == joining) {
                joining = null;
            }
        }
        LOG.warn(message);
        result.completeExceptionally(new NodeException(message, NodeException.Reason.PAIRING));
        if (inv != null) {
            inv.result.completeExceptionally(new NodeException(message, NodeException.Reason.PAIRING));
        }
    }

    /** Burns an invitation: no more advertisement, no more listener, no expiry. */
    private void finish(Invitation inv) {
        if (inv == null) {
            return;
        }
        if (inv.expiry != null) {
            inv.expiry.cancel(false);
        }
        if (inv.advert != null) {
            inv.advert.close();
        }
        if (inv.endpoint != null) {
            ListeningEndpoint endpoint = inv.endpoint;
            inv.endpoint = null;
            endpoint.close();
        }
    }

    void close() {
        if (open != null && !open.result.isDone()) {
            fail(open, open.attempt, "The node stopped before the code was used.");
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}

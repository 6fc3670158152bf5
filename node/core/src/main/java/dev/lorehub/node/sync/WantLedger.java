package dev.lorehub.node.sync;

import dev.lorehub.node.core.EventId;

import java.util.HashMap;
import java.util.Map;

/**
 * Which events a node has asked a peer for and not received yet, shared by all of the node's sessions,
 * so that an event offered by several peers at once (the author, and every device that relays it) is
 * asked for from one of them only; without it a device in a mesh receives most new events twice.
 *
 * <p>A {@linkplain #claim claim} lasts {@link #claimTimeout()} ms of monotonic time. Until then another
 * session that is offered the same event defers its Want, and asks at {@link #retryAt} if the event has
 * not arrived by then: a peer that offers an event and never sends it (a hostile one, or one whose
 * connection stalls) delays it by at most the timeout, never withholds it. Claims end when the event
 * arrives ({@link #arrived}) or the claiming session ends ({@link #releaseAll}).
 *
 * <p>Bounded: at most {@code capacity} claims; when full (expired claims are purged first), a claim is
 * granted without being recorded, which only means a possible duplicate, as without a ledger. Not
 * thread-safe: the endpoint drives every session of a node from one thread.
 */
public final class WantLedger {
    /** Default {@link #claimTimeout()}: a Want for a new event is answered within a round trip. */
    public static final long DEFAULT_CLAIM_TIMEOUT_MS = 2_000;
    /** Default capacity: far above the events a node waits for at once; at most ~2 MB, and quick to scan at a session's end. */
    public static final int DEFAULT_CAPACITY = 16_384;

    private record Claim(Object owner, long expiresAt) {
    }

    private final long claimTimeout;
    private final int capacity;
    private final Map<EventId, Claim> claims = new HashMap<>();

    /**
     * @param claimTimeout how long (ms, monotonic) a claim defers other sessions' Wants for the same event
     * @param capacity     the most claims recorded at once
     */
    public WantLedger(long claimTimeout, int capacity) {
        if (claimTimeout < 1 || capacity < 1) {
            throw new IllegalArgumentException("claimTimeout and capacity must be positive");
        }
        this.claimTimeout = claimTimeout;
        this.capacity = capacity;
    }

    /** A new ledger with the default timeout and capacity; one node's sessions share one. */
    public static WantLedger withDefaults() {
        return new WantLedger(DEFAULT_CLAIM_TIMEOUT_MS, DEFAULT_CAPACITY);
    }

    public long claimTimeout() {
        return claimTimeout;
    }

    /**
     * Asks to want event {@code id} from {@code owner}'s peer: true (and recorded) unless another owner
     * holds an unexpired claim on it. A claim by the same owner is renewed.
     */
    public boolean claim(EventId id, Object owner, long now) {
        Claim c = claims.get(id);
        if (c != null && c.owner() != owner && c.expiresAt() > now) {
            return false;
        }
        if (c == null && claims.size() >= capacity) {
            claims.values().removeIf(x -> x.expiresAt() <= now);
            if (claims.size() >= capacity) {
                return true; // granted unrecorded: at worst a duplicate
            }
        }
        claims.put(id, new Claim(owner, now + claimTimeout));
        return true;
    }

    /** When a session deferred by someone else's claim on {@code id} should ask again (monotonic ms). */
    public long retryAt(EventId id, long now) {
        Claim c = claims.get(id);
        return c == null ? now : Math.max(now, c.expiresAt());
    }

    /** Event {@code id} arrived (stored, or already here): its claim ends. */
    public void arrived(EventId id) {
        claims.remove(id);
    }

    /** {@code owner}'s session ended: what it asked for and did not receive may be asked of others now. */
    public void releaseAll(Object owner) {
        claims.values().removeIf(c -> c.owner() == owner);
    }

    /** Claims recorded (for tests and status). */
    public int size() {
        return claims.size();
    }
}

package dev.lorehub.node.core;

import dev.lorehub.crypto.CryptoException;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.OpenedEnvelope;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies, stores and applies a batch of events from a peer, inside one transaction (DESIGN.md
 * §3, §5): the id is the hash of the bytes received; the author's signature is checked before
 * anything else; membership events go first so that they authorise what follows; events this
 * device cannot decrypt are kept as ciphertext for relaying; a bad event is rejected with a reason
 * while the rest of the batch still applies.
 */
final class Ingestor {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);

    private final ReplicaContext ctx;
    private final Materializer materializer;
    private final EventWriter writer;
    private final EnvelopeVerifier verifier;

    Ingestor(ReplicaContext ctx, Materializer materializer, EventWriter writer, EnvelopeVerifier verifier) {
        this.verifier = verifier;
        this.ctx = ctx;
        this.materializer = materializer;
        this.writer = writer;
    }

    /**
     * An event to store once its signature checks out: {@code header} is read without verifying
     * (for ordering and routing); {@code check} yields the verification, possibly computed meanwhile
     * on another core.
     */
    private static final class Candidate {
        final int index;
        final EventId id;
        final byte[] sealed;
        final OpenedEnvelope header;
        java.util.function.Supplier<EnvelopeVerifier.Checked> check;

        Candidate(int index, EventId id, byte[] sealed, OpenedEnvelope header) {
            this.index = index;
            this.id = id;
            this.sealed = sealed;
            this.header = header;
        }

        int index() {
            return index;
        }

        EventId id() {
            return id;
        }

        byte[] sealed() {
            return sealed;
        }

        OpenedEnvelope header() {
            return header;
        }

        RealmId realm() {
            return header.header().realm();
        }

        long hlc() {
            return header.header().timestamp();
        }
    }

    /** An entity touched by the batch, to re-materialise once everything is stored. */
    private record Touched(RealmId realm, EntityKind kind, String entity) {
    }

    IngestResult ingest(Tx tx, List<byte[]> batch) throws SQLException {
        List<Rejection> rejected = new ArrayList<>();
        List<Candidate> membership = new ArrayList<>();
        List<Candidate> data = new ArrayList<>();
        Set<EventId> seen = new HashSet<>();
        int duplicates = 0;
        for (int i = 0; i < batch.size(); i++) {
            byte[] sealed = batch.get(i);
            if (sealed.length > SealedEnvelope.MAX_SEALED) {
                rejected.add(new Rejection(i, null, RejectReason.OVERSIZED,
                    sealed.length + " bytes exceeds the limit of " + SealedEnvelope.MAX_SEALED));
                continue;
            }
            EventId id = EventId.of(sealed);
            if (!seen.add(id) || ctx.events().contains(id.toBytes())) {
                duplicates++;
                continue;
            }
            OpenedEnvelope header;
            try {
                header = SealedEnvelope.peek(sealed); // unverified: only to order and route; verified below
            } catch (EnvelopeException e) {
                rejected.add(new Rejection(i, id, reason(e), e.getMessage()));
                continue;
            }
            if (ctx.realm(header.header().realm()).isEmpty()) {
                rejected.add(new Rejection(i, id, RejectReason.UNKNOWN_REALM,
                    "realm " + header.header().realm() + " is not synced by this device"));
                continue;
            }
            (header.header().encrypted() ? data : membership).add(new Candidate(i, id, sealed, header));
        }
        Comparator<Candidate> order = Comparator.comparingLong(Candidate::hlc).thenComparing(Candidate::id);
        membership.sort(order);
        data.sort(order);
        // Verification runs ahead, in processing order, while earlier events are stored.
        List<Candidate> all = new ArrayList<>(membership);
        all.addAll(data);
        List<java.util.function.Supplier<EnvelopeVerifier.Checked>> checks =
            verifier.verifyLater(all.stream().map(Candidate::sealed).toList());
        for (int k = 0; k < all.size(); k++) {
            all.get(k).check = checks.get(k);
        }

        List<StoredKey> stored = new ArrayList<>();
        Set<RealmId> membershipChanged = new LinkedHashSet<>();
        java.util.Map<RealmId, Membership> before = new java.util.HashMap<>();
        for (Candidate c : membership) {
            if (!before.containsKey(c.realm())) {
                before.put(c.realm(), ctx.membership(c.realm()));
            }
            SealedEnvelope.Verified verified = verified(c, rejected);
            if (verified == null) {
                continue;
            }
            EventBody body;
            byte[] plaintext;
            try {
                plaintext = SealedEnvelope.open(verified, (r, e) -> Optional.empty()).plaintext();
                body = ctx.codec().decode(plaintext);
            } catch (EnvelopeException e) {
                rejected.add(new Rejection(c.index(), c.id(), reason(e), e.getMessage()));
                continue;
            } catch (EventFormatException e) {
                rejected.add(new Rejection(c.index(), c.id(), formatReason(e), e.getMessage()));
                continue;
            }
            if (!(body instanceof MembershipChange)) {
                rejected.add(new Rejection(c.index(), c.id(), RejectReason.MALFORMED,
                    "an unencrypted event must be a membership change"));
                continue;
            }
            store(tx, c, body, stored);
            membershipChanged.add(c.realm());
        }
        List<Touched> touched = new ArrayList<>();
        for (RealmId realm : membershipChanged) {
            ctx.forgetMembership(realm);
            if (refreshKeys(realm)) {
                reveal(realm, touched);
            }
            reauthorise(realm, before.get(realm), touched);
        }

        int opaque = 0;
        int unauthorized = 0;
        for (Candidate c : data) {
            Membership m = ctx.membership(c.realm());
            DeviceId author = c.header().author();
            if (!m.everMember(author)) {
                rejected.add(new Rejection(c.index(), c.id(), RejectReason.UNAUTHORIZED,
                    "author " + author.shortForm() + " is not a member of realm " + c.realm()));
                continue;
            }
            SealedEnvelope.Verified verified = verified(c, rejected);
            if (verified == null) {
                continue;
            }
            OpenedEnvelope opened;
            try {
                opened = SealedEnvelope.open(verified, this::key);
            } catch (EnvelopeException e) {
                if (e.reason() == EnvelopeException.Reason.NO_KEY) {
                    ctx.events().insert(new StoredEvent(c.id().toBytes(), c.realm().toBytes(), c.hlc(), author.toBytes(),
                        null, null, c.sealed()), tx.now());
                    stored.add(key(c, false));
                    tx.stored(stored.get(stored.size() - 1));
                    opaque++;
                } else {
                    rejected.add(new Rejection(c.index(), c.id(), reason(e), e.getMessage()));
                }
                continue;
            }
            EventBody body;
            try {
                body = ctx.codec().decode(opened.plaintext());
            } catch (EventFormatException e) {
                rejected.add(new Rejection(c.index(), c.id(), formatReason(e), e.getMessage()));
                continue;
            }
            String problem = check(c.realm(), body);
            if (problem != null) {
                rejected.add(new Rejection(c.index(), c.id(), problem.startsWith("!") ? RejectReason.MALFORMED
                    : RejectReason.INVALID_VALUE, problem.replaceFirst("^!", "")));
                continue;
            }
            if (!m.canWriteAt(author, c.hlc(), c.id())) {
                unauthorized++; // kept so every replica holds the same set, never applied
            }
            store(tx, c, body, stored);
            touched.add(new Touched(c.realm(), body.kind(), body.entityId()));
        }
        applyInOrder(touched);
        return new IngestResult(stored, List.of(), duplicates, unauthorized, opaque, rejected);
    }

    /** The verified envelope, or null after recording why it failed. */
    private static SealedEnvelope.Verified verified(Candidate c, List<Rejection> rejected) {
        EnvelopeVerifier.Checked checked = c.check.get();
        if (checked.failure() != null) {
            rejected.add(new Rejection(c.index(), c.id(), reason(checked.failure()), checked.failure().getMessage()));
            return null;
        }
        return checked.verified();
    }

    /** Null if the decrypted body may be stored; a message otherwise ('!' prefix: structural). */
    private static String check(RealmId realm, EventBody body) {
        if (!(body instanceof EntityChange change)) {
            return "!an encrypted event must be an entity change";
        }
        if (change.kind() == EntityKind.REALM && !change.entityId().equals(realm.toString())) {
            return "!a realm event must name its own realm";
        }
        if (change.kind() == EntityKind.RELATION) {
            try {
                EntityChange.relationKey(change.entityId());
            } catch (IllegalArgumentException e) {
                return "!" + e.getMessage();
            }
        }
        return ValueRules.problem(change);
    }

    private void store(Tx tx, Candidate c, EventBody body, List<StoredKey> stored) throws SQLException {
        if (body instanceof EntityChange change) {
            ctx.noteStored(c.realm(), c.id(), c.hlc(), c.header().author(), change);
        }
        ctx.events().insert(new StoredEvent(c.id().toBytes(), c.realm().toBytes(), c.hlc(), c.header().author().toBytes(),
            body.kind().code(), body.entityId(), c.sealed()), tx.now());
        if (body instanceof EntityChange change && change.kind() == EntityKind.RELATION) {
            writer.indexRelationEnds(change.entityId());
        }
        ctx.clock().observe(c.hlc(), tx.now());
        ctx.step("stored " + c.id().shortForm());
        StoredKey key = key(c, body instanceof MembershipChange);
        stored.add(key);
        tx.stored(key);
    }

    private static StoredKey key(Candidate c, boolean membership) {
        return new StoredKey(c.realm(), c.hlc(), c.id(), membership, false);
    }

    private Optional<EpochKey> key(RealmId realm, int epoch) {
        return ctx.secrets().keyring(realm).flatMap(k -> k.epoch(epoch));
    }

    /** Unwraps realm keys newly addressed to this device; true if any was added. */
    boolean refreshKeys(RealmId realm) throws SQLException {
        Membership m = ctx.membership(realm);
        Optional<RealmKeyring> keyring = ctx.secrets().keyring(realm);
        RealmKeyring updated = keyring.orElse(null);
        for (byte[] wrapped : m.wrapsFor(ctx.self())) {
            try {
                KeyWrap.WrappedKeyInfo info = KeyWrap.inspect(wrapped);
                if (updated != null && updated.epoch(info.epoch()).isPresent()) {
                    continue;
                }
                EpochKey key = KeyWrap.unwrap(wrapped, ctx.identity());
                updated = updated == null ? RealmKeyring.of(List.of(key)) : updated.with(key);
            } catch (CryptoException e) {
                LOG.warn("A realm key wrapped for this device in realm {} does not open: {}", realm, e.getMessage());
            }
        }
        if (updated != null && updated != keyring.orElse(null)) {
            ctx.secrets().put(updated);
            return true;
        }
        return false;
    }

    /** Decrypts events that arrived before this device held their key. */
    private void reveal(RealmId realm, List<Touched> touched) throws SQLException {
        for (StoredEvent e : ctx.events().opaqueEvents(realm.toBytes())) {
            try {
                // verified when it was stored: decrypting is all that is left (cheap even for a whole realm)
                byte[] plaintext = SealedEnvelope.openStored(e.sealed(), this::key).plaintext();
                EventBody body = ctx.codec().decode(plaintext);
                if (check(realm, body) != null) {
                    continue;
                }
                ctx.events().reveal(e.id(), body.kind().code(), body.entityId());
                if (body instanceof EntityChange change && change.kind() == EntityKind.RELATION) {
                    writer.indexRelationEnds(change.entityId());
                }
                touched.add(new Touched(realm, body.kind(), body.entityId()));
            } catch (EnvelopeException | EventFormatException ex) {
                // still no key for this epoch, or not readable: it stays opaque and is relayed
            }
        }
    }

    /**
     * A membership change can change who was allowed to write at some point of the past (a
     * removal may order before edits already applied): every entity with an event whose
     * authorisation flipped is re-materialised. Membership changes are rare; this reads the
     * realm's authorship once, without bodies.
     */
    private void reauthorise(RealmId realm, Membership before, List<Touched> touched) throws SQLException {
        Membership after = ctx.membership(realm);
        ctx.events().forEachAuthorship(realm.toBytes(), EntityKind.MEMBER.code(), (kind, entity, author, hlc, id) -> {
            DeviceId device = DeviceId.fromBytes(author);
            EventId event = EventId.fromBytes(id);
            if (before.canWriteAt(device, hlc, event) != after.canWriteAt(device, hlc, event)) {
                touched.add(new Touched(realm, EntityKind.ofCode(kind), entity));
            }
        });
    }

    /** Realms first, then lores, then relations, so that relations find their lores. */
    private void applyInOrder(List<Touched> touched) throws SQLException {
        Set<Touched> done = new HashSet<>();
        for (EntityKind kind : List.of(EntityKind.REALM, EntityKind.LORE, EntityKind.RELATION)) {
            for (Touched t : touched) {
                if (t.kind() == kind && done.add(t)) {
                    materializer.materialize(t.realm(), t.kind(), t.entity());
                    ctx.step("materialised " + t.entity());
                }
            }
        }
    }

    private static RejectReason reason(EnvelopeException e) {
        return switch (e.reason()) {
            case TRUNCATED -> RejectReason.TRUNCATED;
            case TOO_LARGE -> RejectReason.OVERSIZED;
            case UNKNOWN_VERSION -> RejectReason.UNKNOWN_VERSION;
            case MALFORMED -> RejectReason.MALFORMED;
            case BAD_SIGNATURE, DECRYPTION_FAILED, NO_KEY -> RejectReason.TAMPERED;
        };
    }

    private static RejectReason formatReason(EventFormatException e) {
        String m = e.getMessage();
        if (m.startsWith("unknown event body format")) {
            return RejectReason.UNKNOWN_VERSION;
        }
        return m.startsWith("truncated") ? RejectReason.TRUNCATED : RejectReason.MALFORMED;
    }
}

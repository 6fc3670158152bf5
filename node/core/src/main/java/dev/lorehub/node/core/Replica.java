package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceKeys;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One device's replica of its synced realms: the LoreHub database, the signed event log beside
 * it, the device's identity and realm keys. The node core that both the daemon and the simulator
 * drive.
 *
 * <p>Every operation is one database transaction: it either happens whole or not at all, and a
 * crash at any instant loses nothing committed. The wall clock is an argument ({@code now}, ms
 * since the epoch) and all randomness comes from the injected {@link SecureRandom}, so a seeded
 * run is reproducible. Not thread-safe: the driver serialises calls.
 */
public final class Replica implements AutoCloseable {
    /** Captured rows turned into events per transaction: keeps each well under lh's 5 s lock patience. */
    public static final int CAPTURE_BATCH = 500;
    /** Most received events applied in one transaction (fewer when transactions run long: {@link TransactionBudget}). */
    static final int INGEST_BATCH = 4096;

    private final NodeStorage storage;
    private final ReplicaContext ctx;
    private final Materializer materializer;
    private final EventWriter writer;
    private final LocalChanges local;
    private final Ingestor ingestor;
    /** Sizes of write transactions by elapsed time, so lh never waits long for the lock. */
    private final TransactionBudget captureBudget;
    /** See {@link #captureEmptied()}. */
    private boolean captureEmptied;
    private final TransactionBudget ingestBudget;
    private final LegacySealing sealing;
    private final Undo undo;
    private final List<StoredKeyListener> listeners = new ArrayList<>();
    /**
     * The clock's last value as the latest committed write recorded it in {@code lhsync_meta}, or
     * MIN_VALUE when unknown. Commits only raise it, and the clock only grows, so a write that finds
     * the clock no further need not record it again (nor one that stores an event carrying it).
     */
    private volatile long committedHlc = Long.MIN_VALUE;
    /** Peers whose "synced since the upgrade" key this process has committed ({@link #notePeerSynced}). */
    private final java.util.Set<DeviceId> syncedKeyWritten = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Syncs {@link #notePeerSynced} noted and no transaction has committed yet: peer → when. Only
     * {@code lhsync_peers.last_sync_at} waits here (status shows it); the first write transaction
     * of the endpoint's next status period ({@link #peerStatusDue}), or {@link #recordPeerStatus}, writes it.
     */
    private final Map<DeviceId, Long> unwrittenSyncs = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Where peers stand, noted by {@link #notePeerStatus} and not committed yet, the latest per peer and
     * realm; written with the noted syncs (see {@link #unwrittenSyncs}).
     */
    private final Map<PeerRealm, LogRows.PeerStatusRow> unwrittenStatus = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * True from the start of one of the endpoint's status periods ({@link #peerStatusDue}) until a write
     * transaction carried what was noted: noted syncs and status rows ride only with the first write
     * transaction of a period, so a node that syncs all the time writes them once a period, not in each of
     * its transactions (a page and two statements each).
     */
    private volatile boolean statusDue;

    /** A peer in a realm: the key of its status row. */
    private record PeerRealm(DeviceId peer, RealmId realm) {
    }

    /** Told about every event stored, after its transaction commits. */
    @FunctionalInterface
    public interface StoredKeyListener {
        void stored(List<StoredKey> keys);
    }

    private Replica(NodeStorage storage, ReplicaContext ctx, EnvelopeVerifier verifier, java.util.function.LongSupplier ticker) {
        this.storage = storage;
        this.ctx = ctx;
        this.captureBudget = new TransactionBudget(ticker, TransactionBudget.DEFAULT_TARGET_NANOS, 16, CAPTURE_BATCH);
        this.ingestBudget = new TransactionBudget(ticker, TransactionBudget.DEFAULT_TARGET_NANOS, 8, INGEST_BATCH);
        this.materializer = new Materializer(ctx);
        this.writer = new EventWriter(ctx);
        this.local = new LocalChanges(ctx, materializer, writer);
        this.ingestor = new Ingestor(ctx, materializer, writer, verifier);
        this.sealing = new LegacySealing(ctx, writer);
        this.undo = new Undo(ctx, materializer, writer);
    }

    /**
     * Opens the replica on its storage ports: installs change capture (unless {@code options} say
     * not to) and the node's tables if needed (idempotent) and restores the clock above everything
     * recorded. The replica owns {@code storage} from then on and closes it with itself. The store
     * builds the ports for a LoreHub database ({@code dev.lorehub.node.store.SqliteReplicas}).
     *
     * @throws ReplicaException if the storage cannot be prepared for syncing
     */
    public static Replica open(NodeStorage storage, DeviceIdentity identity, RealmKeys keys, SecureRandom random,
                               ReplicaOptions options) {
        if (options.installCapture()) {
            storage.installCapture();
        }
        try {
            long persisted = storage.inTransaction(() -> {
                storage.installTables();
                long meta = storage.events().meta("hlc").map(Long::parseLong).orElse(0L);
                return Math.max(meta, storage.events().maxHlc());
            });
            ReplicaContext ctx = new ReplicaContext(storage.events(), storage.rows(), identity, keys, random,
                new HybridClock(persisted), options.fold(), options.wire());
            ctx.reloadRealms();
            ctx.loadConflicted();
            return new Replica(storage, ctx, options.verifier(), options.ticker());
        } catch (StorageException e) {
            throw new ReplicaException("Cannot prepare " + storage.describe() + " for syncing: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the replica to look only (the query side of the read-only commands): nothing is
     * installed, repaired or upgraded and no transaction writes, so capture stays as it is and the
     * write lock is never taken; the realm and conflict indexes are read, memberships and entities
     * are folded only when asked for. Use it on storage that refuses writes (the store's read-only
     * database), where every write method of this replica fails.
     *
     * @return empty if the node's tables are missing or of another version than this release's (a
     *         full {@link #open} creates or upgrades them; this one never writes)
     * @throws ReplicaException if the database cannot be read
     */
    public static Optional<Replica> openReadOnly(NodeStorage storage, DeviceIdentity identity, RealmKeys keys,
                                                 SecureRandom random) {
        try {
            if (!storage.tablesCurrent()) {
                return Optional.empty();
            }
            long persisted = Math.max(storage.events().meta("hlc").map(Long::parseLong).orElse(0L), storage.events().maxHlc());
            ReplicaContext ctx = new ReplicaContext(storage.events(), storage.rows(), identity, keys,
                random, new HybridClock(persisted), ReplicaOptions.DEFAULT.fold(), ReplicaOptions.DEFAULT.wire());
            ctx.reloadRealms();
            ctx.loadConflicted();
            return Optional.of(new Replica(storage, ctx, ReplicaOptions.DEFAULT.verifier(), null));
        } catch (StorageException e) {
            throw new ReplicaException("Cannot read " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Test hook: called at each step of a write with the step's name; throwing aborts the write. */
    void faults(java.util.function.Consumer<String> hook) {
        ctx.faults(hook);
    }

    public void addListener(StoredKeyListener listener) {
        listeners.add(listener);
    }

    public DeviceId deviceId() {
        return ctx.self();
    }

    /** How many changes lh (or anyone) made wait in the capture queue, not yet turned into events. */
    public long pendingCaptureCount() {
        return read(tx -> storage.capture().pendingCount());
    }

    /** lh's row of a local realm, if it exists. */
    public Optional<RealmRow> localRealm(String localRealmId) {
        return read(tx -> ctx.tables().realm(localRealmId));
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Tx tx) throws StorageException;
    }

    private <T> T write(long now, Work<T> work) {
        Tx tx = new Tx(now);
        T result;
        ctx.resetTransaction();
        long[] recorded = {Long.MIN_VALUE}; // the clock value this transaction records, if it records one
        try {
            boolean carry = statusDue;
            Noted noted = carry ? noted() : Noted.NONE;
            result = storage.applyingRemote(() -> {
                T r = work.run(tx);
                writeNoted(noted);
                long hlc = ctx.clock().last();
                // Persisted so the clock stays monotonic across restarts, which read max(this, the newest stored
                // event's stamp): not needed when it is no later than what is persisted already, nor when an event
                // this transaction stores carries it (an ingest's clock stands at the newest event it observed, a
                // capture's at the last event it wrote). Deleting events (a forgotten invitation, doctor) stores
                // none, so that transaction writes the clock if those events carried it.
                if (hlc > committedHlc && hlc > newestStamp(tx.stored())) {
                    ctx.events().putMeta("hlc", Long.toString(hlc));
                    recorded[0] = hlc;
                }
                ctx.step("commit");
                return r;
            });
            committedHlc = Math.max(committedHlc, recorded[0]);
            if (carry) {
                notedWritten(noted);
            }
        } catch (StorageException e) {
            forgetCaches();
            throw new ReplicaException("A write to " + storage.describe() + " failed and was rolled back: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            forgetCaches();
            throw e;
        } finally {
            ctx.resetTransaction();
        }
        if (!tx.stored().isEmpty()) {
            for (StoredKeyListener l : listeners) {
                l.stored(List.copyOf(tx.stored()));
            }
        }
        return result;
    }

    private static long newestStamp(List<StoredKey> stored) {
        long newest = Long.MIN_VALUE;
        for (StoredKey k : stored) {
            newest = Math.max(newest, k.hlc());
        }
        return newest;
    }

    private void forgetCaches() {
        committedHlc = Long.MIN_VALUE;
        try {
            ctx.forgetAll();
        } catch (StorageException e) {
            throw new ReplicaException("Cannot re-read " + storage.describe() + " after a rollback: " + e.getMessage(), e);
        }
    }

    private <T> T read(Work<T> work) {
        try {
            synchronized (storage.monitor()) {
                return work.run(new Tx(0));
            }
        } catch (StorageException e) {
            throw new ReplicaException("Cannot read " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    // ---- local changes and remote events

    /**
     * Turns changes that lh (or anyone) made to the LoreHub tables into signed events, up to
     * {@link #CAPTURE_BATCH} captured rows in one transaction; call again while it returns a full
     * batch. Returns the events written.
     */
    public List<StoredKey> captureLocalChanges(long now) {
        long started = captureBudget.start();
        int limit = captureBudget.size();
        int[] taken = {0};
        captureEmptied = false;
        List<StoredKey> written = write(now, tx -> {
            taken[0] = local.drain(tx, storage.capture(), limit);
            return List.copyOf(tx.stored());
        });
        captureEmptied = taken[0] < limit;
        captureBudget.took(started, Math.max(1, written.size()));
        return written;
    }

    /**
     * True if the last {@link #captureLocalChanges} took every captured row there was (fewer than its
     * batch, inside its write transaction, which no other writer can interleave): {@link #hasPendingCapture}
     * asked right after it could find only rows committed since, which a later look finds as well.
     */
    public boolean captureEmptied() {
        return captureEmptied;
    }

    /**
     * Why this device may not write to the synced realm mapped to a local realms row, in user
     * words; empty if it may (or the local realm is not synced at all).
     */
    public Optional<String> whyNotWritable(String localRealmId) {
        return read(tx -> {
            Optional<RealmId> realm = ctx.syncedRealmOf(localRealmId);
            return realm.isEmpty() ? Optional.empty() : Optional.ofNullable(local.whyNotWritable(realm.get()));
        });
    }

    /** Local changes that could not sync (see {@link #retryUnsynced}), oldest first. */
    public List<LogRows.UnsyncedRow> unsynced() {
        return read(tx -> ctx.events().unsynced());
    }

    /**
     * Turns unsynced local changes into events where this device may now write (a role was
     * granted, a key arrived). Returns the events written.
     */
    public List<StoredKey> retryUnsynced(long now) {
        return write(now, tx -> {
            for (LogRows.UnsyncedRow u : ctx.events().unsynced()) {
                RealmId realm = u.realm();
                if (ctx.realm(realm).isEmpty()) {
                    ctx.events().clearUnsynced(realm, u.kind(), u.entity());
                    continue;
                }
                boolean unmappedRealm = u.kind() == EntityKind.REALM && ctx.localRealmId(realm) == null;
                if (local.whyNotWritable(realm) == null && !unmappedRealm) {
                    local.apply(tx, capturedFor(realm, u.kind(), u.entity()));
                }
            }
            return List.copyOf(tx.stored());
        });
    }

    /**
     * Gives up unsynced local changes (of one realm, or all when {@code realm} is null): lh's rows
     * go back to the synced state. Returns how many entities were reset.
     */
    public int discardUnsynced(RealmId realm, long now) {
        return write(now, tx -> {
            int n = 0;
            for (LogRows.UnsyncedRow u : ctx.events().unsynced()) {
                RealmId r = u.realm();
                if (realm != null && !realm.equals(r)) {
                    continue;
                }
                if (ctx.realm(r).isPresent()) {
                    materializer.materialize(r, u.kind(), u.entity());
                }
                ctx.events().clearUnsynced(r, u.kind(), u.entity());
                n++;
            }
            return n;
        });
    }

    private CapturedChange capturedFor(RealmId realm, EntityKind kind, String entity) {
        return switch (kind) {
            case LORE -> new CapturedChange(0, CapturedChange.LORES, CapturedChange.INSERT, entity, null, null, null);
            case RELATION -> {
                RelationKey key = RelationKey.of(entity);
                yield new CapturedChange(0, CapturedChange.LORE_RELATIONS, CapturedChange.INSERT, key.from(), key.to(), key.type(),
                    null);
            }
            case REALM -> new CapturedChange(0, CapturedChange.REALMS, CapturedChange.UPDATE, ctx.localRealmId(realm), null,
                null, null);
            default -> throw new IllegalArgumentException("not an entity kind: " + kind);
        };
    }

    /** True if captured rows are waiting. */
    public boolean hasPendingCapture() {
        return read(tx -> storage.capture().pendingCount() > 0);
    }

    /**
     * Verifies, stores and applies a batch of sealed events from a peer in one transaction;
     * changes lh made since the last capture are captured first in the same transaction, so a
     * concurrent edit is never overwritten unseen.
     */
    public IngestResult ingest(List<byte[]> batch, long now) {
        return ingest(batch, now, "peer");
    }

    /**
     * As {@link #ingest(List, long)}; {@code source} names where the batch came from (a peer's
     * device id, a remote's name) in the record of refusals that {@code status} shows.
     */
    public IngestResult ingest(List<byte[]> batch, long now, String source) {
        if (allStoredOrHeld(batch)) {
            // Nothing to write: a peer's copy of what another peer delivered first (after a reconnect, several peers
            // send what this device lacked). No write transaction, so no write lock taken from lh and no commit for nothing.
            return new IngestResult(List.of(), List.of(), batch.size(), 0, 0, List.of());
        }
        // One transaction per chunk, chunks sized by how long the last ones took: a batch that
        // would hold the lock for seconds on a busy machine is split (each event is verified and
        // applied on its own merits, so a chunk committed before a later one fails stays valid).
        List<StoredKey> stored = new ArrayList<>();
        List<StoredKey> captured = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        int duplicates = 0;
        int held = 0;
        int opaque = 0;
        for (int from = 0; from < batch.size() || from == 0; ) {
            int to = Math.min(batch.size(), from + ingestBudget.size());
            List<byte[]> chunk = batch.subList(from, to);
            boolean first = from == 0;
            long started = ingestBudget.start();
            IngestResult r = write(now, tx -> {
                if (first) {
                    local.drain(tx, storage.capture(), captureBudget.size());
                }
                List<StoredKey> capturedHere = List.copyOf(tx.stored());
                IngestResult part = ingestor.ingest(tx, chunk, source);
                return new IngestResult(part.stored(), capturedHere, part.duplicates(), part.held(), part.opaque(),
                    part.rejected());
            });
            ingestBudget.took(started, chunk.size());
            stored.addAll(r.stored());
            captured.addAll(r.captured());
            for (Rejection x : r.rejected()) {
                rejected.add(new Rejection(x.index() + from, x.id(), x.reason(), x.detail()));
            }
            duplicates += r.duplicates();
            held += r.held();
            opaque += r.opaque();
            if (to == batch.size()) {
                break;
            }
            from = to;
        }
        return new IngestResult(stored, captured, duplicates, held, opaque, rejected);
    }

    /**
     * True if every event of a non-empty batch is stored or held here already, i.e. ingesting it would count
     * only duplicates. Stops at the first event that is not, so a batch of new events costs one lookup more.
     */
    private boolean allStoredOrHeld(List<byte[]> batch) {
        if (batch.isEmpty()) {
            return false;
        }
        return read(tx -> {
            for (byte[] sealed : batch) {
                if (sealed.length > SealedEnvelope.MAX_SEALED) {
                    return false; // refused and recorded by the ingest, not counted as a duplicate
                }
                if (!ingestor.alreadyHere(EventId.of(sealed))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The longest write transaction of captures and received events so far (ns; 0 without a time source). */
    public long longestWriteNanos() {
        return Math.max(captureBudget.longestNanos(), ingestBudget.longestNanos());
    }

    /**
     * Re-examines events held for being stamped ahead of this clock, now that time has passed:
     * those now due are stored and applied. Returns what was stored.
     */
    public List<StoredKey> releaseHeld(long now) {
        return write(now, tx -> ingestor.releaseDue(tx).stored());
    }

    /**
     * The wall-clock time (ms) at which the earliest event held for being stamped ahead of this
     * clock becomes due ({@link #releaseHeld} then stores it), if any is held.
     */
    public java.util.OptionalLong nextHeldRelease() {
        return read(tx -> ctx.events().minHeldHlc(Ingestor.HoldReason.FUTURE.name())
            .map(hlc -> java.util.OptionalLong.of(HybridClock.millis(hlc) - HybridClock.MAX_FORWARD_MILLIS))
            .orElse(java.util.OptionalLong.empty()));
    }

    // ---- realms

    /** Lores or relations adopted per transaction, so lh never waits long for the write lock. */
    static final int ADOPT_CHUNK = 500;

    /**
     * Makes a local realm a synced realm with a fresh key, this device its founder and admin, and
     * every lore and relation already in it the realm's first events (written in short
     * transactions of {@value #ADOPT_CHUNK}: lh waits at most 5 s for the write lock).
     */
    public RealmId shareRealm(String localRealmId, long now) {
        return shareRealm(localRealmId, now, ProgressListener.NONE);
    }

    /** As {@link #shareRealm(String, long)}, telling {@code progress} how many lores are adopted so far. */
    public RealmId shareRealm(String localRealmId, long now, ProgressListener progress) {
        RealmId shared = write(now, tx -> {
            RealmRow row = ctx.tables().realm(localRealmId).orElseThrow(() -> new ReplicaException(
                "There is no realm with id " + localRealmId + " in " + storage.describe() + ": run `lh` in the project once, or pick "
                    + "another realm."));
            if (ctx.syncedRealmOf(localRealmId).isPresent()) {
                throw new ReplicaException("Realm " + row.name() + " (" + row.path() + ") is already shared as "
                    + ctx.syncedRealmOf(localRealmId).get() + ".");
            }
            byte[] nonce = new byte[RealmIds.NONCE_LENGTH];
            ctx.random().nextBytes(nonce);
            RealmId realm = RealmIds.derive(ctx.self(), nonce);
            ctx.secrets().put(RealmKeyring.of(List.of(EpochKey.random(realm, 0, ctx.random()))));
            ctx.events().addRealm(realm, ctx.self(), row.name(), now);
            ctx.events().mapRealm(realm, localRealmId);
            ctx.reloadRealms();
            writer.emit(tx, realm, new MembershipChange(MembershipChange.Op.GENESIS, ctx.self(), Role.ADMIN,
                ctx.identity().publicKeys().encode(), 0, List.of(), nonce, null), 0);
            adoptRealmFields(tx, realm, localRealmId);
            return realm;
        });
        adoptAll(shared, localRealmId, now, progress);
        return shared;
    }

    /** Writes the realm entity's event from the local realm row. */
    private void adoptRealmFields(Tx tx, RealmId realm, String localRealmId) throws StorageException {
        RealmRow row = ctx.tables().realm(localRealmId).orElseThrow();
        SortedMap<Field, Object> realmValues = new TreeMap<>();
        realmValues.put(Field.REALM_NAME, row.name());
        realmValues.put(Field.REALM_GIT_REMOTE, row.gitRemote());
        realmValues.put(Field.REALM_IS_MONOREPO, row.monorepo());
        SortedMap<Field, SortedSet<String>> realmSets = new TreeMap<>();
        realmSets.put(Field.REALM_PROVINCES, new TreeSet<>(row.provinces()));
        local.writeDiff(tx, realm, EntityKind.REALM, realm.toString(), realmValues, realmSets, tx.now());
    }

    /** Writes creation events for every local lore, then relation, of the realm that has none yet, in short transactions. */
    private void adoptAll(RealmId realm, String localRealmId, long now, ProgressListener progress) {
        long total = read(tx -> (long) ctx.events().unadoptedLores(localRealmId, Integer.MAX_VALUE).size());
        long done = 0;
        for (int round = 0; round < Integer.MAX_VALUE; round++) {
            int written = write(now, tx -> {
                List<String> lores = ctx.events().unadoptedLores(localRealmId, ADOPT_CHUNK);
                for (String lore : lores) {
                    localLore(tx, lore);
                }
                if (lores.isEmpty()) {
                    for (RelationKey key : ctx.events().unadoptedRelations(localRealmId, ADOPT_CHUNK)) {
                        localRelation(tx, key);
                    }
                }
                return tx.stored().size();
            });
            if (written == 0) {
                return; // everything adopted, or nothing this device may write
            }
            done += written;
            progress.progress("adopting lores and relations", done, Math.max(total, done));
        }
    }

    private void localLore(Tx tx, String lore) throws StorageException {
        // the same path as a captured insert
        var changes = new CapturedChange(0, CapturedChange.LORES, CapturedChange.INSERT, lore, null, null, null);
        local.apply(tx, changes);
    }

    private void localRelation(Tx tx, RelationKey key) throws StorageException {
        var changes = new CapturedChange(0, CapturedChange.LORE_RELATIONS, CapturedChange.INSERT, key.from(), key.to(), key.type(),
            null);
        local.apply(tx, changes);
    }

    /** Records an invitation to a realm as if its founder had named it (tests and benchmarks). */
    public void acceptRealm(RealmId realm, DeviceId founder, long now) {
        acceptInvitation(realm, founder, founder, now);
    }

    /** Most pending invitations one peer may leave on this device. */
    public static final int MAX_INVITATIONS_PER_PEER = 16;
    /** How long an invitation that brought no valid grant for this device is kept. */
    public static final long INVITATION_GRACE_MILLIS = 10 * 60_000L;

    /**
     * Records a realm a paired peer named as an invitation: until the user joins it, only its
     * membership events are kept, and {@code status} lists it only once they show a valid grant to
     * this device from an admin. Refused (false) when the peer already left
     * {@value #MAX_INVITATIONS_PER_PEER} invitations. Idempotent.
     */
    public boolean acceptInvitation(RealmId realm, DeviceId founder, DeviceId inviter, long now) {
        return write(now, tx -> {
            if (ctx.realm(realm).isPresent()) {
                return true;
            }
            long fromPeer = ctx.realms().values().stream()
                .filter(r -> !r.joined() && r.inviter() != null && inviter.equals(r.inviter())).count();
            if (fromPeer >= MAX_INVITATIONS_PER_PEER) {
                return false;
            }
            ctx.events().addRealm(realm, founder, null, now, false, inviter);
            ctx.reloadRealms();
            return true;
        });
    }

    /** A realm this device was invited to and has not joined: who invited it and with which role. */
    public record Invitation(RealmId realm, DeviceId founder, DeviceId inviter, Role role, String name) {
    }

    /** Invitations with a valid grant to this device (what `status` shows and `realm join` takes). */
    public List<Invitation> invitations() {
        return read(tx -> {
            List<Invitation> out = new ArrayList<>();
            for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new TreeMap<>(ctx.realms()).entrySet()) {
                LogRows.SyncedRealmRow row = e.getValue();
                if (row.joined()) {
                    continue;
                }
                Optional<Role> role = ctx.membership(e.getKey()).role(ctx.self());
                if (role.isPresent()) {
                    EntityState shared = materializer.fold(e.getKey(), EntityKind.REALM, e.getKey().toString());
                    Object name = shared.isLive() ? shared.value(Field.REALM_NAME) : null;
                    out.add(new Invitation(e.getKey(), row.founder(),
                        row.inviter(), role.get(),
                        name instanceof String n ? n : row.nameHint()));
                }
            }
            return out;
        });
    }

    /**
     * Forgets invitations that brought no valid grant to this device within
     * {@value #INVITATION_GRACE_MILLIS} ms of being recorded or of their last arriving event (a paired
     * peer cannot park realms here). Returns how many.
     */
    public int pruneInvitations(long now) {
        // The endpoint asks at every maintenance (every 2 s) and there is almost never a stale
        // invitation: look first, so that the common case costs no write transaction.
        boolean any = read(tx -> {
            for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : ctx.realms().entrySet()) {
                if (mayBeStaleInvitation(e.getKey(), e.getValue(), now)) {
                    return true;
                }
            }
            return false;
        });
        if (!any) {
            return 0;
        }
        return write(now, tx -> {
            int pruned = 0;
            for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new ArrayList<>(ctx.realms().entrySet())) {
                if (!mayBeStaleInvitation(e.getKey(), e.getValue(), now)) {
                    continue;
                }
                // the grace counts from the last arrival too: an invitation whose membership is arriving right now (a
                // removal of this device, say, with the re-grant still to come) is not stale, however old its row;
                // nor is one holding events stamped ahead of this clock (the grant may be among them): it counts
                // from when they fall due (the per-peer cap bounds what a peer can park that way)
                long since = ctx.events().lastReceivedAt(e.getKey());
                Optional<Long> ahead = ctx.events().maxHeldHlc(e.getKey(), Ingestor.HoldReason.FUTURE.name());
                if (ahead.isPresent()) {
                    since = Math.max(since, HybridClock.millis(ahead.get()) - HybridClock.MAX_FORWARD_MILLIS);
                }
                if (now - since > INVITATION_GRACE_MILLIS) {
                    ctx.events().forgetRealm(e.getKey());
                    ctx.forgetMembership(e.getKey());
                    pruned++;
                }
            }
            if (pruned > 0) {
                ctx.reloadRealms();
            }
            return pruned;
        });
    }

    /** An invitation older than the grace period that brought this device no role (the last arrival is checked apart). */
    private boolean mayBeStaleInvitation(RealmId realm, LogRows.SyncedRealmRow row, long now) throws StorageException {
        return !row.joined() && now - row.addedAt() > INVITATION_GRACE_MILLIS && ctx.membership(realm).role(ctx.self()).isEmpty();
    }

    /**
     * Joins a realm this device was invited to without mapping it onto a project: for a relay,
     * which stores and forwards the realm's ciphertext.
     */
    public void joinAsRelay(RealmId realm, long now) {
        write(now, tx -> {
            if (ctx.realm(realm).isEmpty() || ctx.membership(realm).role(ctx.self()).isEmpty()) {
                throw new ReplicaException("This device has no grant in realm " + realm + ": an admin must add it first.");
            }
            ctx.events().markJoined(realm);
            ctx.reloadRealms();
            return null;
        });
    }

    /**
     * Maps a synced realm to a local realm row (creating the row with {@code path} if no row has
     * that path), applies every event already held, and adopts local lores the realm lacks.
     * Returns the local realm id.
     */
    public String mapRealm(RealmId realm, String path, long now) {
        return mapRealm(realm, path, now, ProgressListener.NONE);
    }

    /** As {@link #mapRealm(RealmId, String, long)}, telling {@code progress} how many entities are applied so far. */
    public String mapRealm(RealmId realm, String path, long now, ProgressListener progress) {
        String mapped = write(now, tx -> {
            if (ctx.realm(realm).isEmpty()) {
                throw new ReplicaException("Realm " + realm + " is not known here: pair with a device that shares it, "
                    + "and wait for the first sync.");
            }
            var existing = ctx.tables().realmByPath(path);
            String localId;
            if (existing.isPresent()) {
                localId = existing.get().id();
                Optional<RealmId> other = ctx.syncedRealmOf(localId);
                if (other.isPresent() && !other.get().equals(realm)) {
                    throw new ReplicaException("The realm at " + path + " is already mapped to synced realm " + other.get()
                        + ". Pick another directory.");
                }
            } else {
                localId = uuid();
                EntityState shared = materializer.fold(realm, EntityKind.REALM, realm.toString());
                String name = shared.isLive() && shared.value(Field.REALM_NAME) != null ? (String) shared.value(Field.REALM_NAME)
                    : java.nio.file.Path.of(path).getFileName() == null ? path : java.nio.file.Path.of(path).getFileName().toString();
                ctx.tables().insertRealm(new RealmRow(localId, name, path, (String) shared.value(Field.REALM_GIT_REMOTE),
                    Boolean.TRUE.equals(shared.value(Field.REALM_IS_MONOREPO)), List.copyOf(shared.set(Field.REALM_PROVINCES))),
                    java.time.Instant.ofEpochMilli(now));
            }
            ctx.events().mapRealm(realm, localId);
            ctx.events().markJoined(realm);
            ctx.reloadRealms();
            return localId;
        });
        rematerialise(realm, now, progress);
        if (membership(realm).role(ctx.self()).map(Role::canWrite).orElse(false)) {
            adoptAll(realm, mapped, now, progress);
        }
        return mapped;
    }

    /**
     * Joins invitations whose founder {@code trustedFounder} accepts (the daemon passes this
     * device and the paired devices the user marked as their own, and only when auto-join is
     * switched on in node.json) to the local realm with the same (normalised) git remote, when
     * exactly one unmapped local realm matches (LOREHUB_SCHEMA.md, "Across machines"), and this
     * device holds a valid grant. Returns the realms mapped.
     */
    public List<RealmId> autoMapByGitRemote(long now, java.util.function.Predicate<DeviceId> trustedFounder) {
        List<RealmId> candidates = read(tx -> {
            List<RealmId> out = new ArrayList<>();
            for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : ctx.realms().entrySet()) {
                LogRows.SyncedRealmRow row = e.getValue();
                if (row.localRealmId() == null && !row.joined() && trustedFounder.test(row.founder())
                    && ctx.membership(e.getKey()).role(ctx.self()).isPresent()) {
                    out.add(e.getKey());
                }
            }
            return out;
        });
        List<RealmId> mapped = new ArrayList<>();
        for (RealmId realm : candidates) {
            String path = read(tx -> {
                EntityState shared = materializer.fold(realm, EntityKind.REALM, realm.toString());
                String remote = GitRemotes.normalize((String) shared.value(Field.REALM_GIT_REMOTE));
                if (remote == null) {
                    return null;
                }
                List<RealmRow> matches = new ArrayList<>();
                for (RealmRow local : ctx.tables().realms()) {
                    if (remote.equals(GitRemotes.normalize(local.gitRemote())) && ctx.syncedRealmOf(local.id()).isEmpty()) {
                        matches.add(local);
                    }
                }
                return matches.size() == 1 ? matches.get(0).path() : null;
            });
            if (path != null) {
                mapRealm(realm, path, now, ProgressListener.NONE);
                mapped.add(realm);
            }
        }
        return mapped;
    }

    /** Applies every event held for a realm to lh's tables: realms, then lores, then relations, in short transactions. */
    private int rematerialise(RealmId realm, long now, ProgressListener progress) {
        record Entity(EntityKind kind, String id) {
        }
        List<Entity> entities = read(tx -> {
            java.util.Set<Entity> seen = new java.util.LinkedHashSet<>();
            ctx.events().forEachAuthorship(realm,
                (kind, entity, author, hlc, id, seq, auth) -> seen.add(new Entity(kind, entity)));
            List<EntityKind> order = List.of(EntityKind.REALM, EntityKind.LORE, EntityKind.RELATION);
            List<Entity> out = new ArrayList<>(seen);
            out.sort(java.util.Comparator.comparingInt(e -> order.indexOf(e.kind())));
            return out;
        });
        for (int from = 0; from < entities.size(); from += ADOPT_CHUNK * 2) {
            List<Entity> chunk = entities.subList(from, Math.min(entities.size(), from + ADOPT_CHUNK * 2));
            write(now, tx -> {
                for (Entity e : chunk) {
                    materializer.materialize(realm, e.kind(), e.id());
                }
                return null;
            });
            progress.progress("applying the realm's lores", from + chunk.size(), entities.size());
        }
        return entities.size();
    }

    /** A random UUID v4 from the injected source (the simulator stays reproducible). */
    private String uuid() {
        byte[] b = new byte[16];
        ctx.random().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        return new java.util.UUID(buf.getLong(), buf.getLong()).toString();
    }

    // ---- membership

    /** Adds a device to a realm with a role; it receives every epoch key unless it is a relay. */
    public StoredKey addMember(RealmId realm, DeviceKeys device, Role role, long now) {
        return write(now, tx -> {
            requireAdmin(realm);
            DeviceKeys verified = device.verified();
            List<byte[]> wraps = new ArrayList<>();
            RealmKeyring keyring = ctx.secrets().keyring(realm).orElseThrow();
            if (role.holdsKey()) {
                for (EpochKey key : keyring.epochs()) {
                    wraps.add(KeyWrap.wrap(key, verified, ctx.identity(), ctx.random()));
                }
            }
            Membership m = ctx.membership(realm);
            return writer.emit(tx, realm, new MembershipChange(MembershipChange.Op.ADD, verified.id(), role, verified.encode(),
                m.currentEpoch(), wraps, null, null), 0);
        });
    }

    /**
     * Changes a member's role. Moving a device to a role without the key (relay) rotates the key,
     * like a removal, so that it reads nothing written afterwards.
     */
    public void setRole(RealmId realm, DeviceId device, Role role, long now) {
        write(now, tx -> {
            requireAdmin(realm);
            Membership m = ctx.membership(realm);
            if (m.role(device).isEmpty()) {
                throw new ReplicaException("Device " + device.shortForm() + " is not a member of realm " + realm
                    + "; grant it a role with `realm grant` first.");
            }
            writer.emit(tx, realm, new MembershipChange(MembershipChange.Op.SET_ROLE, device, role, null, m.currentEpoch(),
                List.of(), null, frontierOf(realm, device)), 0);
            if (!role.holdsKey()) {
                rotate(tx, realm);
            }
            return null;
        });
    }

    /** Removes a member and rotates the realm key: the removed device can read nothing written afterwards. */
    public void removeMember(RealmId realm, DeviceId device, long now) {
        write(now, tx -> {
            requireAdmin(realm);
            Membership m = ctx.membership(realm);
            if (m.role(device).isEmpty()) {
                throw new ReplicaException("Device " + device.shortForm() + " is not a member of realm " + realm + ".");
            }
            writer.emit(tx, realm, new MembershipChange(MembershipChange.Op.REMOVE, device, null, null, m.currentEpoch(),
                List.of(), null, frontierOf(realm, device)), 0);
            rotate(tx, realm);
            return null;
        });
    }

    /** Starts a new key epoch, wrapped for every key-holding member. */
    public void rotateKey(RealmId realm, long now) {
        write(now, tx -> {
            requireAdmin(realm);
            rotate(tx, realm);
            return null;
        });
    }

    /**
     * Starts a new key epoch. Its number is above every epoch this device knows, plus a random
     * gap: two admins rotating at the same moment (e.g. on either side of a partition) then pick
     * different numbers with high probability, both rotations stay valid and every member can read
     * what either wrote; a collision (1 in 65536) leaves the later one invalid.
     */
    private void rotate(Tx tx, RealmId realm) throws StorageException {
        Membership m = ctx.membership(realm);
        RealmKeyring keyring = ctx.secrets().keyring(realm).orElseThrow();
        int highest = Math.max(m.currentEpoch(), keyring.epochs().stream().mapToInt(EpochKey::epoch).max().orElse(0));
        int next = highest + 1 + ctx.random().nextInt(1 << 16);
        EpochKey key = EpochKey.random(realm, next, ctx.random());
        List<byte[]> wraps = new ArrayList<>();
        for (Membership.Member member : m.members().values()) {
            if (member.role().holdsKey() && !member.device().equals(ctx.self())) {
                wraps.add(KeyWrap.wrap(key, DeviceKeys.decode(member.encodedKeys()), ctx.identity(), ctx.random()));
            }
        }
        ctx.secrets().put(keyring.with(key));
        writer.emit(tx, realm, new MembershipChange(MembershipChange.Op.ROTATE, null, null, null, next, wraps, null,
            null), 0);
    }

    /**
     * The last event of {@code device} in the realm that this device has seen: a removal or
     * demotion names it, so that exactly the subject's events up to it keep their effect.
     */
    private EventId frontierOf(RealmId realm, DeviceId device) throws StorageException {
        return ctx.events().chainTip(realm, device).map(LogRows.ChainLink::id).orElse(null);
    }

    private void requireAdmin(RealmId realm) throws StorageException {
        String restored = ctx.restoreGate();
        if (restored != null) {
            throw new ReplicaException(restored);
        }
        if (ctx.realm(realm).isEmpty()) {
            throw new ReplicaException("Realm " + realm + " is not synced by this device.");
        }
        if (ctx.membership(realm).role(ctx.self()).orElse(null) != Role.ADMIN) {
            throw new ReplicaException("This device is not an admin of realm " + realm + ": ask an admin to do this.");
        }
    }

    /**
     * Keeps realms' keys healthy after membership changes arrive from elsewhere: as an admin,
     * starts a new epoch when a removed device still holds the current key (a race between two
     * admins), and wraps the current key for members that lack it. Also seals, once, the realms
     * founded by the previous release that this device administers, when that is due (see
     * {@link #sealLegacy}; off with {@link #autoSealLegacy}). Returns the events written.
     */
    public List<StoredKey> maintainKeys(long now) {
        List<StoredKey> keys = new ArrayList<>(maintainEpochs(now));
        if (read(tx -> {
            for (RealmId realm : ctx.realms().keySet()) {
                LegacySealing.AutoSeal a = sealing.autoSeal(realm, now);
                if (a == LegacySealing.AutoSeal.FIRST_SEEN || a == LegacySealing.AutoSeal.DUE) {
                    return true;
                }
            }
            return false;
        })) {
            keys.addAll(write(now, tx -> {
                sealing.sealDue(tx);
                return List.copyOf(tx.stored());
            }));
        }
        return keys;
    }

    /**
     * Seals a realm founded by the previous release (see {@link Membership}, "Seals"): writes
     * seals accepting the events of that release's format this device holds and applies; from then
     * on such events outside every seal are refused wherever the seal is known. Returns how many
     * legacy events were accepted. Admins only.
     */
    public int sealLegacy(RealmId realm, long now) {
        return write(now, tx -> {
            requireAdmin(realm);
            return sealing.seal(tx, realm);
        });
    }

    /** Turns the automatic seal of legacy realms on or off on this device (off: only `realm seal` seals). */
    public void autoSealLegacy(boolean on, long now) {
        write(now, tx -> {
            if (on) {
                ctx.events().deleteMeta(LegacySealing.AUTO);
            } else {
                ctx.events().putMeta(LegacySealing.AUTO, "off");
            }
            return null;
        });
    }

    /** Where a realm founded by the previous release stands; empty for a realm founded by this release. */
    public record LegacyStatus(boolean sealed, int sealCount, int chain, int keptMembership, boolean autoSealOn,
                               Long sealedHereAt, Long autoSealBy) {
    }

    /** The legacy status of a realm (see {@link LegacyStatus}); empty for a realm founded after the upgrade. */
    public Optional<LegacyStatus> legacyStatus(RealmId realm) {
        return read(tx -> {
            Membership m = ctx.membership(realm);
            if (!m.legacyRealm().orElse(false)) {
                return Optional.empty();
            }
            boolean auto = !"off".equals(ctx.events().meta(LegacySealing.AUTO).orElse(null));
            Long sealedAt = ctx.events().meta(LegacySealing.sealedKey(realm)).map(Long::parseLong).orElse(null);
            Long by = ctx.events().meta(LegacySealing.firstSeenKey(realm)).map(Long::parseLong)
                .map(t -> t + LegacySealing.AUTO_SEAL_AFTER_MILLIS).orElse(null);
            return Optional.of(new LegacyStatus(m.sealed(), m.countingSeals().size(), m.legacyChain().size(),
                m.keptLegacy().size(), auto, sealedAt, by));
        });
    }

    private List<StoredKey> maintainEpochs(long now) {
        // Asked at every maintenance and almost always nothing to do: find out in a read, so that
        // maintenance takes the write lock (which lh waits for) only when it writes.
        if (read(tx -> dueForRotation().isEmpty())) {
            return List.of();
        }
        return write(now, tx -> {
            for (RealmId realm : dueForRotation()) {
                rotate(tx, realm);
            }
            return List.copyOf(tx.stored());
        });
    }

    /** Realms this device administers whose key must be rotated or re-wrapped now, in order. */
    private List<RealmId> dueForRotation() throws StorageException {
        List<RealmId> due = new ArrayList<>();
        for (RealmId realm : ctx.realms().keySet().stream().sorted().toList()) {
            Membership m = ctx.membership(realm);
            if (m.role(ctx.self()).orElse(null) != Role.ADMIN || ctx.secrets().keyring(realm).isEmpty()) {
                continue;
            }
            if (m.needsRotation() || !m.missingCurrentKey().isEmpty()) {
                due.add(realm);
            }
        }
        // asked only when a rotation is due: the gate is a database read, and maintenance asks every 2 s
        if (!due.isEmpty() && ctx.restoreGate() != null) {
            return List.of(); // restored from a backup: nothing automatic until a peer synced
        }
        return due;
    }

    // ---- conflicts

    /**
     * Resolves a lore's conflicts: a new event whose parents are all its heads, setting the given
     * values (DESIGN.md §3). Everyone converges on it.
     */
    public StoredKey resolve(String loreId, Map<Field, Object> values, long now) {
        return write(now, tx -> {
            String restored = ctx.restoreGate();
            if (restored != null) {
                throw new ReplicaException(restored);
            }
            local.drain(tx, storage.capture(), captureBudget.size());
            RealmId realm = realmOfLore(loreId).orElseThrow(() -> new ReplicaException(
                "Lore " + loreId + " is not in a synced realm."));
            EntityState state = materializer.fold(realm, EntityKind.LORE, loreId);
            for (Map.Entry<Field, Object> e : values.entrySet()) {
                String problem = ValueRules.problem(e.getKey(), e.getValue());
                if (problem != null) {
                    throw new ReplicaException("Cannot resolve with that value: " + problem);
                }
            }
            StoredKey key = writer.emit(tx, realm, new EntityChange(EntityKind.LORE, loreId, false, state.heads(),
                new TreeMap<>(values), new TreeMap<>()), state.latestHlc());
            materializer.materialize(realm, EntityKind.LORE, loreId);
            return key;
        });
    }

    /**
     * Resolves every recorded lore conflict by keeping what is shown now (the deterministic
     * winner): for {@code conflicts.autoResolve}. Returns the events written.
     */
    public List<StoredKey> resolveAllKeepingWinners(long now) {
        return write(now, tx -> {
            if (ctx.restoreGate() != null) {
                return List.<StoredKey>of();
            }
            java.util.Set<String> done = new java.util.HashSet<>();
            for (LogRows.ConflictRow c : ctx.events().conflicts()) {
                if (c.kind() != EntityKind.LORE || !done.add(c.entity())) {
                    continue;
                }
                RealmId realm = c.realm();
                if (!ctx.membership(realm).role(ctx.self()).map(Role::canWrite).orElse(false)) {
                    continue;
                }
                EntityState state = materializer.fold(realm, EntityKind.LORE, c.entity());
                TreeMap<Field, Object> keep = new TreeMap<>();
                for (Conflict conflict : state.conflicts()) {
                    if (conflict.field() != null && state.isLive()) {
                        keep.put(conflict.field(), state.value(conflict.field()));
                    }
                }
                writer.emit(tx, realm, new EntityChange(EntityKind.LORE, c.entity(), !state.isLive(), state.heads(),
                    state.isLive() ? keep : new TreeMap<>(), new TreeMap<>()), state.latestHlc());
                materializer.materialize(realm, EntityKind.LORE, c.entity());
            }
            return List.copyOf(tx.stored());
        });
    }

    private Optional<RealmId> realmOfLore(String loreId) throws StorageException {
        for (StoredEvent e : ctx.events().eventsOf(EntityKind.LORE, loreId)) {
            return Optional.of(e.realm());
        }
        return Optional.empty();
    }

    /** Pins a paired device: its verified record is stored, and the daemon will sync with it. */
    public void pinPeer(DeviceRecord peer, long now) {
        DeviceRecord verified = peer.verified();
        write(now, tx -> {
            ctx.events().putPeer(verified.id(), verified.keys().encode(), verified.displayName(), now);
            return null;
        });
    }

    /** Forgets a paired device (its realm memberships are unchanged; revoke them separately). Returns false if unknown. */
    public boolean unpinPeer(DeviceId peer, long now) {
        return write(now, tx -> {
            boolean known = ctx.events().peers().stream().anyMatch(p -> peer.equals(p.device()));
            ctx.events().removePeer(peer);
            return known;
        });
    }

    /** Paired devices, each with the latest sync this node noted ({@link #notePeerSynced}), written or not. */
    public List<LogRows.PeerRow> peers() {
        List<LogRows.PeerRow> rows = read(tx -> ctx.events().peers());
        if (unwrittenSyncs.isEmpty()) {
            return rows;
        }
        // a sync noted and not written yet is what this node knows: status shows it, and the database will say
        // the same once a transaction carries it (by the next status period, or at shutdown)
        List<LogRows.PeerRow> out = new ArrayList<>(rows.size());
        for (LogRows.PeerRow p : rows) {
            Long noted = unwrittenSyncs.get(p.device());
            out.add(noted == null ? p
                : new LogRows.PeerRow(p.device(), p.keys(), p.displayName(), p.pairedAt(), p.lastAddress(), noted));
        }
        return out;
    }

    /** This device's chain position in a realm: how many events it wrote there (0: none). */
    public long ownSeq(RealmId realm) {
        return read(tx -> {
            ReplicaContext.ChainTip tip = ctx.chainTip(realm);
            return tip == null ? 0L : tip.seq();
        });
    }

    /** Where peers stood in realms when last recorded (see {@link #recordPeerStatus}). */
    public List<LogRows.PeerStatusRow> peerStatuses() {
        return read(tx -> ctx.events().peerStatuses());
    }

    /**
     * Records where a peer stands in realms now, in a transaction of its own, with the rows noted by
     * {@link #notePeerStatus} and the syncs noted by {@link #notePeerSynced} that no transaction has
     * written yet. Opens no transaction when there is nothing to write.
     */
    public void recordPeerStatus(List<LogRows.PeerStatusRow> rows) {
        notePeerStatus(rows);
        if (!hasUnwrittenStatus()) {
            return;
        }
        Noted noted = noted();
        try {
            storage.runInTransaction(() -> writeNoted(noted));
            notedWritten(noted);
        } catch (StorageException e) {
            throw new ReplicaException("Cannot record peer status: " + e.getMessage(), e);
        }
    }

    /**
     * One of the running node's status periods begins: {@code rows} are noted, and what is noted may ride
     * with the next write transaction. What the previous period's start handed over and no transaction has
     * carried since is written now, in a transaction of its own, so noted status waits at most two periods.
     */
    public void peerStatusDue(List<LogRows.PeerStatusRow> rows) {
        if (statusDue && hasUnwrittenStatus()) {
            recordPeerStatus(rows);
            return;
        }
        notePeerStatus(rows);
        statusDue = hasUnwrittenStatus();
    }

    /**
     * Notes where a peer stands in realms (status shows these rows when no node runs), to be written by
     * the first write transaction after the next {@link #peerStatusDue}: the exchanges that change them
     * mostly bring one (an ingest), and a transaction of their own every few seconds was a fifth of the
     * node's commits. {@link #recordPeerStatus} writes them at once (the node calls it at shutdown); a
     * crash loses at most what was noted and not written, as it loses anything uncommitted.
     */
    public void notePeerStatus(List<LogRows.PeerStatusRow> rows) {
        for (LogRows.PeerStatusRow r : rows) {
            unwrittenStatus.put(new PeerRealm(r.peer(), r.realm()), r);
        }
    }

    /** True while a status row or a sync is noted and no transaction has written it. */
    public boolean hasUnwrittenStatus() {
        return !unwrittenStatus.isEmpty() || !unwrittenSyncs.isEmpty();
    }

    /** Remembers the address a peer was last reached at (dialed again after restarts). */
    public void notePeerAddress(DeviceId peer, String address, long now) {
        try {
            storage.runInTransaction(() -> ctx.events().touchPeer(peer, address, null));
        } catch (StorageException e) {
            throw new ReplicaException("Cannot record " + peer.shortForm() + "'s address: " + e.getMessage(), e);
        }
    }

    /**
     * Records that a full sync with a paired peer completed (for status output). The first sync with
     * each peer in this process is committed at once (it clears a restore's wait and marks the peer
     * synced since the upgrade); later ones only move {@code last_sync_at}, which a session reports
     * after every exchange (about a third of the node's write transactions in the simulator when
     * each was its own): it waits in memory with the noted peer status ({@link #notePeerStatus}) for
     * the first write transaction of the endpoint's next status period, or for {@link #recordPeerStatus}.
     * A crash loses at most that not yet committed time, never anything told to a peer.
     */
    public void notePeerSynced(DeviceId peer, long now) {
        boolean firstHere = !syncedKeyWritten.contains(peer);
        if (!firstHere) {
            unwrittenSyncs.put(peer, now);
            return;
        }
        try {
            storage.runInTransaction(() -> {
                ctx.events().touchPeer(peer, null, now);
                ctx.events().deleteMeta(RESTORED); // a peer synced: this device's own newer events, if any, are here now
                // written by this release only: a sync since the upgrade (the previous release kept last_sync_at too).
                // Only its presence is read, so once per peer and process: a session reports "synced" after every
                // exchange, and rewriting the key each time cost a page write per report.
                if (firstHere) {
                    ctx.events().putMeta(LegacySealing.syncedKey(peer), Long.toString(now));
                }
            });
        } catch (StorageException e) {
            throw new ReplicaException("Cannot record the sync with " + peer.shortForm() + ": " + e.getMessage(), e);
        }
        syncedKeyWritten.add(peer); // committed
        unwrittenSyncs.remove(peer); // an older note, if any: this one is later
    }

    /** What was noted and not written, as one transaction takes it: the syncs and the status rows. */
    private record Noted(Map<DeviceId, Long> syncs, Map<PeerRealm, LogRows.PeerStatusRow> status) {
        static final Noted NONE = new Noted(Map.of(), Map.of());
    }

    private Noted noted() {
        return new Noted(Map.copyOf(unwrittenSyncs), Map.copyOf(unwrittenStatus));
    }

    /** Writes what was noted inside the current transaction. */
    private void writeNoted(Noted noted) throws StorageException {
        for (LogRows.PeerStatusRow r : noted.status().values()) {
            ctx.events().putPeerStatus(r);
        }
        for (Map.Entry<DeviceId, Long> e : noted.syncs().entrySet()) {
            ctx.events().touchPeer(e.getKey(), null, e.getValue());
        }
    }

    /** After the commit that wrote {@code noted}: forgets those notes, unless a later one came meanwhile. */
    private void notedWritten(Noted noted) {
        noted.syncs().forEach(unwrittenSyncs::remove);
        noted.status().forEach(unwrittenStatus::remove);
        statusDue = false;
    }

    // ---- undo

    /**
     * What an undo did.
     *
     * @param realm    the realm
     * @param changed  entities that got a new event (the rest were in that state already)
     * @param examined entities looked at
     */
    public record UndoResult(RealmId realm, int changed, int examined) {
    }

    /** Entities undone per transaction: lh waits at most 5 s for the write lock. */
    static final int UNDO_CHUNK = 200;

    /** The full id of the lore that {@code prefix} names in the event log (deleted lores included). */
    public String loreIdByPrefix(String prefix) {
        return read(tx -> {
            List<String> found = ctx.events().entitiesStartingWith(EntityKind.LORE, prefix.toLowerCase(java.util.Locale.ROOT), 2);
            if (found.size() != 1) {
                throw new ReplicaException(found.isEmpty() ? "No synced lore has an id starting with '" + prefix
                    + "' (see `lorehub-node log`)." : "'" + prefix + "' starts the ids of several lores: give more of it.");
            }
            return found.get(0);
        });
    }

    /**
     * Brings one lore back to its state at {@code toMillis} (its fold restricted to events at or before
     * that time) or, when {@code version} is given (an event id or a prefix of one), to that version of
     * it; by a new event every device applies. Changes lh made that are not events yet are captured
     * first.
     */
    public UndoResult undoLore(String lorePrefix, long toMillis, String version, long now) {
        String lore = loreIdByPrefix(lorePrefix);
        return write(now, tx -> {
            local.drain(tx, storage.capture(), captureBudget.size());
            RealmId realm = realmOfLore(lore).orElseThrow(() -> new ReplicaException("Lore " + lore + " is not in a synced realm."));
            requireWritable(realm);
            java.util.function.Predicate<FoldEvent> keep = version == null ? Undo.atOrBefore(toMillis)
                : undo.upTo(realm, EntityKind.LORE, lore, versionOf(lore, version));
            return new UndoResult(realm, undo.undo(tx, realm, EntityKind.LORE, lore, keep) ? 1 : 0, 1);
        });
    }

    private EventId versionOf(String lore, String version) throws StorageException {
        String v = version.toLowerCase(java.util.Locale.ROOT);
        List<EventId> matches = new ArrayList<>();
        for (StoredEvent e : ctx.events().eventsOf(EntityKind.LORE, lore)) {
            EventId id = e.id();
            if (id.toString().startsWith(v)) {
                matches.add(id);
            }
        }
        if (matches.size() != 1) {
            throw new ReplicaException(matches.isEmpty() ? "No version of lore " + lore + " starts with '" + version
                + "': see `lorehub-node log --lore " + lore.substring(0, 8) + "`." : "'" + version
                + "' starts several versions of lore " + lore + ": give more of it.");
        }
        return matches.get(0);
    }

    /**
     * Brings every lore and relation of a realm back to its state at {@code toMillis}: lores deleted
     * since come back, lores created since are deleted, edits since are reverted, by new events every
     * device applies (history stays; an undo can itself be undone). In short transactions. Mass
     * deletions recorded since are marked undone.
     */
    public UndoResult undoRealm(RealmId realm, long toMillis, long now, ProgressListener progress) {
        long cutoff = (toMillis << HybridClock.LOGICAL_BITS) | ((1L << HybridClock.LOGICAL_BITS) - 1);
        read(tx -> {
            if (ctx.realm(realm).isEmpty()) {
                throw new ReplicaException("Realm " + realm + " is not synced by this device.");
            }
            requireWritable(realm);
            return null;
        });
        for (int round = 0; round < 100_000 && read(tx -> storage.capture().pendingCount() > 0);
             round++) {
            captureLocalChanges(now); // what lh changed becomes events first, in short transactions
        }
        List<LogRows.EntityRef> entities = read(tx -> ctx.events().entitiesChangedAfter(realm, cutoff));
        int changed = 0;
        for (int from = 0; from < entities.size(); from += UNDO_CHUNK) {
            List<LogRows.EntityRef> chunk = entities.subList(from, Math.min(entities.size(), from + UNDO_CHUNK));
            changed += write(now, tx -> {
                int n = 0;
                for (LogRows.EntityRef e : chunk) {
                    n += undo.undo(tx, realm, e.kind(), e.entity(), Undo.atOrBefore(toMillis)) ? 1 : 0;
                }
                return n;
            });
            progress.progress("undoing", from + chunk.size(), entities.size());
        }
        write(now, tx -> {
            ctx.events().markMassDeletionsUndone(realm, toMillis);
            return null;
        });
        return new UndoResult(realm, changed, entities.size());
    }

    private void requireWritable(RealmId realm) throws StorageException {
        String why = local.whyNotWritable(realm);
        if (why != null) {
            throw new ReplicaException("Cannot undo in realm " + realm + ": " + why + ".");
        }
    }

    /** Mass deletions recorded (captured from lh here, or received), newest first. */
    public List<LogRows.MassDeleteRow> massDeletions() {
        return read(tx -> ctx.events().massDeletions());
    }

    /**
     * A mass deletion whose lores are still gone.
     *
     * @param realm        the realm
     * @param at           when the first lore went (ms)
     * @param lores        how many lores it deleted
     * @param stillDeleted how many of the lores touched then are still missing from lh's tables
     * @param undoTo       the time to undo to: just before it (ms)
     */
    public record MassDeletion(RealmId realm, long at, long lores, long stillDeleted, long undoTo) {
    }

    /** Mass deletions not undone whose lores are (partly) still missing here, newest first: what `status` flags. */
    public List<MassDeletion> openMassDeletions() {
        return read(tx -> {
            List<MassDeletion> out = new ArrayList<>();
            for (LogRows.MassDeleteRow m : ctx.events().massDeletions()) {
                RealmId realm = m.realm();
                String local = ctx.localRealmId(realm);
                if (m.undone() || local == null || ctx.realm(realm).isEmpty()) {
                    continue;
                }
                long gone = ctx.events().loresTouchedBetweenAndMissing(realm, m.firstAt() << HybridClock.LOGICAL_BITS,
                    ((m.lastAt() + 1) << HybridClock.LOGICAL_BITS) - 1);
                if (gone > 0) {
                    out.add(new MassDeletion(realm, m.firstAt(), m.lores(), gone, m.firstAt() - 1));
                }
            }
            return out;
        });
    }

    // ---- backup and restore

    /** Meta key: set by a restore (the backup's time), cleared once a peer has synced with this device since. */
    static final String RESTORED = "restore.pending";

    /** Receives each stored event of a snapshot. */
    @FunctionalInterface
    public interface EventSink {
        void accept(EventId id, RealmId realm, long hlc, DeviceId author, byte[] sealed) throws StorageException;
    }

    /**
     * Everything a backup holds from the database, read in one transaction (a consistent snapshot
     * while lh and the daemon keep working): every stored event as sealed, the synced realms, the
     * paired peers and the local realm rows the realms are mapped to.
     */
    public record Snapshot(List<LogRows.SyncedRealmRow> realms, List<LogRows.PeerRow> peers, Map<RealmId, RealmRow> mapped,
                           long events) {
    }

    /** Reads a backup's snapshot, giving each event to {@code sink} inside the same read transaction. */
    public Snapshot snapshot(EventSink sink) {
        try {
            return storage.inReadTransaction(() -> {
                List<LogRows.SyncedRealmRow> realms = ctx.events().realms();
                Map<RealmId, RealmRow> mapped = new TreeMap<>();
                for (LogRows.SyncedRealmRow r : realms) {
                    if (r.localRealmId() != null) {
                        ctx.tables().realm(r.localRealmId()).ifPresent(row -> mapped.put(r.realm(), row));
                    }
                }
                long[] n = {0};
                ctx.events().forEachStored((id, realm, hlc, author, sealed) -> {
                    sink.accept(id, realm, hlc, author, sealed);
                    n[0]++;
                });
                return new Snapshot(realms, ctx.events().peers(), mapped, n[0]);
            });
        } catch (StorageException e) {
            throw new ReplicaException("Cannot read " + storage.describe() + " for a backup: " + e.getMessage(), e);
        }
    }

    /**
     * Restores a backup's realms, peers and realm mappings into this (fresh) replica: synced realms
     * as they were, peers pinned again, each mapped realm onto the local realm row with the same id
     * or path, created when missing. {@code backupTime} is remembered: until a peer has synced with
     * this device, it writes nothing (its own newer events may still exist on peers, and writing
     * first would fork its chain); lh's changes meanwhile wait as unsynced changes and sync after.
     */
    public void restoreState(Snapshot snapshot, long backupTime, long now) {
        write(now, tx -> {
            for (LogRows.SyncedRealmRow r : snapshot.realms()) {
                ctx.events().addRealm(r.realm(), r.founder(), r.nameHint(), r.addedAt(), r.joined(),
                    r.inviter());
            }
            for (LogRows.PeerRow p : snapshot.peers()) {
                ctx.events().putPeer(p.device(), p.keys(), p.displayName(), p.pairedAt());
            }
            for (Map.Entry<RealmId, RealmRow> m : snapshot.mapped().entrySet()) {
                RealmRow want = m.getValue();
                String local = ctx.tables().realm(want.id()).map(RealmRow::id)
                    .or(() -> {
                        try {
                            return ctx.tables().realmByPath(want.path()).map(RealmRow::id);
                        } catch (StorageException e) {
                            throw new ReplicaException(e.getMessage(), e);
                        }
                    }).orElse(null);
                if (local == null) {
                    ctx.tables().insertRealm(want, java.time.Instant.ofEpochMilli(now));
                    local = want.id();
                }
                ctx.events().mapRealm(m.getKey(), local);
            }
            if (!snapshot.peers().isEmpty()) {
                ctx.events().putMeta(RESTORED, Long.toString(backupTime));
                syncedKeyWritten.clear(); // the next sync with each peer commits at once again: it ends this wait
            }
            ctx.reloadRealms();
            return null;
        });
    }

    /** A backup row's inviter as an id (none for a realm this device founded or joined uninvited). */
    /** When this device was restored from a backup and has not heard from a peer since (the backup's time), if so. */
    public Optional<Long> restoredAwaitingPeers() {
        return read(tx -> ctx.events().meta(RESTORED).map(Long::parseLong));
    }

    /** Ends the wait after a restore: this device writes again without waiting for a peer. */
    public void endRestoreWait(long now) {
        write(now, tx -> {
            ctx.events().deleteMeta(RESTORED);
            return null;
        });
    }

    /**
     * Applies every mapped realm's events to lh's tables again (after a restore), in short
     * transactions; returns how many entities were applied.
     */
    public int rematerialiseAll(long now, ProgressListener progress) {
        int done = 0;
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new TreeMap<>(ctx.realms()).entrySet()) {
            if (e.getValue().localRealmId() != null && e.getValue().joined()) {
                done += rematerialise(e.getKey(), now, progress);
            }
        }
        return done;
    }

    // ---- checking and repairing (lorehub-node doctor)

    /**
     * A difference between lh's tables and the fold of the event log.
     *
     * @param realm  the synced realm
     * @param kind   realm, lore or relation
     * @param entity its id
     * @param what   how they differ
     * @param detail for the user: the columns that differ, or what the row holds
     */
    public record Divergence(RealmId realm, EntityKind kind, String entity, Kind what, String detail) {
        /** How lh's row and the synced history differ. */
        public enum Kind {
            /** The history has it, lh's tables do not (deleted behind the node's back). */
            MISSING,
            /** lh's tables have it, the history deleted it. */
            STALE,
            /** Both have it, with different values (changed or damaged behind the node's back). */
            DIFFERS,
            /** Only lh's tables have it: no event ever recorded it (made while capture was off). */
            NEVER_SYNCED
        }
    }

    /**
     * Compares lh's tables with the fold of the event log in every mapped realm. Entities lh
     * changed that are not events yet (pending capture, unsynced changes) are left out.
     */
    public List<Divergence> auditTables() {
        return read(tx -> new TableAudit(ctx, materializer, storage.capture()).run());
    }

    /**
     * Rewrites lh's tables from the event log (never the other way round) in every mapped realm,
     * in short transactions (lh waits at most 5 s for the write lock): every entity with events is
     * materialised again, lh's unsynced changes are given up (their rows go back to the synced
     * state), and lores no event ever recorded are adopted as new events (a capture that was
     * missed). Returns how many entities were materialised.
     */
    public int rebuildTables(long now, ProgressListener progress) {
        discardUnsynced(null, now);
        int done = 0;
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new TreeMap<>(ctx.realms()).entrySet()) {
            String local = e.getValue().localRealmId();
            if (local == null || !e.getValue().joined() || read(tx -> ctx.tables().realm(local).isEmpty())) {
                continue;
            }
            done += rematerialise(e.getKey(), now, progress);
            if (membership(e.getKey()).role(ctx.self()).map(Role::canWrite).orElse(false)) {
                adoptAll(e.getKey(), local, now, progress);
            }
        }
        return done;
    }

    /** Drops every captured change not turned into an event yet (doctor --repair, after capture was missing). */
    public int discardPendingCapture(long now) {
        return write(now, tx -> {
            List<CapturedChange> all = storage.capture().pending(Integer.MAX_VALUE);
            if (!all.isEmpty()) {
                storage.capture().deleteThrough(all.get(all.size() - 1).seq());
            }
            return all.size();
        });
    }

    /** A stored event that does not verify. */
    public record DamagedEvent(EventId id, RealmId realm, String reason) {
    }

    /**
     * Checks every stored event: its id is the SHA-256 of its bytes, its signature verifies, and its
     * header names the realm, time and author it is filed under. {@code progress} hears of each
     * thousand. Read-only.
     */
    public List<DamagedEvent> verifyLog(ProgressListener progress) {
        return read(tx -> {
            List<DamagedEvent> out = new ArrayList<>();
            long total = ctx.events().countAll();
            long[] seen = {0};
            ctx.events().forEachStored((id, r, hlc, author, sealed) -> {
                String problem = null;
                if (!EventId.of(sealed).equals(id)) {
                    problem = "its bytes do not hash to its id (changed on disk)";
                } else {
                    EnvelopeVerifier.Checked checked = EnvelopeVerifier.check(sealed);
                    if (checked.failure() != null) {
                        problem = "it does not verify: " + checked.failure().getMessage();
                    } else {
                        var header = checked.verified().envelope();
                        if (!header.header().realm().equals(r) || header.header().timestamp() != hlc
                            || !header.author().equals(author)) {
                            problem = "it is filed under another realm, time or author than it names";
                        }
                    }
                }
                if (problem != null) {
                    out.add(new DamagedEvent(id, r, problem));
                }
                if (++seen[0] % 1000 == 0) {
                    progress.progress("verifying events", seen[0], total);
                }
            });
            return out;
        });
    }

    /**
     * Removes damaged events from the log (a peer that holds them sends them again), in short
     * transactions, and re-applies the entities they touched. Returns how many were removed.
     */
    public int dropEvents(List<EventId> ids, long now) {
        int removed = 0;
        for (int from = 0; from < ids.size(); from += ADOPT_CHUNK) {
            List<EventId> chunk = ids.subList(from, Math.min(ids.size(), from + ADOPT_CHUNK));
            removed += write(now, tx -> {
                int n = 0;
                for (EventId id : chunk) {
                    n += ctx.events().delete(id) ? 1 : 0;
                }
                return n;
            });
        }
        forgetCaches();
        return removed;
    }

    /** Events of this device that share a place in its own chain (a fork, e.g. after restoring an old backup). */
    public record ChainFork(RealmId realm, long seq, int events) {
    }

    /** Forks of this device's own chains, per realm. */
    public List<ChainFork> ownChainForks() {
        return read(tx -> {
            List<ChainFork> out = new ArrayList<>();
            for (LogRows.ForkRow f : ctx.events().chainForks(ctx.self())) {
                out.add(new ChainFork(f.realm(), f.seq(), f.events()));
            }
            return out;
        });
    }

    // ---- reading

    /** The synced realms this device knows, by id. */
    public Map<RealmId, LogRows.SyncedRealmRow> realms() {
        return Map.copyOf(ctx.realms());
    }

    /** A realm's membership. */
    public Membership membership(RealmId realm) {
        return read(tx -> ctx.membership(realm));
    }

    /** An entity's folded state. */
    public EntityState state(RealmId realm, EntityKind kind, String entity) {
        return read(tx -> materializer.fold(realm, kind, entity));
    }

    /**
     * The body of a stored event, or empty when this device cannot read it. A text sent as a
     * delta whose base is not here (or does not fit it) is left out of the body's values.
     */
    public Optional<EventBody> decode(StoredEvent e) {
        if (e.opaque()) {
            return Optional.empty();
        }
        return Optional.of(read(tx -> {
            try {
                return ctx.decode(e); // a delta's base is read from the log
            } catch (MissingDeltaBaseException | EventFormatException unresolved) {
                return ctx.decodeParts(e).body();
            }
        }));
    }

    /**
     * True if a stored, readable entity event changes the realm's data here: the membership it
     * cites let its author write, and no removal known here voided that (see {@link Membership}).
     */
    public boolean authorized(RealmId realm, EventId id) {
        return read(tx -> {
            Optional<StoredEvent> e = ctx.events().get(id);
            if (e.isEmpty() || e.get().opaque()) {
                return false;
            }
            long seq = e.get().seq() == null ? 0 : e.get().seq(); // null: the previous release's format
            return ctx.writeAuthority(realm, e.get().author(), ReplicaContext.splitIds(e.get().auth()),
                seq, null, e.get().hlc(), id).authorized();
        });
    }

    /** Ids of the realm's membership events held here. */
    public java.util.Set<EventId> membershipEventIds(RealmId realm) {
        return read(tx -> {
            java.util.Set<EventId> out = new java.util.HashSet<>();
            for (LogRows.EventKey k : ctx.events().keysOfKind(realm, EntityKind.MEMBER)) {
                out.add(k.id());
            }
            return out;
        });
    }

    /** True if the event is held. */
    public boolean has(EventId id) {
        return read(tx -> ctx.events().contains(id));
    }

    /** The sealed bytes of an event, if held. */
    public Optional<byte[]> sealed(EventId id) {
        return read(tx -> ctx.events().sealed(id));
    }

    /** The sealed bytes of an event, if held in {@code realm} (empty for another realm's event). */
    public Optional<byte[]> sealed(RealmId realm, EventId id) {
        return read(tx -> ctx.events().sealed(realm, id));
    }

    /** Every event key of a realm (for building its reconciliation set). */
    public List<StoredKey> keys(RealmId realm) {
        return read(tx -> {
            List<StoredKey> keys = new ArrayList<>();
            ctx.events().forEachKey(realm, (hlc, id) -> keys.add(new StoredKey(realm, hlc, id, false, false)));
            return keys;
        });
    }

    /**
     * Keys of a realm's events of one entity kind held here (membership events are of kind MEMBER):
     * what a session that carries only a realm's membership (and an invitation's name) reconciles and offers.
     */
    public List<StoredKey> keysOfKind(RealmId realm, EntityKind kind) {
        return read(tx -> {
            List<StoredKey> keys = new ArrayList<>();
            for (LogRows.EventKey k : ctx.events().keysOfKind(realm, kind)) {
                keys.add(new StoredKey(realm, k.hlc(), k.id(), kind == EntityKind.MEMBER, false));
            }
            return keys;
        });
    }

    /** Recorded conflicts. */
    public List<LogRows.ConflictRow> conflicts() {
        return read(tx -> ctx.events().conflicts());
    }

    /**
     * The event log, for read-only queries by the CLI, the daemon and tests (on the same thread as
     * every other call, outside the replica's transactions). Writes go through the replica's
     * methods, never through this.
     */
    public EventLog events() {
        return ctx.events();
    }

    /** The device identity's public keys. */
    public DeviceKeys publicKeys() {
        return ctx.identity().publicKeys();
    }

    /** The realm keyring, if this device holds one. */
    public Optional<RealmKeyring> keyring(RealmId realm) {
        return ctx.secrets().keyring(realm);
    }

    /** The largest HLC issued or seen. */
    public long clockValue() {
        return ctx.clock().last();
    }

    /** A digest of every synced realm's shared state as lh sees it; equal digests mean identical tables. */
    public String digest() {
        return read(tx -> StateDigest.of(ctx));
    }

    @Override
    public void close() {
        storage.close();
    }
}

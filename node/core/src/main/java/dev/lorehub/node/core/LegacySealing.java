package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Seals realms founded by the previous release (see {@link Membership}, "Seals"): writes the
 * seals that accept the legacy events this device holds, by hand ({@code lorehub-node realm seal})
 * or once automatically on an admin device.
 *
 * <p>When the automatic seal happens: a legacy event that is in no seal is refused once a seal
 * counts, so sealing before a member's pre-upgrade changes have arrived would refuse them. The
 * automatic seal therefore waits until every other member of the realm has completed a sync with
 * this device since the upgrade (a sync this release recorded), or {@link #AUTO_SEAL_AFTER_MILLIS}
 * have passed since this device first saw the realm after the upgrade (members it never syncs with
 * directly, a device that never comes back).
 * An admin who later receives a straggler's legacy events can seal again: seals add up.
 */
final class LegacySealing {
    /** The automatic seal waits at most this long for every member to sync (7 days). */
    static final long AUTO_SEAL_AFTER_MILLIS = 7L * 24 * 3600 * 1000;
    /** Meta key: "off" turns the automatic seal off on this device. */
    static final String AUTO = "legacy.autoSeal";

    private final ReplicaContext ctx;
    private final EventWriter writer;

    LegacySealing(ReplicaContext ctx, EventWriter writer) {
        this.ctx = ctx;
        this.writer = writer;
    }

    static String sealedKey(RealmId realm) {
        return "legacy.sealed." + realm;
    }

    static String firstSeenKey(RealmId realm) {
        return "legacy.firstSeen." + realm;
    }

    /** Meta key: when this release last completed a sync with a peer (set by {@code Replica#notePeerSynced}). */
    static String syncedKey(DeviceId peer) {
        return "upgrade.synced." + peer;
    }

    /**
     * Writes the seals of a legacy realm: every legacy membership event of its implicit chain, and
     * every readable legacy data event that takes effect here (or that only a removal voided), in as
     * many seals as {@link LegacySeal#MAX_IDS} needs. Each seal lists the whole chain (a seal must
     * accept every legacy membership event it cites). Returns how many legacy events were accepted.
     */
    int seal(Tx tx, RealmId realm) throws StorageException {
        Membership m = ctx.membership(realm);
        if (!m.legacyRealm().orElse(false)) {
            throw new ReplicaException("Realm " + realm + " was founded by this release: it holds no events of the previous "
                + "release to seal.");
        }
        List<EventId> chain = m.legacyChain();
        TreeSet<EventId> data = new TreeSet<>();
        for (LogRows.LegacyRow row : ctx.events().legacyEntityEvents(realm)) {
            EventId id = row.id();
            ReplicaContext.Authority a = ctx.writeAuthority(realm, row.author(), List.of(), 0, null,
                row.hlc(), id);
            if (a.status() == Membership.WriteStatus.AUTHORIZED || a.status() == Membership.WriteStatus.VOIDED) {
                data.add(id);
            }
        }
        int room = LegacySeal.MAX_IDS - chain.size();
        if (room <= 0) {
            throw new ReplicaException("Realm " + realm + " has " + chain.size() + " membership events of the previous "
                + "release, more than one seal can list (" + LegacySeal.MAX_IDS + ").");
        }
        List<EventId> all = new ArrayList<>(data);
        int from = 0;
        do {
            List<EventId> part = new ArrayList<>(chain);
            part.addAll(all.subList(from, Math.min(all.size(), from + room)));
            writer.emit(tx, realm, new MembershipChange(MembershipChange.Op.SEAL, null, null, null,
                ctx.membership(realm).currentEpoch(), List.of(), new LegacySeal(part).encode(), null), 0);
            from += room;
        } while (from < all.size());
        ctx.events().putMeta(sealedKey(realm), Long.toString(tx.now()));
        return chain.size() + data.size();
    }

    /** Where the automatic seal of a realm stands. */
    enum AutoSeal {
        /** Not for this device: sealed here already, not a legacy realm, not joined, not an admin. */
        NONE,
        /** First seen after the upgrade: the time must be recorded. */
        FIRST_SEEN,
        /** Waiting for members to sync (or for the deadline). */
        WAITING,
        /** Seal now. */
        DUE
    }

    /**
     * Seals, once, each joined legacy realm this device administers, when that is due (see the
     * class comment); records when it first saw each such realm. Returns the realms sealed.
     */
    List<RealmId> sealDue(Tx tx) throws StorageException {
        List<RealmId> sealed = new ArrayList<>();
        for (RealmId realm : ctx.realms().keySet().stream().sorted().toList()) {
            switch (autoSeal(realm, tx.now())) {
                case FIRST_SEEN -> ctx.events().putMeta(firstSeenKey(realm), Long.toString(tx.now()));
                case DUE -> {
                    seal(tx, realm);
                    sealed.add(realm);
                }
                default -> {
                }
            }
        }
        return sealed;
    }

    /** Where the automatic seal of a realm stands now (see the class comment). */
    AutoSeal autoSeal(RealmId realm, long now) throws StorageException {
        LogRows.SyncedRealmRow row = ctx.realm(realm).orElse(null);
        if (row == null || !row.joined()) {
            return AutoSeal.NONE;
        }
        // What memory answers first: almost every realm is not a legacy one, and the endpoint asks at every
        // maintenance (every 2 s), so most asks now read nothing from the database.
        Membership m = ctx.membership(realm);
        if (!m.legacyRealm().orElse(false) || m.role(ctx.self()).orElse(null) != Role.ADMIN
            || "off".equals(ctx.events().meta(AUTO).orElse(null)) || ctx.events().meta(sealedKey(realm)).isPresent()) {
            return AutoSeal.NONE;
        }
        Optional<String> first = ctx.events().meta(firstSeenKey(realm));
        if (first.isEmpty()) {
            return AutoSeal.FIRST_SEEN;
        }
        long since = Long.parseLong(first.get());
        if (now - since >= AUTO_SEAL_AFTER_MILLIS) {
            return AutoSeal.DUE;
        }
        for (DeviceId member : m.members().keySet()) {
            if (!member.equals(ctx.self()) && ctx.events().meta(syncedKey(member)).isEmpty()) {
                return AutoSeal.WAITING;
            }
        }
        return AutoSeal.DUE;
    }
}

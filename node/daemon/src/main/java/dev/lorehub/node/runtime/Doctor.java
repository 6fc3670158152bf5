package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.HybridClock;
import dev.lorehub.node.core.ProgressListener;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaOptions;
import dev.lorehub.node.store.ChangeCapture;
import dev.lorehub.node.core.EventLog;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.StorageException;
import dev.lorehub.node.store.LhCompatibility;
import dev.lorehub.node.store.LhMigrationRecord;
import dev.lorehub.node.store.LhMigrationRepair;
import dev.lorehub.node.store.LhViolation;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.store.LoreHubDatabaseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code lorehub-node doctor}: checks a data directory and, with {@code --repair}, fixes what can
 * be fixed from the event log (never the other way round), after a backup of lorehub.db.
 *
 * <p>Checks, in order: file permissions; SQLite's {@code integrity_check}; change capture installed;
 * drizzle's migration record and rows lh could not read ({@link LhCompatibility}); every stored
 * event's hash and signature; lh's tables against the fold of the event log; then notices: events
 * held, refused or unsynced, captured changes waiting, mass deletions, realms of the previous release
 * not sealed, forks of this device's own chain.
 *
 * <p>{@code --repair} turns changes lh made that capture recorded into events first, as the daemon
 * would, unless change capture was missing: then a captured row may since have been changed or
 * deleted unseen, so those records are set aside and lh's rows go back to the synced history (lh's
 * version stays in the backup). Lores that no event records at all (made while capture was off)
 * are adopted as new events, as {@code realm share} adopts a project's lores.
 *
 * <p>Exit codes, one per class of finding; the most severe found wins (see {@link Finding.Kind}):
 * 0 nothing wrong (notices may be printed), 21 lh's tables differ from the synced history,
 * 22 change capture or drizzle's record incomplete, 23 files readable by others, 24 damaged events
 * in the log, 25 the database file itself is damaged. 21 to 24 are what {@code --repair} fixes; 25
 * needs a backup ({@code lorehub-node restore}) or SQLite's {@code .recover}.
 */
public final class Doctor {
    /** Entities re-applied per transaction during a repair is the replica's business; this is the hint shown. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private Doctor() {
    }

    /**
     * One thing found.
     *
     * @param kind       its class (and exit code)
     * @param summary    what is wrong, in user words
     * @param details    examples (at most 20)
     * @param fix        what to do
     * @param repairable whether {@code --repair} fixes it
     */
    public record Finding(Kind kind, String summary, List<String> details, String fix, boolean repairable) {
        /** Classes of findings, with their exit codes (most severe last). */
        public enum Kind {
            /** Worth knowing, nothing broken: exit 0. */
            NOTICE(0),
            /** lh's tables differ from the fold of the event log: exit 21. */
            TABLES(21),
            /** Change capture missing or outdated, or drizzle's migration record incomplete: exit 22. */
            SCHEMA(22),
            /** The data directory's files can be read by other users: exit 23. */
            PERMISSIONS(23),
            /** Stored events whose bytes or signature do not check out: exit 24. */
            EVENTS(24),
            /** SQLite reports the database file damaged: exit 25. */
            DATABASE(25);

            private final int exitCode;

            Kind(int exitCode) {
                this.exitCode = exitCode;
            }

            public int exitCode() {
                return exitCode;
            }
        }

        public Finding {
            details = List.copyOf(details);
        }

        /** A finding {@code --repair} fixes exactly when it is of classes 21 to 24. */
        public Finding(Kind kind, String summary, List<String> details, String fix) {
            this(kind, summary, details, fix, kind != Kind.NOTICE && kind != Kind.DATABASE);
        }
    }

    /** All findings; {@link #exitCode()} is that of the most severe. */
    public record Report(List<Finding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        public int exitCode() {
            return findings.stream().mapToInt(f -> f.kind().exitCode()).max().orElse(0);
        }

        public boolean healthy() {
            return exitCode() == 0;
        }
    }

    /** Checks the data directory without changing anything lh relies on (capture is not reinstalled). */
    public static Report check(NodeHome home, ProgressListener progress) {
        NodeFiles.requireInitialised(home);
        List<Finding> out = new ArrayList<>();
        List<String> exposed = NodeFiles.exposed(home);
        if (!exposed.isEmpty()) {
            out.add(new Finding(Finding.Kind.PERMISSIONS, "Other users of this machine can read or change this device's synced "
                + "data and keys.", exposed, NodeFiles.chmodCommand(NodeFiles.privateFiles(home)) + "   (or: lorehub-node doctor "
                + "--repair)"));
        }
        LoreHubDatabase db;
        try {
            db = LoreHubDatabase.open(home.database());
        } catch (LoreHubDatabaseException e) {
            out.add(new Finding(Finding.Kind.DATABASE, "lorehub.db cannot be opened as LoreHub's database.", List.of(e.getMessage()),
                "restore it from a backup (`lorehub-node restore FILE`), or let SQLite salvage it: sqlite3 lorehub.db .recover"));
            return new Report(out);
        }
        try {
            Connection c = db.connection();
            List<String> damage = integrity(c);
            if (!damage.isEmpty()) {
                out.add(new Finding(Finding.Kind.DATABASE, "SQLite finds lorehub.db damaged (integrity_check).", damage,
                    "restore it from a backup (`lorehub-node restore FILE`), or let SQLite salvage it: sqlite3 lorehub.db "
                        + ".recover | sqlite3 lorehub-recovered.db"));
                return new Report(out);
            }
            if (!ChangeCapture.isInstalled(c)) {
                out.add(new Finding(Finding.Kind.SCHEMA, "Change capture is not installed (or is outdated): what lh changes now "
                    + "is not synced, and rows it deletes stay gone here only.", List.of(), "lorehub-node doctor --repair"));
            }
            migrations(c, out);
            readability(c, out);
            Replica r = SqliteReplicas.open(db, DeviceIdentity.load(home.identity()), SecretStore.open(home.realmKeys()),
                new SecureRandom(), ReplicaOptions.DEFAULT.withoutInstallingCapture());
            db = null; // the replica owns it now
            try {
                replicaChecks(r, c, progress, out);
            } finally {
                r.close();
            }
        } catch (SQLException | StorageException e) {
            out.add(new Finding(Finding.Kind.DATABASE, "lorehub.db could not be read through.", List.of(e.getMessage()),
                "restore it from a backup (`lorehub-node restore FILE`)"));
        } finally {
            if (db != null) {
                db.close();
            }
        }
        out.sort(Comparator.comparingInt((Finding f) -> -f.kind().exitCode()));
        return new Report(out);
    }

    private static List<String> integrity(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check(20)")) {
            while (rs.next()) {
                if (!"ok".equalsIgnoreCase(rs.getString(1))) {
                    problems.add(rs.getString(1));
                }
            }
        }
        return problems;
    }

    private static void migrations(Connection c, List<Finding> out) throws SQLException {
        var missing = LhMigrationRecord.missing(c);
        if (!missing.isEmpty()) {
            out.add(new Finding(Finding.Kind.SCHEMA, "drizzle's record of lh's migrations lacks " + missing.size() + " of lh 0.2.2's "
                + "12: lh would try to create its tables again and every lh command would fail.",
                missing.stream().map(m -> m.tag()).toList(), "lorehub-node doctor --repair"));
        }
        switch (LhMigrationRepair.diagnose(c)) {
            case NEEDS_REPAIR -> out.add(new Finding(Finding.Kind.SCHEMA, "drizzle's record says lh created its vector table "
                + "lores_vec (migration 0010), but it is missing (an earlier node version recorded it): semantic search, "
                + "`lh similar` and `lh migrate-embeddings` fail for good.", List.of(), "lorehub-node doctor --repair (lh's "
                + "next start then creates it)"));
            case COMPLETE, AWAITING_LH -> {
                // whole, or lh's next start applies 0010 and 0011 itself
            }
            case OTHER -> {
                if (!LhMigrationRecord.hasVectorTable(c)) {
                    out.add(new Finding(Finding.Kind.NOTICE, "lh's vector table lores_vec is missing: `lh` works, but semantic "
                        + "search, `lh similar` and `lh migrate-embeddings` do not.", List.of(), "none needed for syncing"));
                }
            }
        }
    }

    private static void readability(Connection c, List<Finding> out) throws SQLException {
        List<String> rows = new ArrayList<>();
        for (LhViolation v : LhCompatibility.check(c)) {
            if (!v.table().equals("__drizzle_migrations")) {
                rows.add(v.describe());
            }
        }
        if (!rows.isEmpty()) {
            out.add(new Finding(Finding.Kind.TABLES, rows.size() + " row(s) in lh's tables that lh cannot read (one such row makes "
                + "`lh export` fail as a whole).", rows.subList(0, Math.min(rows.size(), 20)), "lorehub-node doctor --repair "
                + "(rows of synced lores are rewritten from the synced history; others are left for you to fix)"));
        }
    }

    private static void replicaChecks(Replica r, Connection c, ProgressListener progress, List<Finding> out)
        throws SQLException, StorageException {
        List<Replica.DamagedEvent> damaged = r.verifyLog(progress);
        if (!damaged.isEmpty()) {
            out.add(new Finding(Finding.Kind.EVENTS, damaged.size() + " stored event(s) do not check out (changed on disk?).",
                damaged.stream().limit(20).map(d -> d.id().shortForm() + " in realm " + d.realm() + ": "
                    + d.reason()).toList(), "lorehub-node doctor --repair (they are removed; a peer that holds them sends them "
                + "again)"));
        }
        if (!damaged.isEmpty()) {
            // folding an entity decrypts its events, and a damaged one does not open: compare after --repair removed them
            out.add(new Finding(Finding.Kind.NOTICE, "lh's tables were not compared with the synced history: damaged events "
                + "must go first.", List.of(), "lorehub-node doctor --repair, then lorehub-node doctor"));
            notices(r, c, out);
            return;
        }
        List<Replica.Divergence> divergences = r.auditTables();
        List<String> differ = new ArrayList<>();
        List<String> never = new ArrayList<>();
        for (Replica.Divergence d : divergences) {
            String line = d.kind().name().toLowerCase() + " " + d.entity().replace('\n', ' ') + ": " + describe(d);
            (d.what() == Replica.Divergence.Kind.NEVER_SYNCED ? never : differ).add(line);
        }
        if (!differ.isEmpty()) {
            out.add(new Finding(Finding.Kind.TABLES, differ.size() + " difference(s) between lh's tables and the synced history "
                + "(rows changed or deleted while change capture was off, or damaged).", differ.subList(0,
                Math.min(20, differ.size())), "lorehub-node doctor --repair (rewrites lh's rows from the synced history, "
                + "after backing up lorehub.db)"));
        }
        if (!never.isEmpty()) {
            out.add(new Finding(Finding.Kind.NOTICE, never.size() + " lore(s) in synced realms that no event records (made "
                + "while change capture was off): they exist on this device only.", never.subList(0, Math.min(20, never.size())),
                "lorehub-node doctor --repair (syncs them)"));
        }
        notices(r, c, out);
    }

    private static String describe(Replica.Divergence d) {
        return switch (d.what()) {
            case MISSING -> "missing from lh's tables (" + d.detail() + ")";
            case STALE -> "in lh's tables but " + d.detail();
            case DIFFERS -> "differs in " + d.detail();
            case NEVER_SYNCED -> d.detail();
        };
    }

    private static void notices(Replica r, Connection c, List<Finding> out) throws SQLException, StorageException {
        EventLog events = r.events();
        long held = events.heldCounts().stream().mapToLong(LogRows.HeldCount::count).sum();
        if (held > 0) {
            out.add(new Finding(Finding.Kind.NOTICE, held + " event(s) held aside (waiting for membership, or stamped ahead).",
                List.of(), "none: they are re-examined as membership arrives and time passes (see `lorehub-node status`)"));
        }
        long refused = events.refusals().stream().mapToLong(LogRows.RefusalRow::count).sum();
        if (refused > 0) {
            out.add(new Finding(Finding.Kind.NOTICE, refused + " event(s) refused from peers or remotes.", List.of(),
                "see `lorehub-node log --refused`"));
        }
        int unsynced = r.unsynced().size();
        if (unsynced > 0) {
            out.add(new Finding(Finding.Kind.NOTICE, unsynced + " local change(s) cannot sync yet.", List.of(),
                "see `lorehub-node status`; `lorehub-node unsynced discard` gives them up"));
        }
        if (ChangeCapture.hasTable(c)) {
            long pending = ChangeCapture.pendingCount(c);
            if (pending > 0) {
                out.add(new Finding(Finding.Kind.NOTICE, pending + " change(s) lh made are captured but not synced yet.", List.of(),
                    "start the node (`lorehub-node start`); `doctor --repair` turns them into events first too", true));
            }
        }
        for (Replica.MassDeletion m : r.openMassDeletions()) {
            out.add(new Finding(Finding.Kind.NOTICE, m.lores() + " lores of realm " + m.realm().toString().substring(0, 12)
                + " were deleted together at " + Instant.ofEpochMilli(m.at()) + " (by another tool, e.g. `lh import`?); "
                + m.stillDeleted() + " are still gone.", List.of(), undoCommand(m)));
        }
        for (RealmId realm : new TreeMap<>(r.realms()).keySet()) {
            r.legacyStatus(realm).filter(s -> !s.sealed()).ifPresent(s -> out.add(new Finding(Finding.Kind.NOTICE, "Realm "
                + realm.toString().substring(0, 12) + " was written by the previous release and is not sealed: a device removed "
                + "before the upgrade could still add backdated events.", List.of(), "an admin runs `lorehub-node realm seal "
                + "--realm " + realm.toString().substring(0, 12) + "` (admins also seal by themselves once every member has "
                + "synced)")));
        }
        Map<RealmId, Integer> forks = new TreeMap<>();
        for (Replica.ChainFork f : r.ownChainForks()) {
            forks.merge(f.realm(), 1, Integer::sum);
        }
        forks.forEach((realm, n) -> out.add(new Finding(Finding.Kind.NOTICE, "This device's own history in realm "
            + realm.toString().substring(0, 12) + " forks at " + n + " place(s) (it wrote again after a restore from an older "
            + "backup, before its newer events came back).", List.of(), "none needed: both branches merge like concurrent edits")));
    }

    /** The exact command that undoes a mass deletion. */
    public static String undoCommand(Replica.MassDeletion m) {
        return "lorehub-node undo --realm " + m.realm().toString().substring(0, 12) + " --to " + Instant.ofEpochMilli(m.undoTo());
    }

    /**
     * Repairs what the check finds, from the event log: backs up lorehub.db first (SQLite's
     * {@code VACUUM INTO}, beside it), makes the files private, reinstalls change capture,
     * completes drizzle's record, removes damaged events, turns lh's captured changes into events,
     * then rewrites lh's tables from the log in short transactions. Needs the daemon stopped (it
     * holds the node lock for the duration). Returns the check made afterwards.
     */
    @SuppressWarnings("try") // the lock is held for the whole repair, never read
    public static Report repair(NodeHome home, long now, Consumer<String> say, ProgressListener progress) {
        NodeFiles.requireInitialised(home);
        try (NodeLock lock = NodeLock.acquire(home)) {
            Report before = check(home, progress);
            if (before.findings().stream().anyMatch(f -> f.kind() == Finding.Kind.DATABASE)) {
                say.accept("The database file itself is damaged: doctor --repair cannot fix that (restore a backup instead).");
                return before;
            }
            if (before.findings().stream().noneMatch(Finding::repairable)) {
                say.accept("Nothing to repair.");
                return before;
            }
            Path backup = backup(home, now);
            say.accept("Backed up lorehub.db to " + backup);
            try {
                NodeFiles.makePrivate(home);
            } catch (IOException e) {
                say.accept("Could not make the files private: " + e.getMessage());
            }
            boolean captureWasOff;
            try (LoreHubDatabase db = LoreHubDatabase.open(home.database())) {
                captureWasOff = !ChangeCapture.isInstalled(db.connection());
                int recorded = db.inTransaction(LhMigrationRecord::complete);
                if (recorded > 0) {
                    say.accept("Recorded " + recorded + " of lh's migrations in __drizzle_migrations.");
                }
                db.installCapture();
                if (LhMigrationRepair.diagnose(db.connection()) == LhMigrationRepair.State.NEEDS_REPAIR) {
                    say.accept(LhMigrationRepair.repair(db).message());
                }
            } catch (SQLException | dev.lorehub.node.store.LoreHubDatabaseException e) {
                throw new NodeException("Cannot repair " + home.database() + ": " + e.getMessage(), NodeException.Reason.STATE);
            }
            LoreHubDatabase db = LoreHubDatabase.open(home.database());
            try (Replica r = SqliteReplicas.open(db, DeviceIdentity.load(home.identity()), SecretStore.open(home.realmKeys()),
                new SecureRandom())) {
                List<EventId> damaged = r.verifyLog(progress).stream().map(Replica.DamagedEvent::id).toList();
                if (!damaged.isEmpty()) {
                    say.accept("Removed " + r.dropEvents(damaged, now) + " damaged event(s) from the log.");
                }
                if (captureWasOff) {
                    // a captured row only says "this row changed: read it"; with capture off since, the row may hold
                    // changes capture never saw (deletions, damage), so reading it now would sync them
                    int dropped = r.discardPendingCapture(now);
                    if (dropped > 0) {
                        say.accept("Set aside " + dropped + " change(s) captured before change capture went missing: lh's rows "
                            + "go back to the synced history (lh's version is in the backup).");
                    }
                } else {
                    int captured = 0;
                    for (int round = 0; round < 100_000; round++) {
                        captured += r.captureLocalChanges(now).size();
                        if (!r.hasPendingCapture()) {
                            break;
                        }
                    }
                    if (captured > 0) {
                        say.accept("Turned " + captured + " change(s) lh had made into events.");
                    }
                }
                int applied = r.rebuildTables(now, progress);
                say.accept("Rewrote lh's tables from the synced history (" + applied + " lores, relations and realms).");
            }
            return check(home, progress);
        }
    }

    /** Copies lorehub.db beside itself with SQLite's VACUUM INTO (consistent while lh works), private to the owner. */
    static Path backup(NodeHome home, long now) {
        Path target = home.dataDir().resolve("lorehub.db.before-repair-" + STAMP.format(Instant.ofEpochMilli(now)));
        for (int i = 1; Files.exists(target); i++) {
            target = home.dataDir().resolve("lorehub.db.before-repair-" + STAMP.format(Instant.ofEpochMilli(now)) + "-" + i);
        }
        try (LoreHubDatabase db = LoreHubDatabase.open(home.database());
             Statement s = db.connection().createStatement()) {
            s.execute("VACUUM INTO '" + target.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new NodeException("Cannot back up " + home.database() + " before repairing it: " + e.getMessage()
                + ". Nothing was changed.", NodeException.Reason.STATE);
        }
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX modes here
        }
        return target;
    }

    /** For messages: an HLC as a time. */
    static String time(long hlc) {
        return HybridClock.format(hlc);
    }
}

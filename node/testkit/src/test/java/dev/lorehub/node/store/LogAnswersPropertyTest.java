package dev.lorehub.node.store;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.EventLog;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.StorageException;
import dev.lorehub.node.core.StoredEvent;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event log answers some questions from memory ({@link LogAnswers}, {@link RecentlyStored}); whatever
 * sequence of writes, removals, reveals and rolled-back transactions ran, every answer equals what the
 * tables say (read by a second, uncached {@link EventStore} on the same connection), inside a
 * transaction and after it.
 */
class LogAnswersPropertyTest {
    private static final RealmId[] REALMS = {RealmId.fromBytes(fill(16, 1)), RealmId.fromBytes(fill(16, 2))};
    private static final DeviceId[] AUTHORS = {DeviceId.fromBytes(fill(32, 7)), DeviceId.fromBytes(fill(32, 8))};
    private static final String[] ENTITIES = {"lore-a", "lore-b", "lore-c"};
    private static final int EVENTS = 8;
    private static final String[] REASONS = {"AHEAD", "WAITING"};

    private static byte[] fill(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static EventId id(int n) {
        return EventId.fromBytes(fill(32, 100 + n));
    }

    /** Event n: realm, author and entity from n; seq n / 2 + 1 in its author's chain, the previous even id as prev. */
    private static StoredEvent event(int n, boolean opaque) {
        RealmId realm = REALMS[n % 2];
        DeviceId author = AUTHORS[(n / 2) % 2];
        EventId prev = n >= 4 ? id(n - 4) : null;
        return opaque
            ? new StoredEvent(id(n), realm, 1000L + n, author, null, null, fill(40, n), null, null, null)
            : new StoredEvent(id(n), realm, 1000L + n, author, EntityKind.LORE, ENTITIES[n % 3], fill(40, n),
                (long) n / 4 + 1, prev, new byte[0]);
    }

    private static LogRows.HeldEvent held(int n) {
        StoredEvent e = event(n, false);
        return new LogRows.HeldEvent(e.id(), e.realm(), e.hlc(), e.author(), REASONS[n % 2], "test", "peer", e.sealed(), 5);
    }

    /**
     * Each step is one int: the operation in its low digit, the event (or realm) above it. Operations:
     * 0 append, 1 append opaque, 2 hold, 3 release, 4 delete, 5 reveal, 6 forget the realm, 7 ask every
     * question; 10 and above run the step (minus 10) inside a transaction that asks before and after it and
     * then rolls back.
     */
    @Property(tries = 60)
    void everyAnswerEqualsWhatTheTablesSay(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 199) Integer> steps)
        throws Exception {
        Path dir = Files.createTempDirectory("log-answers");
        try (LoreHubDatabase db = StoreFixtures.lhDatabaseWithCapture(dir)) {
            SqliteStorage storage = new SqliteStorage(db);
            storage.runInTransaction(storage::installTables);
            EventLog log = storage.events();
            EventStore tables = new EventStore(db.connection());
            for (int step : steps) {
                boolean rolledBack = step >= 100;
                int op = step % 10;
                int n = (step / 10) % EVENTS;
                if (rolledBack) {
                    try {
                        storage.runInTransaction(() -> {
                            compare(log, tables, db.connection());
                            apply(log, op, n);
                            compare(log, tables, db.connection());
                            throw new Undo();
                        });
                    } catch (Undo expected) {
                        // rolled back
                    }
                } else {
                    storage.runInTransaction(() -> apply(log, op, n));
                }
                compare(log, tables, db.connection());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Another thread's read that overlaps a write (its statement ran before the write's, or between the
     * write's statement and its report) is not kept: the next question reads the log again.
     */
    @Example
    void anAnswerReadWhileAWriteRanIsNotKept() {
        LogAnswers answers = new LogAnswers();
        StoredEvent e = event(1, false);

        long before = answers.version(); // the reader starts
        answers.writing(); // the writer's statement runs
        answers.appended(e, true);
        answers.notStored(e.id(), before); // the reader's "absent" arrives late
        assertThat(answers.knownNotStored(e.id())).isFalse();

        answers.writing();
        long during = answers.version(); // read after the write's statement, before its report
        answers.chain(e.realm(), e.author(), List.of(new LogRows.ChainLink(e.id(), e.seq(), e.prev())), during);
        answers.appended(event(5, false), true);
        assertThat(answers.chain(e.realm(), e.author())).isNull();

        long quiet = answers.version();
        answers.notStored(id(3), quiet);
        assertThat(answers.knownNotStored(id(3))).as("read with no write under way").isTrue();
    }

    private static final class Undo extends RuntimeException {
        Undo() {
            super("roll back", null, false, false);
        }
    }

    private static void apply(EventLog log, int op, int n) throws StorageException {
        StoredEvent e = event(n, false);
        switch (op) {
            case 0 -> log.append(e, 5);
            case 1 -> log.append(event(n, true), 5);
            case 2 -> log.hold(held(n));
            case 3 -> log.release(e.id());
            case 4 -> log.delete(e.id());
            case 5 -> log.reveal(e.id(), e.kind(), e.entity(), e.seq(), e.prev(), e.auth());
            case 6 -> log.forgetRealm(e.realm());
            default -> {
                // ask only (compare does)
            }
        }
    }

    /** Every field of every event, in order (a record's equals compares byte arrays by identity). */
    private static List<String> describe(List<StoredEvent> events) {
        return events.stream().map(e -> String.join(" ", e.id().toString(), e.realm().toString(), Long.toString(e.hlc()),
            e.author().toString(), String.valueOf(e.kind()), String.valueOf(e.entity()), Arrays.toString(e.sealed()),
            String.valueOf(e.seq()), String.valueOf(e.prev()), Arrays.toString(e.auth()))).toList();
    }

    private static long count(java.sql.Connection connection, String sql, EventId id) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setBytes(1, id.toBytes());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void compare(EventLog log, EventStore tables, java.sql.Connection connection) {
        try {
            for (int n = 0; n < EVENTS; n++) {
                EventId id = id(n);
                // counted by statements of the test's own, not EventStore's, so a wrong whereIs fails here too
                boolean stored = count(connection, "SELECT count(*) FROM lhsync_events WHERE id = ?", id) > 0;
                boolean held = count(connection, "SELECT count(*) FROM lhsync_held WHERE id = ?", id) > 0;
                // asked before and after contains: contains's read keeps its answer for this question too, so an
                // answer this question kept wrongly shows only when it is asked first
                assertThat(log.storedOrHeld(id)).as("stored or held %s, asked first", n).isEqualTo(stored || held);
                assertThat(log.contains(id)).as("contains %s", n).isEqualTo(stored);
                assertThat(log.storedOrHeld(id)).as("stored or held %s", n).isEqualTo(stored || held);
            }
            for (RealmId realm : REALMS) {
                for (DeviceId author : AUTHORS) {
                    assertThat(new HashSet<>(log.chain(realm, author))).as("chain")
                        .isEqualTo(new HashSet<>(tables.chain(realm.toBytes(), author.toBytes())));
                    List<String> visited = new java.util.ArrayList<>();
                    log.forEachAuthorshipBy(realm, author, (kind, entity, by, hlc, id, seq, auth) ->
                        visited.add(kind + " " + entity + " " + by + " " + hlc + " " + id + " " + seq + " " + Arrays.toString(auth)));
                    List<String> scanned = new java.util.ArrayList<>();
                    tables.forEachAuthorshipBy(realm.toBytes(), author.toBytes(), EntityKind.MEMBER.code(),
                        (kind, entity, by, hlc, id, seq, auth) -> scanned.add(EntityKind.ofCode(kind) + " " + entity + " "
                            + DeviceId.fromBytes(by) + " " + hlc + " " + id + " " + seq + " " + Arrays.toString(auth)));
                    assertThat(visited).as("authorships, in the index's order").isEqualTo(scanned);
                }
                assertThat(log.heldSize(realm)).as("held size").isEqualTo(tables.heldSize(realm.toBytes()));
            }
            for (String entity : ENTITIES) {
                assertThat(log.hasEventsOf(EntityKind.LORE, entity)).as("has events of %s", entity)
                    .isEqualTo(tables.hasEventsOf(EntityKind.LORE.code(), entity));
                assertThat(describe(log.eventsOf(EntityKind.LORE, entity))).as("events of %s", entity)
                    .isEqualTo(describe(tables.eventsOf(EntityKind.LORE.code(), entity)));
                assertThat(log.realmsOf(EntityKind.LORE, entity)).as("realms of %s", entity)
                    .isEqualTo(tables.realmsOf(EntityKind.LORE.code(), entity).stream().map(RealmId::fromBytes).sorted().toList());
            }
            for (String reason : REASONS) {
                Optional<Long> min = tables.minHeldHlc(reason);
                assertThat(log.minHeldHlc(reason)).as("oldest held for %s", reason).isEqualTo(min);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

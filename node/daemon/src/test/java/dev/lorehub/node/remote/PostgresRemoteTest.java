package dev.lorehub.node.remote;

import dev.lorehub.node.remote.RemoteIntegrityException.Reason;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The PostgreSQL hub against a real server on 127.0.0.1 (one per class, a fresh database per test). */
class PostgresRemoteTest extends RemoteContract {
    static PostgresServer server;
    static final AtomicInteger databases = new AtomicInteger();
    String database;

    @BeforeAll
    static void startServer() throws Exception {
        String why = PostgresServer.unavailable();
        assumeTrue(why == null, why);
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        database = server.createDatabase("hub" + databases.incrementAndGet());
    }

    @Override
    Remote open(TestNode node) {
        return new PostgresRemote("hub", server.url(database), server.properties(), node.id());
    }

    @Override
    Reason expected(Tamper how) {
        // Rows are keyed by event id: a copied row must take another id, which then does not match its bytes.
        return how == Tamper.REPLAY_FIRST ? Reason.CORRUPT : super.expected(how);
    }

    @Override
    void tamper(Devices d, Tamper how) throws Exception {
        try (Connection c = DriverManager.getConnection(server.url(database), server.properties());
             Statement s = c.createStatement()) {
            switch (how) {
                case FLIP_BYTE -> s.executeUpdate("UPDATE lorehub_sync_events SET sealed = set_byte(sealed, 100, "
                    + "get_byte(sealed, 100) # 1) WHERE seq = 1");
                case DELETE_FIRST -> s.executeUpdate("DELETE FROM lorehub_sync_events WHERE seq = 1");
                case REPLAY_FIRST -> {
                    // The first row again, as a new row of the realm (its id must differ: the key is unique).
                    s.executeUpdate("INSERT INTO lorehub_sync_events (id, realm, seq, writer, sealed) SELECT "
                        + "sha256(id), realm, (SELECT max(seq) + 1 FROM lorehub_sync_events), writer, sealed "
                        + "FROM lorehub_sync_events WHERE seq = 1");
                    s.executeUpdate("UPDATE lorehub_sync_realms SET last_seq = last_seq + 1");
                }
            }
        }
    }

    @Test
    void threeDevicesConvergeAndTheDatabaseHoldsNoPlaintext() throws Exception {
        try (Devices d = devices(3, 25)) {
            d.settle(); // the others learn they are members before they write
            for (int i = 1; i < 3; i++) {
                String local = d.node(i).lh.queryString("SELECT id FROM realms");
                d.node(i).lh.addLore(local, "secret plan number " + i + " from device " + i);
            }
            d.settle();
            assertThat(d.lores(0)).isEqualTo(d.lores(1)).isEqualTo(d.lores(2)).isEqualTo("27");
            assertThat(d.node(1).digest()).isEqualTo(d.node(0).digest());
            assertThat(d.node(2).digest()).isEqualTo(d.node(0).digest());

            String dump = server.dump(database);
            assertThat(dump).contains("lorehub_sync_events"); // the dump is real
            for (String secret : new String[] {"secret plan number", "retry budget", "lore number", "api"}) {
                assertThat(dump).doesNotContain(secret);
                assertThat(dump).doesNotContain(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void aConnectedDeviceHearsOfANewEventWithinASecond() throws Exception {
        try (Devices d = devices(3, 5)) {
            d.settle();
            PostgresRemote listening = (PostgresRemote) d.remotes.get(2);
            listening.awaitChange(10); // starts listening
            d.node(0).lh.addLore(d.localRealmOfFirst, "news for the others");
            d.node(0).replica.captureLocalChanges(d.tick());
            CompletableFuture<Set<dev.lorehub.crypto.RealmId>> heard =
                CompletableFuture.supplyAsync(() -> listening.awaitChange(5_000));
            long t0 = System.nanoTime();
            d.syncs.get(0).round(d.tick());
            Set<dev.lorehub.crypto.RealmId> realms = heard.get(10, TimeUnit.SECONDS);
            long latencyMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(realms).containsExactly(d.realm);
            assertThat(latencyMs).isLessThan(1_000);
            RoundResult r = d.syncs.get(2).round(d.tick());
            assertThat(r.stored()).isEqualTo(1);
            assertThat(d.node(2).lh.queryString("SELECT count(*) FROM lores WHERE content = 'news for the others'"))
                .isEqualTo("1");
        }
    }

    @Test
    void aRowMovedInFromAnotherRealmIsRefusedAtTheRealmBoundary() throws Exception {
        try (Devices d = devices(2, 5)) {
            // The first device also shares a realm the second is not in, and pushes both.
            String other = d.node(0).lh.addRealm("private", "/home/ann/private");
            d.node(0).lh.addLore(other, "only for the first device");
            d.node(0).replica.captureLocalChanges(d.tick());
            dev.lorehub.crypto.RealmId privateRealm = d.node(0).replica.shareRealm(other, d.tick());
            d.round(0);
            // Someone with write access moves a row of the private realm into the shared one, at its head.
            try (Connection c = DriverManager.getConnection(server.url(database), server.properties());
                 PreparedStatement ps = c.prepareStatement("UPDATE lorehub_sync_events SET realm = ?, seq = (SELECT last_seq + 1 "
                     + "FROM lorehub_sync_realms WHERE realm = ?) WHERE id = (SELECT id FROM lorehub_sync_events WHERE realm = ? "
                     + "ORDER BY seq DESC LIMIT 1)");
                 PreparedStatement bump = c.prepareStatement("UPDATE lorehub_sync_realms SET last_seq = last_seq + 1 WHERE realm = ?")) {
                ps.setBytes(1, d.realm.toBytes());
                ps.setBytes(2, d.realm.toBytes());
                ps.setBytes(3, privateRealm.toBytes());
                assertThat(ps.executeUpdate()).isEqualTo(1);
                bump.setBytes(1, d.realm.toBytes());
                bump.executeUpdate();
            }
            RoundResult r = d.round(1);
            assertThat(r.tampering()).extracting(RemoteIntegrityException::reason).containsExactly(Reason.WRONG_REALM);
            assertThat(contents(d.node(0))).containsAll(contents(d.node(1)));
            assertThat(contents(d.node(1))).doesNotContain("only for the first device");
            // Everything before the moved row was taken: the refusal stops the realm exactly there.
            assertThat(d.lores(1)).isEqualTo("5");
        }
    }

    @Test
    void anOversizedRowIsRefusedWithoutBeingRead() throws Exception {
        try (Devices d = devices(2, 3)) {
            d.round(0);
            try (Connection c = DriverManager.getConnection(server.url(database), server.properties());
                 PreparedStatement ps = c.prepareStatement("INSERT INTO lorehub_sync_events (id, realm, seq, writer, sealed) "
                     + "SELECT sha256(b), ?, (SELECT last_seq + 1 FROM lorehub_sync_realms WHERE realm = ?), ?, b "
                     + "FROM (SELECT decode(repeat('ab', 2 * 1024 * 1024), 'hex') AS b) x");
                 PreparedStatement bump = c.prepareStatement("UPDATE lorehub_sync_realms SET last_seq = last_seq + 1")) {
                ps.setBytes(1, d.realm.toBytes());
                ps.setBytes(2, d.realm.toBytes());
                ps.setBytes(3, d.node(0).id().toBytes());
                ps.executeUpdate();
                bump.executeUpdate();
            }
            RoundResult r = d.round(1);
            assertThat(r.tampering()).extracting(RemoteIntegrityException::reason).containsExactly(Reason.OVERSIZED);
            assertThat(d.lores(1)).isEqualTo("3"); // everything before it arrived
        }
    }
}

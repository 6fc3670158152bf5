package dev.lorehub.node.upgrade;

import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EventBody;
import dev.lorehub.node.core.EventCodec;
import dev.lorehub.node.core.LegacyBodies;
import dev.lorehub.node.core.MembershipChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The test encoder of format-1 bodies ({@link LegacyBodies}) writes exactly what the release 346ad19 wrote. */
class LegacyBodiesTest {
    @TempDir
    Path dir;

    @Test
    void reEncodingEveryEventTheReleaseWroteGivesItsExactBytes() throws Exception {
        ReleaseFixture fixture = new ReleaseFixture();
        Path a = fixture.copyDevice("ann-laptop", dir.resolve("a"));
        SecretStore keys = SecretStore.open(a.resolve("node/realm-keys.json"));
        EventCodec codec = new EventCodec();
        int entities = 0;
        int memberships = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + a.resolve("lorehub.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sealed FROM lhsync_events")) {
            while (rs.next()) {
                byte[] plaintext = SealedEnvelope.openStored(rs.getBytes(1),
                    (realm, epoch) -> keys.keyring(realm).flatMap(k -> k.epoch(epoch))).plaintext();
                EventBody body = codec.decode(plaintext);
                assertThat(body.causality().legacy()).isTrue();
                byte[] again = body instanceof EntityChange e ? LegacyBodies.entity(e) : LegacyBodies.membership((MembershipChange) body);
                assertThat(again).isEqualTo(plaintext);
                if (body instanceof EntityChange) {
                    entities++;
                } else {
                    memberships++;
                }
            }
        }
        assertThat(entities).isGreaterThan(3);
        assertThat(memberships).isGreaterThanOrEqualTo(4);
    }
}

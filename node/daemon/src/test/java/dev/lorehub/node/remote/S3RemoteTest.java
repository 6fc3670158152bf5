package dev.lorehub.node.remote;

import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 backend against a real S3 API server on 127.0.0.1: S3Proxy in process, over jclouds'
 * in-memory blob store, with AWS signature v4 authentication.
 */
class S3RemoteTest extends RemoteContract {
    static final String BUCKET = S3Server.BUCKET;

    S3Server server;
    URI endpoint;

    @BeforeEach
    void startServer() throws Exception {
        server = S3Server.start();
        endpoint = server.endpoint;
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    S3SegmentStore store(URI at) {
        return server.store(at);
    }

    @Override
    Remote open(TestNode node) {
        return new SegmentRemote("s3", store(endpoint));
    }

    @Override
    long maxIdleRequests() {
        return 2; // the realm's device prefixes, then the other device's prefix after its position
    }

    @Override
    void tamper(Devices d, Tamper how) throws Exception {
        try (S3SegmentStore s = store(endpoint)) {
            S3Client c = s.client();
            List<Segment.Name> mine = firstDeviceSegments(s, d);
            Segment.Name first = mine.get(0);
            String key = s.key(d.realm, d.node(0).id(), first);
            byte[] bytes = c.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
            switch (how) {
                case FLIP_BYTE -> {
                    bytes[bytes.length / 3] ^= 0x40;
                    c.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
                }
                case DELETE_FIRST -> c.deleteObject(b -> b.bucket(BUCKET).key(key));
                case REPLAY_FIRST -> c.putObject(b -> b.bucket(BUCKET).key(s.key(d.realm, d.node(0).id(),
                    new Segment.Name(mine.size() + 1, first.hashHex()))), RequestBody.fromBytes(bytes));
            }
        }
    }

    @Test
    void anUploadInterruptedMidwayIsNeverVisibleAndIsRedone() throws Exception {
        try (Devices d = devices(2, 1500); CuttingProxy cut = new CuttingProxy(endpoint.getPort())) {
            // The first device reaches the bucket through a relay that drops every upload after 100 kB.
            d.remotes.set(0, new SegmentRemote("s3", store(URI.create("http://127.0.0.1:" + cut.port()))));
            RemoteSync a = new RemoteSync(d.remotes.get(0), ReplicaEvents.direct(d.node(0).replica), d.states.get(0), 30_000,
                Backoff.DEFAULT);
            cut.cutAfter = 100_000;
            RemoteSync.Attempt failed = a.attempt(d.tick(), SeededRandom.of(7));
            assertThat(failed.error()).isPresent();
            assertThat(d.states.get(0).outboxSize("s3")).isPositive();
            try (S3SegmentStore s = store(endpoint)) {
                List<S3Object> objects = s.client().listObjectsV2(b -> b.bucket(BUCKET)).contents();
                assertThat(objects).as("a cut upload leaves no object").isEmpty();
            }
            RoundResult b = d.round(1);
            assertThat(b.pulledEvents()).isZero();
            assertThat(b.tampering()).isEmpty();

            cut.cutAfter = -1;
            RemoteSync.Attempt ok = a.attempt(d.tick(), SeededRandom.of(8));
            assertThat(ok.error()).isEmpty();
            assertThat(d.states.get(0).outboxSize("s3")).isZero();
            RoundResult after = d.round(1);
            assertThat(after.tampering()).isEmpty();
            assertThat(d.lores(1)).isEqualTo("1500");
            assertThat(d.node(1).digest()).isEqualTo(d.node(0).digest());
        }
    }
}

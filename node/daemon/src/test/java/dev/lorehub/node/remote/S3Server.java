package dev.lorehub.node.remote;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.time.Duration;

/**
 * A real S3 API server for tests and benchmarks: S3Proxy in process on 127.0.0.1, over jclouds'
 * in-memory blob store, with AWS signature authentication and one bucket.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS = "lorehub-test-access";
    public static final String SECRET = "lorehub-test-secret";
    public static final String BUCKET = "team-lorehub";

    private final S3Proxy proxy;
    private final BlobStoreContext blobs;
    public final URI endpoint;

    private S3Server(S3Proxy proxy, BlobStoreContext blobs, URI endpoint) {
        this.proxy = proxy;
        this.blobs = blobs;
        this.endpoint = endpoint;
    }

    public static S3Server start() throws Exception {
        // Built from the API's metadata directly: the provider lookup would load S3Proxy's Azure support too.
        BlobStoreContext blobs = ContextBuilder.newBuilder(new TransientApiMetadata()).credentials("identity", "credential")
            .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        int port = Loopback.freePort();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(endpoint)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState()) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        Loopback.awaitListening(port, Duration.ofSeconds(10), null);
        return new S3Server(proxy, blobs, endpoint);
    }

    /** A store on this server's bucket, reached at {@code at} (the server itself, or a relay in front of it). */
    public S3SegmentStore store(URI at) {
        return new S3SegmentStore(BUCKET, "us-east-1", at, true, "lorehub/",
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)), Duration.ofSeconds(10));
    }

    /** A remote on this server reached at {@code at}. */
    public Remote remote(String name, URI at) {
        return new SegmentRemote(name, store(at));
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobs.close();
    }
}

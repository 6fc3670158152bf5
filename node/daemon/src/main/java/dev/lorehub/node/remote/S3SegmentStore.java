package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Segments as objects in an S3 bucket (AWS, MinIO, GCS's S3-compatible endpoint, ...), under
 * {@code <prefix>realms/<realm>/<device>/<segment>}. A device only creates objects under its own
 * device prefix; objects are never overwritten with other bytes (names are content hashes). A
 * reader lists the device prefixes of a realm (one request) and each device's new objects with
 * {@code StartAfter} its position, so listing stays incremental however long the history.
 *
 * <p>Uses the SDK's plain {@code HttpURLConnection} client and leaves the SDK's new default
 * checksums off (only what the service requires): several S3-compatible services refuse them, and
 * every segment carries its own SHA-256, checked on read.
 */
public final class S3SegmentStore implements SegmentStore {
    private static final int MAX_PAGES = 10_000;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String where;
    private final RemoteMetrics metrics = new RemoteMetrics();

    /**
     * @param endpoint  null for AWS itself; otherwise the service's URL (MinIO, GCS, a local server)
     * @param prefix    key prefix inside the bucket ("" or ending in '/')
     */
    public S3SegmentStore(String bucket, String region, URI endpoint, boolean pathStyle, String prefix,
                          AwsCredentialsProvider credentials, Duration timeout) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.where = "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
        var builder = S3Client.builder()
            .region(Region.of(region))
            .forcePathStyle(pathStyle)
            .credentialsProvider(credentials)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
            .overrideConfiguration(c -> c.apiCallTimeout(timeout.multipliedBy(4)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        this.s3 = builder.build();
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void refresh() {
        // Nothing to prepare: every listing goes to the bucket.
    }

    private String realmPrefix(RealmId realm) {
        return prefix + "realms/" + realm + "/";
    }

    private String writerPrefix(RealmId realm, DeviceId writer) {
        return realmPrefix(realm) + RemoteSync.stream(writer) + "/";
    }

    private RemoteException failure(String what, SdkException e) {
        String detail = e instanceof S3Exception s3e && s3e.awsErrorDetails() != null
            ? s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + "): " + s3e.awsErrorDetails().errorMessage()
            : e.getMessage();
        String hint = e instanceof S3Exception s3e && (s3e.statusCode() == 403 || s3e.statusCode() == 401)
            ? " Check the credentials (AWS_ACCESS_KEY_ID / AWS_PROFILE, or accessKeyIdEnv in node.json) and the bucket policy."
            : e instanceof S3Exception s3e && s3e.statusCode() == 404 ? " Check that bucket " + bucket + " exists." : "";
        return new RemoteException("Cannot " + what + " " + where + ": " + detail + "." + hint, e);
    }

    @Override
    public List<DeviceId> writers(RealmId realm) {
        List<DeviceId> out = new ArrayList<>();
        String token = null;
        try {
            for (int page = 0; page < MAX_PAGES; page++) {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(realmPrefix(realm))
                    .delimiter("/");
                if (token != null) {
                    req.continuationToken(token);
                }
                ListObjectsV2Response r = s3.listObjectsV2(req.build());
                metrics.request(0, 0);
                for (CommonPrefix p : r.commonPrefixes()) {
                    String dir = p.prefix().substring(realmPrefix(realm).length()).replace("/", "");
                    if (dir.length() == 64) {
                        try {
                            out.add(DeviceId.fromBytes(HexFormat.of().parseHex(dir)));
                        } catch (IllegalArgumentException e) {
                            // not a device prefix: ignored, never trusted
                        }
                    }
                }
                if (!Boolean.TRUE.equals(r.isTruncated())) {
                    break;
                }
                token = r.nextContinuationToken();
            }
        } catch (SdkException e) {
            throw failure("list", e);
        }
        out.sort(null);
        return out;
    }

    @Override
    public List<Segment.Name> list(RealmId realm, DeviceId writer, long afterSeq, int max) {
        List<Segment.Name> out = new ArrayList<>();
        String dir = writerPrefix(realm, writer);
        // Keys of one sequence number are "<seq>-<hex>"; 'g' sorts after every hex digit.
        String startAfter = afterSeq > 0 ? dir + Segment.Name.seqText(afterSeq) + "-g" : null;
        String token = null;
        try {
            for (int page = 0; page < MAX_PAGES && out.size() < max; page++) {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(dir)
                    .maxKeys((int) Math.min(1000, Math.max(1, (long) max - out.size() + 1)));
                if (token != null) {
                    req.continuationToken(token);
                } else if (startAfter != null) {
                    req.startAfter(startAfter);
                }
                ListObjectsV2Response r = s3.listObjectsV2(req.build());
                metrics.request(0, 0);
                for (S3Object o : r.contents()) {
                    Segment.Name n = Segment.Name.parse(o.key().substring(dir.length()));
                    if (n != null && n.seq() > afterSeq) {
                        out.add(n);
                    }
                }
                if (!Boolean.TRUE.equals(r.isTruncated())) {
                    break;
                }
                token = r.nextContinuationToken();
            }
        } catch (SdkException e) {
            throw failure("list", e);
        }
        out.sort(null);
        return out;
    }

    @Override
    public byte[] read(RealmId realm, DeviceId writer, Segment.Name name, int maxBytes) {
        String key = prefix + SegmentStore.path(realm, writer, name);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new RemoteIntegrityException(Reason.OVERSIZED, key, length + " bytes exceeds " + maxBytes);
            }
            byte[] body = in.readNBytes(maxBytes + 1);
            metrics.request(0, body.length);
            if (body.length > maxBytes) {
                throw new RemoteIntegrityException(Reason.OVERSIZED, key, "more than " + maxBytes + " bytes");
            }
            return body;
        } catch (NoSuchKeyException e) {
            throw new RemoteIntegrityException(Reason.MISSING, key, "listed but absent");
        } catch (SdkException e) {
            throw failure("read from", e);
        } catch (IOException e) {
            throw new RemoteException("Cannot read " + key + " from " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(List<Segment> segments) {
        for (Segment s : segments) {
            String key = prefix + SegmentStore.path(s.realm(), s.writer(), s.name());
            try {
                s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream"),
                    RequestBody.fromBytes(s.bytes()));
                metrics.request(s.bytes().length, 0);
            } catch (SdkException e) {
                throw failure("upload to", e);
            }
        }
    }

    @Override
    public RemoteMetrics metrics() {
        return metrics;
    }

    /** The client (tests tamper through it, as anyone with write access to the bucket could). */
    S3Client client() {
        return s3;
    }

    /** The key of a segment. */
    String key(RealmId realm, DeviceId writer, Segment.Name name) {
        return prefix + SegmentStore.path(realm, writer, name);
    }

    @Override
    public void close() {
        s3.close();
    }
}

package io.drkit.s3;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.internal.ReadWatchdog;
import io.drkit.s3.internal.S3Body;
import io.drkit.s3.internal.S3Errors;
import io.drkit.s3.internal.S3Settings;
import io.drkit.s3.internal.TimeoutScheduler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectSource} on S3 or any S3-compatible store (MinIO, Ceph RGW, GCS interop, S3Proxy), through the AWS
 * SDK v2 sync client on the Apache 5 HTTP client.
 *
 * <p>Configure it with the keys of Longhorn's backup-target Secret ({@link Builder#secret(Map)}) or the process
 * environment ({@link Builder#environment()}), so that what already works for Longhorn works here: static keys or the
 * SDK default credential chain, {@code AWS_ENDPOINTS}, {@code AWS_CERT}, {@code VIRTUAL_HOSTED_STYLE},
 * {@code HTTP(S)_PROXY}/{@code NO_PROXY}. Throttling ({@code 503 SlowDown}) and transient I/O errors are retried
 * with exponential backoff. Thread-safe and meant to be shared; {@link #close()} closes the SDK client only if this
 * source built it. Credentials never appear in {@link #toString()}, {@link #describe()} or logs.
 *
 * <pre>{@code
 * try (S3ObjectSource s3 = S3ObjectSource.builder()
 *         .target(BackupTarget.parse("s3://backups@us-east-1/"))
 *         .secret(Map.of("AWS_ACCESS_KEY_ID", "...", "AWS_SECRET_ACCESS_KEY", "...",
 *                 "AWS_ENDPOINTS", "https://minio.example:9000"))
 *         .build()) {
 *     ...
 * }
 * }</pre>
 */
public final class S3ObjectSource implements WritableObjectSource {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectSource.class);

    private final S3Client client;
    private final boolean ownsClient;
    private final String bucket;
    private final String description;
    private final LongAdder attempts;
    private final Duration timeout;
    private final ReadWatchdog watchdog;
    private final ScheduledThreadPoolExecutor timeouts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private S3ObjectSource(S3Client client, boolean ownsClient, String bucket, String description, LongAdder attempts,
                           Duration timeout, Duration readProgressTimeout, ScheduledThreadPoolExecutor timeouts) {
        this.timeout = timeout;
        this.timeouts = timeouts;
        this.watchdog = new ReadWatchdog(readProgressTimeout);
        this.client = client;
        this.ownsClient = ownsClient;
        this.bucket = bucket;
        this.description = description;
        this.attempts = attempts;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A source for the bucket of an {@code s3://} backup target, configured from Longhorn backup-target Secret keys
     * (missing keys fall back to the SDK defaults).
     */
    public static S3ObjectSource forTarget(BackupTarget target, Map<String, String> secret) {
        return builder().target(target).secret(secret).build();
    }

    /** The bucket this source reads. */
    public String bucket() {
        return bucket;
    }

    /**
     * HTTP attempts made by a client this source built (retries included); compare with request counts to see
     * how many retries throttling caused. Zero for a caller-supplied client.
     */
    public long httpAttempts() {
        return attempts.sum();
    }

    @Override
    public int list(String prefix, String delimiter, ListingVisitor visitor) {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        String token = null;
        int pages = 0;
        do {
            ListObjectsV2Request.Builder rb = ListObjectsV2Request.builder().bucket(bucket).prefix(p).delimiter(d);
            if (token != null) {
                rb.continuationToken(token);
            }
            ListObjectsV2Response r;
            try {
                LOG.debug("LIST s3://{}/{} delimiter={} page={}", bucket, p, d, pages + 1);
                r = client.listObjectsV2(rb.build());
            } catch (SdkException e) {
                throw S3Errors.translate(e, "listing", bucket, p, timeout);
            }
            pages++;
            for (S3Object o : r.contents()) {
                visitor.object(new ObjectInfo(o.key(), o.size() == null ? 0 : o.size(), o.eTag(), o.lastModified()));
            }
            for (CommonPrefix cp : r.commonPrefixes()) {
                visitor.commonPrefix(cp.prefix());
            }
            token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
        } while (token != null);
        return pages;
    }

    @Override
    public ObjectStream get(String key) {
        return open(key, 0, -1);
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        if (length <= 0) {
            ObjectInfo info = head(key).orElseThrow(() -> S3Errors.notFound(bucket, key));
            return new ObjectStream(java.io.InputStream.nullInputStream(), info, offset);
        }
        return open(key, Math.max(0, offset), length);
    }

    private ObjectStream open(String key, long offset, long length) {
        GetObjectRequest.Builder rb = GetObjectRequest.builder().bucket(bucket).key(key);
        if (length > 0) {
            long last = offset + length - 1 < 0 ? Long.MAX_VALUE : offset + length - 1;
            rb.range("bytes=" + offset + "-" + last);
        }
        ResponseInputStream<GetObjectResponse> in;
        try {
            LOG.debug("GET s3://{}/{}{}", bucket, key, length > 0 ? " bytes=" + offset + "+" + length : "");
            // no SDK timer on the body: ResponseInputStream's default one queues a task per GET on a static
            // executor that keeps it queued, cancelled, for 60 s; the read watchdog aborts unread bodies instead
            in = client.getObject(rb.build(), ResponseTransformer.toInputStream(Duration.ZERO));
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                ObjectInfo info = head(key).orElseThrow(() -> S3Errors.notFound(bucket, key));
                return new ObjectStream(java.io.InputStream.nullInputStream(), info, offset);
            }
            throw S3Errors.translate(e, "reading", bucket, key, timeout);
        } catch (SdkException e) {
            throw S3Errors.translate(e, "reading", bucket, key, timeout);
        }
        GetObjectResponse r = in.response();
        long bodyLength = r.contentLength() == null ? -1 : r.contentLength();
        long size = bodyLength;
        long start = 0;
        String cr = r.contentRange();
        if (cr != null) {
            // "bytes 0-65535/123456"
            int slash = cr.lastIndexOf('/');
            int dash = cr.indexOf('-');
            int space = cr.indexOf(' ');
            try {
                if (slash > 0 && !"*".equals(cr.substring(slash + 1))) {
                    size = Long.parseLong(cr.substring(slash + 1).trim());
                }
                if (space >= 0 && dash > space) {
                    start = Long.parseLong(cr.substring(space + 1, dash).trim());
                }
            } catch (NumberFormatException e) {
                LOG.debug("unparsable Content-Range '{}' for s3://{}/{}", cr, bucket, key);
            }
        }
        ObjectInfo info = new ObjectInfo(key, size, r.eTag(), r.lastModified());
        return new S3Body(in, info, start, bodyLength, "s3://" + bucket + "/" + key, watchdog);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            LOG.debug("HEAD s3://{}/{}", bucket, key);
            HeadObjectResponse r = client.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new ObjectInfo(key, r.contentLength() == null ? 0 : r.contentLength(), r.eTag(),
                    r.lastModified()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw S3Errors.translate(e, "reading metadata of", bucket, key, timeout);
        } catch (SdkException e) {
            throw S3Errors.translate(e, "reading metadata of", bucket, key, timeout);
        }
    }

    @Override
    public ObjectInfo put(String key, byte[] data) {
        return put(key, RequestBody.fromBytes(data), data.length);
    }

    @Override
    public ObjectInfo put(String key, Path file) {
        try {
            return put(key, RequestBody.fromFile(file), java.nio.file.Files.size(file));
        } catch (IOException e) {
            throw new io.drkit.core.UnavailableException("reading " + file + " to upload as " + key + " failed", e);
        }
    }

    private ObjectInfo put(String key, RequestBody body, long size) {
        try {
            LOG.debug("PUT s3://{}/{} ({} bytes)", bucket, key, size);
            PutObjectResponse r = client.putObject(b -> b.bucket(bucket).key(key), body);
            return new ObjectInfo(key, size, r.eTag(), Instant.now());
        } catch (SdkException e) {
            throw S3Errors.translate(e, "writing", bucket, key, timeout);
        }
    }

    @Override
    public void delete(String key) {
        try {
            LOG.debug("DELETE s3://{}/{}", bucket, key);
            client.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw S3Errors.translate(e, "deleting", bucket, key, timeout);
        }
    }

    /**
     * Creates the bucket (for tests and the drill against an empty embedded server); an existing bucket is fine.
     *
     * @throws InvalidInputException when the bucket name is not a valid S3 bucket name
     */
    public void createBucketIfMissing() {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw S3Errors.translate(e, "checking", bucket, "", timeout);
            }
            try {
                client.createBucket(b -> b.bucket(bucket));
            } catch (SdkException e2) {
                throw S3Errors.translate(e2, "creating", bucket, "", timeout);
            }
        } catch (SdkException e) {
            throw S3Errors.translate(e, "checking", bucket, "", timeout);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("invalid bucket name '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /**
     * Timeout tasks queued in the scheduler of a client this source built: the requests in flight (two tasks each),
     * never the cancelled tasks of finished ones. Zero for a caller-supplied client.
     */
    int queuedTimeoutTasks() {
        return timeouts == null ? 0 : timeouts.getQueue().size();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "S3ObjectSource[" + description + "]";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watchdog.close();
            if (ownsClient) {
                client.close();
            }
            if (timeouts != null) {
                timeouts.shutdownNow();
            }
        }
    }

    /**
     * Builds {@link S3ObjectSource}s. Every option has a default; {@link #secret(Map)} and {@link #environment()}
     * read Longhorn's keys. Explicit setters win over keys read before them, and keys read later win over earlier
     * setters (last call wins).
     */
    public static final class Builder {
        private final S3Settings.Mutable s = new S3Settings.Mutable();
        private S3Client client;
        private Duration readProgressTimeout = ReadWatchdog.DEFAULT_WINDOW;

        private Builder() {
        }

        /** Bucket and region (the part after {@code @}) of an {@code s3://bucket@region/prefix/} target. */
        public Builder target(BackupTarget target) {
            if (target.scheme() != BackupTarget.Scheme.S3) {
                throw new InvalidInputException("backup target " + target + " is not an s3:// target");
            }
            s.bucket = target.host();
            target.regionOrSuffix().ifPresent(r -> s.region = r);
            return this;
        }

        /** The bucket (required unless given by {@link #target(BackupTarget)}). */
        public Builder bucket(String bucket) {
            s.bucket = bucket;
            return this;
        }

        /** The signing region (default: the target's, else {@code us-east-1} with a custom endpoint, else the SDK chain). */
        public Builder region(String region) {
            s.region = region;
            return this;
        }

        /** A custom endpoint such as {@code https://minio.example:9000} (Longhorn's {@code AWS_ENDPOINTS}). */
        public Builder endpoint(URI endpoint) {
            s.endpoint = endpoint;
            return this;
        }

        /**
         * Path-style ({@code true}) or virtual-hosted ({@code false}) addressing. Default as Longhorn: path style
         * when a custom endpoint is set, else virtual-hosted.
         */
        public Builder pathStyle(boolean pathStyle) {
            s.pathStyle = pathStyle;
            return this;
        }

        /** Static credentials (otherwise the SDK default chain: env, profile, web identity, instance role). */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            s.accessKeyId = accessKeyId;
            s.secretAccessKey = secretAccessKey;
            return this;
        }

        /** Extra trusted CA certificates, PEM (Longhorn's {@code AWS_CERT}); added to the JDK's default trust. */
        public Builder caCertificatesPem(String pem) {
            s.caPem = pem;
            return this;
        }

        /** Proxy for {@code http://} endpoints ({@code HTTP_PROXY}). */
        public Builder httpProxy(URI proxy) {
            s.httpProxy = proxy == null ? null : proxy.toString();
            return this;
        }

        /** Proxy for {@code https://} endpoints ({@code HTTPS_PROXY}). */
        public Builder httpsProxy(URI proxy) {
            s.httpsProxy = proxy == null ? null : proxy.toString();
            return this;
        }

        /** Hosts reached without the proxy, comma-separated as in {@code NO_PROXY}. */
        public Builder noProxy(String hosts) {
            s.noProxy = hosts;
            return this;
        }

        /** TCP connect timeout (default 10 s). */
        public Builder connectTimeout(Duration d) {
            s.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Socket read timeout (default 60 s). */
        public Builder socketTimeout(Duration d) {
            s.socketTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Timeout of one API call, all retries included (default 5 min). */
        public Builder apiCallTimeout(Duration d) {
            s.apiCallTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Timeout of one HTTP attempt (default 2 min). */
        public Builder apiCallAttemptTimeout(Duration d) {
            s.attemptTimeout = Objects.requireNonNull(d);
            return this;
        }

        /**
         * The read progress deadline of response bodies (default 30 s): a body that, over this much time spent waiting
         * for it, brings fewer than 64 KiB (or fewer than the rest of it) is aborted and the read fails with a
         * {@link io.drkit.core.DrTimeoutException} naming the object, which the catalog, the verifier and the
         * restorer retry like any transient read failure. It catches bodies that stop and bodies that trickle (the
         * socket timeout only fires when no byte at all arrives). Applies to a caller's client too.
         */
        public Builder readProgressTimeout(Duration d) {
            Objects.requireNonNull(d, "readProgressTimeout");
            if (d.isNegative() || d.isZero()) {
                throw new InvalidInputException("read progress timeout must be positive, not " + d);
            }
            this.readProgressTimeout = d;
            return this;
        }

        /** Attempts per call, the first included (default 5, as Longhorn). */
        public Builder maxAttempts(int n) {
            s.maxAttempts = Math.max(1, n);
            return this;
        }

        /** Backoff base and cap between attempts (defaults 100 ms and 20 s, exponential with jitter). */
        public Builder backoff(Duration base, Duration max) {
            s.backoffBase = Objects.requireNonNull(base);
            s.backoffMax = Objects.requireNonNull(max);
            return this;
        }

        /** Pooled connections (default 64; keep it at least the catalog's concurrency). */
        public Builder maxConnections(int n) {
            s.maxConnections = Math.max(1, n);
            return this;
        }

        /**
         * Applies the keys of a Longhorn backup-target Secret: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
         * {@code AWS_SESSION_TOKEN}, {@code AWS_ENDPOINTS}, {@code AWS_CERT}, {@code VIRTUAL_HOSTED_STYLE},
         * {@code HTTP_PROXY}, {@code HTTPS_PROXY}, {@code NO_PROXY} (and lower-case proxy variants),
         * {@code AWS_REGION}/{@code AWS_DEFAULT_REGION} when the target names no region. Values are trimmed (Secrets
         * often end with a newline). Unknown keys are ignored.
         *
         * @throws InvalidInputException for a malformed endpoint, proxy or {@code VIRTUAL_HOSTED_STYLE} value
         */
        public Builder secret(Map<String, String> keys) {
            s.apply(keys);
            return this;
        }

        /** {@link #secret(Map)} with the process environment. */
        public Builder environment() {
            return secret(System.getenv());
        }

        /**
         * Uses a client the caller built and keeps; the source never closes it. HTTP options of this builder are
         * then ignored.
         */
        public Builder client(S3Client client) {
            this.client = client;
            return this;
        }

        /** Builds the source. No request is sent. */
        public S3ObjectSource build() {
            S3Settings settings = s.freeze();
            LongAdder attempts = new LongAdder();
            if (client != null) {
                return new S3ObjectSource(client, false, settings.bucket(), settings.describe() + " (caller's client)", attempts,
                        null, readProgressTimeout, null);
            }
            ScheduledThreadPoolExecutor timeouts = TimeoutScheduler.create();
            try {
                return new S3ObjectSource(settings.buildClient(attempts, timeouts), true, settings.bucket(),
                        settings.describe(), attempts, settings.apiCallTimeout(), readProgressTimeout, timeouts);
            } catch (RuntimeException e) {
                timeouts.shutdownNow();
                throw e;
            }
        }
    }
}

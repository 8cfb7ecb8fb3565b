package io.drkit.s3.testing;

import io.drkit.core.UnavailableException;
import io.drkit.s3.S3ObjectSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * An S3-compatible server in this JVM (S3Proxy 4.1), bound to 127.0.0.1 on a random port, for tests, the drill and
 * the benchmarks: in memory ({@link #startTransient()}) or storing objects as files under a directory
 * ({@link #startFilesystem(Path)}). The first start in a JVM takes about a second, later ones tens of milliseconds.
 * Closing it stops the server; idempotent.
 *
 * <p>Needs {@code org.gaul:s3proxy} (with {@code jakarta.servlet-api}) on the class path: dr-s3 declares it
 * {@code optional}, so applications that use this class add it themselves (dr-examples does).
 *
 * <pre>{@code
 * try (EmbeddedS3Server s3 = EmbeddedS3Server.startTransient();
 *      S3ObjectSource source = s3.createBucket("backups")) {
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedS3Server implements AutoCloseable {
    private final S3Proxy proxy;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedS3Server(S3Proxy proxy, URI endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts an in-memory server with generated credentials. */
    public static EmbeddedS3Server startTransient() {
        return builder().start();
    }

    /** Starts a server storing objects as files under {@code dir} ({@code dir/<bucket>/<key>}). */
    public static EmbeddedS3Server startFilesystem(Path dir) {
        return builder().filesystem(dir).start();
    }

    /** A builder for other options (credentials, TLS). */
    public static Builder builder() {
        return new Builder();
    }

    /** The endpoint, {@code http://127.0.0.1:<port>} (or {@code https://} with TLS). */
    public URI endpoint() {
        return endpoint;
    }

    /** The access key the server accepts. */
    public String accessKey() {
        return accessKey;
    }

    /** The secret key the server accepts. */
    public String secretKey() {
        return secretKey;
    }

    /**
     * The keys of a Longhorn backup-target Secret pointing at this server: {@code AWS_ACCESS_KEY_ID},
     * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_ENDPOINTS} (path style then follows Longhorn's rule).
     */
    public Map<String, String> longhornSecret() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("AWS_ACCESS_KEY_ID", accessKey);
        m.put("AWS_SECRET_ACCESS_KEY", secretKey);
        m.put("AWS_ENDPOINTS", endpoint.toString());
        return m;
    }

    /** A source for {@code bucket} on this server (path style, short timeouts). The bucket must exist. */
    public S3ObjectSource source(String bucket) {
        return S3ObjectSource.builder().bucket(bucket).region("us-east-1").secret(longhornSecret())
                .connectTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(30))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(500)).build();
    }

    /** Creates {@code bucket} (if missing) and returns a source for it; the caller closes the source. */
    public S3ObjectSource createBucket(String bucket) {
        S3ObjectSource s = source(bucket);
        try {
            s.createBucketIfMissing();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Stops the server; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                proxy.stop();
            } catch (Exception e) {
                // stopping a loopback test server: nothing to recover
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3Server[" + endpoint + "]";
    }

    /** Builds {@link EmbeddedS3Server}s. */
    public static final class Builder {
        private String accessKey = "drkit-access";
        private String secretKey = "drkit-secret-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        private Path dir;
        private Path keyStore;
        private String keyStorePassword;

        private Builder() {
        }

        /** Credentials the server accepts. */
        public Builder credentials(String access, String secret) {
            this.accessKey = Objects.requireNonNull(access);
            this.secretKey = Objects.requireNonNull(secret);
            return this;
        }

        /** Store objects as files under {@code dir} instead of in memory. */
        public Builder filesystem(Path dir) {
            this.dir = dir;
            return this;
        }

        /** Serve HTTPS only, with the key and certificate in this keystore. */
        public Builder tls(Path keyStore, String password) {
            this.keyStore = keyStore;
            this.keyStorePassword = password;
            return this;
        }

        /** Starts the server and waits until it accepts connections. */
        public EmbeddedS3Server start() {
            Properties p = new Properties();
            p.setProperty("jclouds.identity", accessKey);
            p.setProperty("jclouds.credential", secretKey);
            if (dir != null) {
                p.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
            }
            try {
                S3Proxy.Builder b = S3Proxy.builder()
                        .blobStore(BlobStores.create(dir == null ? "transient" : "filesystem", p))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey);
                if (keyStore != null) {
                    b.secureEndpoint(URI.create("https://127.0.0.1:0")).keyStore(keyStore.toString(), keyStorePassword);
                } else {
                    b.endpoint(URI.create("http://127.0.0.1:0"));
                }
                S3Proxy proxy = b.build();
                proxy.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!"STARTED".equals(proxy.getState())) {
                    if (System.nanoTime() > deadline) {
                        proxy.stop();
                        throw new UnavailableException("embedded S3 server did not start within 30 s");
                    }
                    Thread.sleep(5);
                }
                URI endpoint = keyStore != null ? URI.create("https://127.0.0.1:" + proxy.getSecurePort())
                        : URI.create("http://127.0.0.1:" + proxy.getPort());
                return new EmbeddedS3Server(proxy, endpoint, accessKey, secretKey);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.drkit.core.CancelledException("starting the embedded S3 server was interrupted", e);
            } catch (UnavailableException e) {
                throw e;
            } catch (Exception e) {
                throw new UnavailableException("embedded S3 server failed to start: " + e.getMessage(), e);
            }
        }
    }
}

package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 specifics against a real S3 server (S3Proxy on loopback): pagination, delimiters, ranges, errors, retries, TLS. */
class S3ObjectSourceTest {
    private static EmbeddedS3Server server;
    private static S3ObjectSource source;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedS3Server.startTransient();
        source = server.createBucket("objects");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 2001; i++) {
                String key = String.format("many/obj-%05d", i);
                fs.add(pool.submit(() -> source.put(key, key.getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < 1001; i++) {
                String key = String.format("dirs/d%04d/file", i);
                fs.add(pool.submit(() -> source.put(key, new byte[] {1})));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        source.put("tree/a.txt", "a".getBytes(StandardCharsets.UTF_8));
        source.put("tree/sub/b.txt", "b".getBytes(StandardCharsets.UTF_8));
        source.put("tree/sub/deeper/c.txt", "c".getBytes(StandardCharsets.UTF_8));
        source.put("tree/other/d.txt", "d".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        source.put("big.bin", big);
    }

    @AfterAll
    static void stop() {
        source.close();
        server.close();
    }

    @Test
    void listingFollowsEveryPageOfMoreThanAThousandKeys() {
        ObjectListing l = source.list("many/", null);
        assertThat(l.objects()).hasSize(2001);
        assertThat(l.requests()).isEqualTo(3);
        assertThat(l.objects().get(0).key()).isEqualTo("many/obj-00000");
        assertThat(l.objects().get(2000).key()).isEqualTo("many/obj-02000");
        assertThat(l.objects()).allSatisfy(o -> {
            assertThat(o.size()).isEqualTo(14);
            assertThat(o.etag()).isNotEmpty().doesNotContain("\"");
            assertThat(o.lastModified()).isAfter(java.time.Instant.EPOCH);
        });
    }

    @Test
    void delimiterListingPaginatesCommonPrefixesToo() {
        ObjectListing l = source.list("dirs/", "/");
        assertThat(l.objects()).isEmpty();
        assertThat(l.commonPrefixes()).hasSize(1001).first().isEqualTo("dirs/d0000/");
        assertThat(l.requests()).isEqualTo(2);
    }

    @Test
    void delimiterListingSeparatesObjectsFromCommonPrefixes() {
        ObjectListing l = source.list("tree/", "/");
        assertThat(l.objects()).extracting(ObjectInfo::key).containsExactly("tree/a.txt");
        assertThat(l.commonPrefixes()).containsExactly("tree/other/", "tree/sub/");
        assertThat(source.list("tree/sub/", "/").commonPrefixes()).containsExactly("tree/sub/deeper/");
        assertThat(source.list("tree/", "").objects()).hasSize(4);
    }

    @Test
    void rangedGetsReturnTheRequestedBytesAndTheFullSize() throws IOException {
        try (ObjectStream in = source.getRange("big.bin", 1_000_000, 16)) {
            byte[] b = in.readAllBytes();
            assertThat(b).hasSize(16);
            for (int i = 0; i < 16; i++) {
                assertThat(b[i]).isEqualTo((byte) ((1_000_000 + i) * 31));
            }
            assertThat(in.info().size()).isEqualTo(3 << 20);
            assertThat(in.offset()).isEqualTo(1_000_000);
        }
        try (ObjectStream in = source.getRange("big.bin", (3 << 20) - 4, 100)) {
            assertThat(in.readAllBytes()).hasSize(4);
        }
        try (ObjectStream in = source.getRange("big.bin", 5L << 20, 100)) {
            assertThat(in.readAllBytes()).isEmpty();
            assertThat(in.info().size()).isEqualTo(3 << 20);
        }
        try (ObjectStream in = source.getRange("tree/a.txt", 0, 65536)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a");
            assertThat(in.info().size()).isEqualTo(1);
        }
    }

    @Test
    void closingABodyEarlyDoesNotBreakTheConnectionPool() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ObjectStream in = source.get("big.bin")) {
                assertThat(in.read()).isEqualTo(0);
            }
        }
        try (ObjectStream in = source.get("tree/a.txt")) {
            assertThat(in.readAllBytes()).hasSize(1);
        }
    }

    @Test
    void headReturnsMetadataOrEmpty() {
        ObjectInfo info = source.head("big.bin").orElseThrow();
        assertThat(info.size()).isEqualTo(3 << 20);
        assertThat(info.etag()).isNotEmpty();
        assertThat(source.head("nope/missing")).isEmpty();
    }

    @Test
    void getOfAMissingKeyIsNotFoundNamingKeyAndBucket() {
        assertThatThrownBy(() -> source.get("nope/missing.cfg")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nope/missing.cfg").hasMessageContaining("objects");
        assertThatThrownBy(() -> source.getRange("nope/missing.cfg", 0, 10)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void badCredentialsGiveAClearErrorNamingTheBucket() {
        try (S3ObjectSource bad = S3ObjectSource.builder().bucket("objects").region("us-east-1")
                .endpoint(server.endpoint()).credentials(server.accessKey(), "wrong-secret").build()) {
            assertThatThrownBy(() -> bad.list("many/", "/"))
                    .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.status()).hasValue(403))
                    .hasMessageContaining("bucket objects").hasMessageContaining("AWS_ACCESS_KEY_ID")
                    .hasMessageNotContaining("wrong-secret");
        }
    }

    @Test
    void aMissingBucketIsUnavailableNotAMissingObject() {
        try (S3ObjectSource s = server.source("no-such-bucket")) {
            assertThatThrownBy(() -> s.get("x")).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("no-such-bucket");
        }
    }

    @Test
    void throttlingIsRetriedWithBackoffUntilItClears() throws Exception {
        try (FaultyTcpProxy proxy = new FaultyTcpProxy(server.endpoint(), FaultyTcpProxy.Fault.SLOW_DOWN, 2);
             S3ObjectSource s = viaProxy(proxy, 5)) {
            assertThat(s.head("tree/a.txt")).isPresent();
            assertThat(proxy.faultsInjected()).isEqualTo(2);
            assertThat(s.httpAttempts()).isEqualTo(3);
        }
    }

    @Test
    void connectionResetsAreRetried() throws Exception {
        try (FaultyTcpProxy proxy = new FaultyTcpProxy(server.endpoint(), FaultyTcpProxy.Fault.RESET, 2);
             S3ObjectSource s = viaProxy(proxy, 5)) {
            try (ObjectStream in = s.get("tree/a.txt")) {
                assertThat(in.readAllBytes()).hasSize(1);
            }
            assertThat(proxy.faultsInjected()).isEqualTo(2);
        }
    }

    @Test
    void throttlingThatNeverClearsFailsAfterMaxAttemptsWithStatus503() throws Exception {
        try (FaultyTcpProxy proxy = new FaultyTcpProxy(server.endpoint(), FaultyTcpProxy.Fault.SLOW_DOWN, 1000);
             S3ObjectSource s = viaProxy(proxy, 3)) {
            assertThatThrownBy(() -> s.list("tree/", "/"))
                    .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.status()).hasValue(503))
                    .hasMessageContaining("throttling").hasMessageContaining("tree/");
            assertThat(s.httpAttempts()).isEqualTo(3);
        }
    }

    private static S3ObjectSource viaProxy(FaultyTcpProxy proxy, int attempts) {
        return S3ObjectSource.builder().bucket("objects").region("us-east-1")
                .secret(Map.of("AWS_ACCESS_KEY_ID", server.accessKey(), "AWS_SECRET_ACCESS_KEY", server.secretKey(),
                        "AWS_ENDPOINTS", proxy.endpoint().toString()))
                .maxAttempts(attempts).backoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
    }

    @Test
    void httpProxyFromTheSecretIsUsedUnlessNoProxyExcludesTheHost() throws Exception {
        try (RecordingHttpProxy proxy = new RecordingHttpProxy()) {
            Map<String, String> secret = new java.util.HashMap<>(server.longhornSecret());
            secret.put("HTTP_PROXY", proxy.uri().toString());
            try (S3ObjectSource s = S3ObjectSource.builder().bucket("objects").secret(secret).build()) {
                assertThat(s.head("tree/a.txt")).isPresent();
            }
            assertThat(proxy.proxiedConnections()).isPositive();
            int before = proxy.proxiedConnections();
            secret.put("NO_PROXY", "localhost,127.0.0.1");
            try (S3ObjectSource s = S3ObjectSource.builder().bucket("objects").secret(secret).build()) {
                assertThat(s.head("tree/a.txt")).isPresent();
            }
            assertThat(proxy.proxiedConnections()).isEqualTo(before);
        }
    }

    /** Accepts every connection to {@code blackhole} and never answers (closed when the socket closes). */
    private static void acceptAndNeverAnswer(java.net.ServerSocket blackhole) {
        Thread acceptor = new Thread(() -> {
            List<java.net.Socket> held = new ArrayList<>();
            try {
                while (true) {
                    held.add(blackhole.accept());
                }
            } catch (IOException e) {
                held.forEach(h -> {
                    try {
                        h.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                });
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Test
    void aStoreThatNeverAnswersTimesOutWithTheConfiguredTimeout() throws Exception {
        try (java.net.ServerSocket blackhole = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            acceptAndNeverAnswer(blackhole);
            try (S3ObjectSource s = S3ObjectSource.builder().bucket("objects").region("us-east-1")
                    .endpoint(URI.create("http://127.0.0.1:" + blackhole.getLocalPort())).credentials("a", "b")
                    .apiCallTimeout(Duration.ofMillis(600)).apiCallAttemptTimeout(Duration.ofMillis(300)).maxAttempts(2)
                    .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
                assertThatThrownBy(() -> s.head("k")).isInstanceOfSatisfying(io.drkit.core.DrTimeoutException.class,
                        e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(600))).hasMessageContaining("s3://objects/k");
            }
        }
    }

    @Test
    void manyRequestsLeaveNoCancelledTimeoutTaskQueued() throws Exception {
        int before = sdkBodyTimerQueue();
        for (int i = 0; i < 300; i++) {
            String key = String.format("many/obj-%05d", i);
            assertThat(source.head(key)).isPresent();
            try (ObjectStream in = source.get(key)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(key);
            }
        }
        for (int i = 0; i < 20; i++) {
            source.list("tree/", "/", new ListingVisitor() {
                @Override
                public void object(ObjectInfo info) {
                }

                @Override
                public void commonPrefix(String prefix) {
                }
            });
        }
        // 620 calls with a 5 min call and 2 min attempt timeout each: a scheduler that kept cancelled tasks would
        // hold 1,240 of them now
        assertThat(source.queuedTimeoutTasks()).isZero();
        // the SDK's static body timer keeps a cancelled task 60 s per ResponseInputStream with the default timeout:
        // the embedded S3Proxy (same JVM) makes one per GET it serves; our GETs (300 more) make none
        assertThat(sdkBodyTimerQueue() - before).isLessThanOrEqualTo(300);
    }

    @Test
    void callTimeoutsRunOnTheSourcesOwnScheduler() throws Exception {
        try (java.net.ServerSocket blackhole = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             S3ObjectSource s = S3ObjectSource.builder().bucket("objects").region("us-east-1")
                     .endpoint(URI.create("http://127.0.0.1:" + blackhole.getLocalPort())).credentials("a", "b")
                     .apiCallTimeout(Duration.ofSeconds(2)).apiCallAttemptTimeout(Duration.ofSeconds(1)).maxAttempts(1)
                     .build()) {
            acceptAndNeverAnswer(blackhole);
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<?> head = caller.submit(() -> s.head("k"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (s.queuedTimeoutTasks() < 2 && !head.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(s.queuedTimeoutTasks()).as("the call's and the attempt's timeout, queued while it hangs")
                        .isEqualTo(2);
                assertThatThrownBy(head::get).hasCauseInstanceOf(io.drkit.core.DrTimeoutException.class);
                assertThat(s.queuedTimeoutTasks()).isZero();
            } finally {
                caller.shutdownNow();
            }
        }
    }

    /** Tasks queued in the SDK's static scheduler of response-body timeouts (shared by every client in the JVM). */
    private static int sdkBodyTimerQueue() throws ReflectiveOperationException {
        java.lang.reflect.Field f = Class.forName("software.amazon.awssdk.core.ResponseInputStream$TimeoutScheduler")
                .getDeclaredField("INSTANCE");
        f.setAccessible(true);
        return ((java.util.concurrent.ScheduledThreadPoolExecutor) f.get(null)).getQueue().size();
    }

    @Test
    void aCallerSuppliedClientIsNeverClosed() {
        S3Client client = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey()))).build();
        try {
            S3ObjectSource s = S3ObjectSource.builder().bucket("objects").client(client).build();
            assertThat(s.head("tree/a.txt")).isPresent();
            s.close();
            s.close();
            assertThat(client.headObject(b -> b.bucket("objects").key("tree/a.txt")).contentLength()).isEqualTo(1);
        } finally {
            client.close();
        }
    }

    @Test
    void credentialsNeverAppearInDescriptions() {
        try (S3ObjectSource s = S3ObjectSource.builder().bucket("objects").secret(Map.of(
                "AWS_ACCESS_KEY_ID", "AKIASECRETID", "AWS_SECRET_ACCESS_KEY", "very-secret-key",
                "AWS_ENDPOINTS", "http://127.0.0.1:1", "HTTPS_PROXY", "http://user:proxypass@proxy:3128")).build()) {
            assertThat(s.toString() + s.describe()).doesNotContain("very-secret-key").doesNotContain("AKIASECRETID")
                    .doesNotContain("proxypass").contains("objects");
        }
    }

    @Test
    void aCustomCaBundleFromAwsCertIsTrusted(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "s3", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        String pem = run(keytool, "-exportcert", "-rfc", "-alias", "s3", "-keystore", ks.toString(), "-storepass", "changeit");
        try (EmbeddedS3Server tls = EmbeddedS3Server.builder().tls(ks, "changeit").start()) {
            assertThat(tls.endpoint().getScheme()).isEqualTo("https");
            Map<String, String> secret = new java.util.HashMap<>(tls.longhornSecret());
            try (S3ObjectSource untrusted = S3ObjectSource.builder().bucket("tls").secret(secret).maxAttempts(1).build()) {
                assertThatThrownBy(untrusted::createBucketIfMissing).isInstanceOf(UnavailableException.class)
                        .hasMessageContaining("tls");
            }
            secret.put("AWS_CERT", pem);
            try (S3ObjectSource trusted = S3ObjectSource.builder().bucket("tls").secret(secret).build()) {
                trusted.createBucketIfMissing();
                trusted.put("k", new byte[] {7});
                assertThat(trusted.head("k")).map(ObjectInfo::size).contains(1L);
            }
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor()).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFilesystemServerStoresObjectsAsFiles(@TempDir Path dir) throws IOException {
        try (EmbeddedS3Server fs = EmbeddedS3Server.startFilesystem(dir); S3ObjectSource s = fs.createBucket("files")) {
            s.put("a/b.cfg", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(Files.readString(dir.resolve("files/a/b.cfg"))).isEqualTo("{}");
            assertThat(fs.endpoint().getHost()).isEqualTo("127.0.0.1");
        }
    }
}

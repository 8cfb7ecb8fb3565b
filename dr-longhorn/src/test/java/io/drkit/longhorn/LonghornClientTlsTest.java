package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import io.drkit.core.InvalidInputException;
import io.drkit.longhorn.testing.LonghornVersion;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a private CA, as when Longhorn's UI is reached through an Ingress: WireMock serves TLS with a key pair
 * made by the JDK's {@code keytool} for 127.0.0.1, and the client trusts exactly that certificate's PEM.
 */
class LonghornClientTlsTest {
    @TempDir
    static Path dir;
    static WireMockServer server;
    static String pem;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path ks = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "wm", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=longhorn.test", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(store.getCertificate("wm").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(dir.resolve("ca.pem"), pem, StandardCharsets.US_ASCII);
        server = new WireMockServer(wireMockConfig().httpDisabled(true).httpsPort(0).bindAddress("127.0.0.1")
                .keystorePath(ks.toString()).keystorePassword("changeit").keyManagerPassword("changeit")
                .keystoreType("PKCS12").notifier(new ConsoleNotifier(false)));
        server.start();
        server.stubFor(get("/v1/volumes").willReturn(Fixtures.ok(LonghornVersion.V1_9, "volumes.json")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    private static String url() {
        return "https://127.0.0.1:" + server.httpsPort();
    }

    @Test
    void talksHttpsToAServerSignedByTheGivenCaWithBasicAuth() {
        try (LonghornClient c = SimulatedLonghorn.testClient(url()).caCertificatePem(pem).basicAuth("ops", "pw").build()) {
            assertThat(c.listVolumes()).hasSize(2);
        }
        server.verify(getRequestedFor(urlEqualTo("/v1/volumes")).withHeader("Authorization", equalTo("Basic b3BzOnB3")));
    }

    @Test
    void readsTheCaFromAFile() {
        try (LonghornClient c = SimulatedLonghorn.testClient(url()).caCertificate(dir.resolve("ca.pem")).build()) {
            assertThat(c.listVolumes()).hasSize(2);
        }
    }

    @Test
    void refusesAServerItDoesNotTrust() {
        try (LonghornClient c = SimulatedLonghorn.testClient(url()).maxRetries(0).build()) {
            assertThatThrownBy(c::listVolumes).isInstanceOf(LonghornUnavailableException.class)
                    .hasCauseInstanceOf(SSLException.class);
        }
    }

    @Test
    void rejectsAPemWithoutCertificates() {
        assertThatThrownBy(() -> LonghornClient.builder().caCertificatePem("not a certificate").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("CA certificate");
    }
}

package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.drkit.longhorn.Fixtures.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.sun.net.httpserver.HttpServer;
import io.drkit.core.JsonLimits;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.longhorn.testing.LonghornVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Longhorn's answers are read streamed and bounded, and an answer that cannot be read is never an empty result
 * (issue 11, items 10 and 12).
 */
class LonghornClientBoundsTest {
    private static final JsonLimits LIMITS = JsonLimits.LONGHORN_API;

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").notifier(new ConsoleNotifier(false)))
            .build();

    private LonghornClient client;
    private HttpServer server;

    private LonghornClient client() {
        Fixtures.stubSchemas(wm, LonghornVersion.V1_9);
        client = SimulatedLonghorn.testClient(wm.baseUrl()).build();
        return client;
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** One backup volume as Longhorn 1.9 writes it, with another id. */
    private static String item(int i) {
        try {
            JsonNode c = new ObjectMapper().readTree(Fixtures.read(LonghornVersion.V1_9, "backupvolumes.json"));
            ObjectNode n = (ObjectNode) c.get("data").get(0);
            n.put("id", "pvc-" + i).put("name", "pvc-" + i).put("volumeName", "pvc-" + i);
            return new ObjectMapper().writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void anEmptyOkAnswerIsUnavailableNeverAnEmptyList(String body) {
        wm.stubFor(get("/v1/backupvolumes").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));

        assertThatThrownBy(() -> client().listBackupVolumes())
                .isInstanceOfSatisfying(LonghornUnavailableException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(200);
                    assertThat(e.request()).isEqualTo("GET /v1/backupvolumes");
                })
                .hasMessageContaining("empty body").hasMessageContaining("HTTP 200 to GET /v1/backupvolumes");
        try (BackupCatalog catalog = LonghornBackupCatalog.builder(client).build()) {
            assertThatThrownBy(catalog::listBackupVolumes).isInstanceOf(LonghornUnavailableException.class);
        }
    }

    @Test
    void aTruncatedAnswerIsRetriedThenUnavailable() {
        String whole = Fixtures.read(LonghornVersion.V1_9, "backupvolumes.json");
        wm.stubFor(get("/v1/backupvolumes").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(whole.substring(0, whole.length() / 2))));

        assertThatThrownBy(() -> client().listBackupVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("ended early").hasMessageContaining("GET /v1/backupvolumes");
        wm.verify(3, getRequestedFor(urlEqualTo("/v1/backupvolumes")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{}", "[]", "{\"data\": {\"x\": 1}}", "{\"data\": []} {\"data\": []}"})
    void anAnswerThatIsNotALonghornCollectionIsUnavailable(String body) {
        wm.stubFor(get("/v1/volumes").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));

        assertThatThrownBy(() -> client().listVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("GET /v1/volumes");
    }

    @Test
    void anExplicitlyEmptyCollectionIsEmpty() {
        wm.stubFor(get("/v1/volumes").willReturn(ok(LonghornVersion.V1_9, "volumes-empty.json")));

        assertThat(client().listVolumes()).isEmpty();
    }

    @Test
    void nestingAndNumbersOverTheBoundsFailNamingTheBoundAndTheEndpoint() {
        String deep = "{\"data\":[" + "[".repeat(LIMITS.maxDepth() + 5) + "]".repeat(LIMITS.maxDepth() + 5) + "]}";
        wm.stubFor(get("/v1/volumes").willReturn(aResponse().withStatus(200).withBody(deep)));
        assertThatThrownBy(() -> client().listVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("Longhorn API response exceeds a limit").hasMessageContaining("nesting depth")
                .hasMessageContaining("GET /v1/volumes");

        String longNumber = "{\"data\":[{\"id\":\"v\",\"size\":" + "9".repeat(LIMITS.maxNumberLength() + 1) + "}]}";
        wm.stubFor(get("/v1/backupvolumes").willReturn(aResponse().withStatus(200).withBody(longNumber)));
        assertThatThrownBy(() -> client.listBackupVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("Number value length").hasMessageContaining("GET /v1/backupvolumes");
    }

    @Test
    void oneItemOverTheItemBoundFails() {
        String big = "{\"data\":[{\"id\":\"v\",\"messages\":[" + "\"xxxxxxxxxxxxxxxx\",".repeat(70_000) + "\"x\"]}]}";
        wm.stubFor(get("/v1/backupvolumes").willReturn(aResponse().withStatus(200).withBody(big)));

        assertThatThrownBy(() -> client().listBackupVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("data[0] is larger than " + LIMITS.maxEntryBytes() + " characters (limit)");
    }

    @Test
    void moreItemsThanTheBoundFail() {
        StringBuilder sb = new StringBuilder("{\"data\":[");
        for (int i = 0; i <= LIMITS.maxEntries(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\"}");
        }
        wm.stubFor(post("/v1/backupvolumes/bv?action=backupList").willReturn(aResponse().withStatus(200)
                .withBody(sb.append("]}").toString())));

        assertThatThrownBy(() -> client().listBackups("bv")).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("has more than " + LIMITS.maxEntries() + " entries (limit)")
                .hasMessageContaining("backupList");
    }

    @Test
    void aDeclaredLengthOverTheBoundFailsBeforeTheBodyIsRead() throws IOException {
        AtomicLong sent = new AtomicLong();
        serve(1L << 30, sent);

        assertThatThrownBy(() -> client.listBackupVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("body is 1073741824 bytes, more than " + LIMITS.maxDocumentBytes());
    }

    @Test
    void aStreamedGibibyteOfItemsStopsAtTheDocumentBound() throws IOException {
        AtomicLong sent = new AtomicLong();
        serve(-1, sent);

        assertThatThrownBy(() -> client.listBackupVolumes()).isInstanceOf(LonghornUnavailableException.class)
                .hasMessageContaining("Longhorn API response exceeds a limit: Document length")
                .hasMessageContaining("GET /v1/backupvolumes");
        assertThat(sent.get()).isLessThan(1L << 30);
    }

    @Test
    void userInfoInTheBaseUrlIsSentAsBasicAuthAndNeverShown() {
        Fixtures.stubSchemas(wm, LonghornVersion.V1_9);
        wm.stubFor(get("/v1/volumes").willReturn(ok(LonghornVersion.V1_9, "volumes.json")));
        String url = wm.baseUrl().replace("http://", "http://admin:S3cr3t-PW@");
        client = SimulatedLonghorn.testClient(url).build();

        client.listVolumes();

        wm.verify(getRequestedFor(urlEqualTo("/v1/volumes"))
                .withHeader("Authorization", equalTo(okhttp3.Credentials.basic("admin", "S3cr3t-PW"))));
        assertThat(client.toString() + client.baseUrl()).doesNotContain("S3cr3t-PW").doesNotContain("admin");
        assertThatThrownBy(() -> SimulatedLonghorn.testClient(url).basicAuth("other", "x").build())
                .hasMessageContaining("give the credentials once").hasMessageNotContaining("S3cr3t-PW");
        try (LonghornClient down = SimulatedLonghorn.testClient("http://admin:S3cr3t-PW@127.0.0.1:9").maxRetries(0).build()) {
            assertThatThrownBy(down::listVolumes).isInstanceOf(LonghornUnavailableException.class)
                    .hasMessageNotContaining("S3cr3t-PW");
        }
    }

    /**
     * Serves {@code GET /v1/backupvolumes} as an endless stream of Longhorn-shaped items (a GiB and more) from a
     * loopback server, with {@code declaredLength} as Content-Length (-1: chunked); counts the bytes it managed to
     * send.
     */
    private void serve(long declaredLength, AtomicLong sent) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] chunk;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            sb.append(item(i)).append(',');
        }
        chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/backupvolumes", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, declaredLength < 0 ? 0 : declaredLength);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("{\"data\":[".getBytes(StandardCharsets.UTF_8));
                while (sent.get() < (2L << 30)) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the client stopped reading: expected
            } finally {
                exchange.close();
            }
        });
        server.start();
        // no call timeout that a busy machine could hit before the bound: the bound must end the call
        client = SimulatedLonghorn.testClient("http://127.0.0.1:" + server.getAddress().getPort()).maxRetries(0)
                .callTimeout(Duration.ofHours(1)).capabilities(io.drkit.longhorn.ServerCapabilities.longhorn14())
                .build();
    }
}

package io.drkit.longhorn.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.model.PvcRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keeps {@link LonghornSimulator} honest: what it answers has exactly the keys of the recorded-shape fixtures of the
 * same Longhorn version, at the top level and in the nested objects a client reads.
 */
class LonghornSimulatorShapeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private LonghornSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.body().isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
    }

    private static JsonNode fixture(LonghornVersion v, String file) throws IOException {
        try (InputStream in = LonghornSimulatorShapeTest.class.getClassLoader().getResourceAsStream(v.fixture(file))) {
            return MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void answersWithTheFixturesKeysForEveryResource(LonghornVersion v) throws Exception {
        sim = LonghornSimulator.start(v);
        sim.publishBackup("pvc-shape", "backup-5a5a5a5a5a5a5a5a", PvcRef.of("shop", "db-data"), 1L << 30);
        String bvId = sim.backupVolumeId("pvc-shape", "default");

        assertThat(keys(call("GET", "/v1/backuptargets", null)))
                .isEqualTo(keys(fixture(v, "backuptargets.json")));
        assertThat(keys(call("GET", "/v1/backuptargets", null).get("data").get(0)))
                .isEqualTo(keys(fixture(v, "backuptargets.json").get("data").get(0)));
        assertThat(keys(call("GET", "/v1/backupvolumes", null).get("data").get(0)))
                .isEqualTo(keys(fixture(v, "backupvolumes.json").get("data").get(0)));
        assertThat(keys(call("GET", "/v1/backupvolumes/pvc-nope", null)))
                .isEqualTo(keys(fixture(v, "backupvolume-unknown.json")));
        JsonNode backups = call("POST", "/v1/backupvolumes/" + bvId + "?action=backupList", "{}");
        assertThat(keys(backups)).isEqualTo(keys(fixture(v, "backups-a.json")));
        assertThat(keys(backups.get("data").get(0))).isEqualTo(keys(fixture(v, "backup-get.json")));
        assertThat(keys(call("POST", "/v1/backupvolumes/" + bvId + "?action=backupGet", "{\"name\":\"nope\"}")))
                .isEqualTo(keys(fixture(v, "error-backup-not-found.json")));

        String create = "{\"name\":\"shape\",\"fromBackup\":\"s3://backups@us-east-1/?backup=backup-5a5a5a5a5a5a5a5a"
                + "&volume=pvc-shape\",\"numberOfReplicas\":3}";
        assertThat(keys(call("POST", "/v1/volumes", create))).isEqualTo(keys(fixture(v, "volume-create-response.json")));
        JsonNode creating = call("GET", "/v1/volumes/shape", null);
        assertThat(keys(creating)).isEqualTo(keys(fixture(v, "volume-creating.json")));
        assertThat(keys(creating.get("kubernetesStatus"))).isEqualTo(keys(fixture(v, "volume-creating.json").get("kubernetesStatus")));
        call("GET", "/v1/volumes/shape", null);
        JsonNode restoring = call("GET", "/v1/volumes/shape", null);
        JsonNode want = fixture(v, "volume-restoring.json");
        assertThat(restoring.path("state").asText()).isEqualTo("attached");
        assertThat(keys(restoring)).isEqualTo(keys(want));
        assertThat(keys(restoring.get("restoreStatus").get(0))).isEqualTo(keys(want.get("restoreStatus").get(0)));
        assertThat(keys(restoring.get("controllers").get(0))).isEqualTo(keys(want.get("controllers").get(0)));
        assertThat(keys(restoring.get("replicas").get(0))).isEqualTo(keys(want.get("replicas").get(0)));
        assertThat(keys(restoring.get("conditions").get("Restore"))).isEqualTo(keys(want.get("conditions").get("Restore")));
        assertThat(keys(restoring.get("cloneStatus"))).isEqualTo(keys(want.get("cloneStatus")));
        assertThat(keys(call("POST", "/v1/volumes", create))).isEqualTo(keys(fixture(v, "error-already-exists.json")));
    }
}

package io.drkit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.testing.SampleCatalogs;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestorePlanJsonTest {

    private static RestorePlan samplePlan() {
        RestoreRequest r = RestoreRequest.builder().all().asOf(Instant.parse("2026-11-25T12:00:00Z"))
                .maxAge(Duration.ofDays(30)).volumeName("restore-{pvc}").replicas(2).reclaimPolicy(ReclaimPolicy.DELETE)
                .storageClass("longhorn").createPvc(true).dataLossRatio(0.4).build();
        return RestorePlanner.standard().plan(r, SampleCatalogs.homelab(), ClusterState.offline());
    }

    @Test
    void roundTripsThroughJsonExactly() {
        RestorePlan p = samplePlan();
        assertThat(p.steps()).isNotEmpty();
        assertThat(p.skips()).isNotEmpty();
        assertThat(p.warnings()).isNotEmpty();
        RestorePlan back = RestorePlan.fromJson(p.toJson());
        assertThat(back).isEqualTo(p);
        assertThat(back.toJson()).isEqualTo(p.toJson());
    }

    @Test
    void documentNamesItsKindAndVersion() {
        String json = samplePlan().toJson();
        assertThat(json).contains("\"kind\" : \"RestorePlan\"").contains("\"schemaVersion\" : 1");
    }

    @Test
    void refusesUnknownSchemaVersions() {
        String json = samplePlan().toJson().replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2");
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("schemaVersion 2");
    }

    @Test
    void namesThePathOfBadFields() {
        String json = samplePlan().toJson();
        String noUrl = json.replaceFirst("\"url\" : \"[^\"]*\"", "\"url\" : null");
        assertThatThrownBy(() -> RestorePlan.fromJson(noUrl)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("steps[0].backup.url");
        String badPvc = json.replaceFirst("\"pvc\" : \"[^\"]*\"", "\"pvc\" : \"no-slash\"");
        assertThatThrownBy(() -> RestorePlan.fromJson(badPvc)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("steps[0].pvc");
        assertThatThrownBy(() -> RestorePlan.fromJson("{")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RestorePlan.fromJson("{\"kind\":\"Other\"}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Other");
    }

    @Test
    void tableNamesEveryStepSkipAndWarning() {
        RestorePlan p = samplePlan();
        String table = p.toTable();
        p.steps().forEach(s -> assertThat(table).contains(s.id()).contains(s.volumeName()));
        assertThat(table).contains("DATA_LOSS_GUARD").contains("NO_PVC_MAPPING");
        assertThat(table).contains(p.steps().size() + " restore(s)");
    }

    @Test
    void whetherTheViewWasCompleteRoundTripsAndDocumentsWithoutTheFieldReadAsComplete() {
        RestorePlan incomplete = RestorePlanner.standard().plan(RestoreRequest.all(), io.drkit.core.testing.InMemoryBackupCatalog
                .builder().volume("pvc-a", v -> v.pvc("a/a").backup("backup-a1", "2026-11-01T00:00:00Z", 1))
                .completeness(io.drkit.core.catalog.CatalogCompleteness.of(java.util.List.of(),
                        java.util.Map.of("pvc-a", "not synced"))).build(), ClusterState.offline());
        assertThat(incomplete.catalogComplete()).isFalse();
        assertThat(incomplete.toJson()).contains("\"catalogComplete\" : false");
        assertThat(RestorePlan.fromJson(incomplete.toJson())).isEqualTo(incomplete);

        String before = samplePlan().toJson().replace("\"catalogComplete\" : true,", "");
        assertThat(before).doesNotContain("catalogComplete");
        assertThat(RestorePlan.fromJson(before).catalogComplete()).isTrue();
    }
}

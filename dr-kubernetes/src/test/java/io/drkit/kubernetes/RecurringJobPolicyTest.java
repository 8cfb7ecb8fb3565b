package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.kubernetes.PolicyReport.Kind;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recurring-job policy against the mock API server: audit reads only, apply converges. */
class RecurringJobPolicyTest {
    private static final String CRITICAL = "recurring-job-group.longhorn.io/critical";
    private static final String SOURCE = "recurring-job.longhorn.io/source";
    private MockCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * shop/db-data (critical, bound to Longhorn volume vol-db, which has the default group and one extra job),
     * shop/cache (not critical), media/library (critical, on NFS), wiki/data (critical, not bound yet).
     */
    private void cluster(String longhornVersion) {
        cluster = MockCluster.start();
        var admin = cluster.admin();
        GenericKubernetesResource setting = Cr.create(Longhorn.SETTINGS, Longhorn.DEFAULT_NAMESPACE, "current-longhorn-version");
        setting.getAdditionalProperties().remove("spec");
        setting.setAdditionalProperty("value", longhornVersion);
        admin.genericKubernetesResources(Longhorn.SETTINGS).inNamespace(Longhorn.DEFAULT_NAMESPACE).resource(setting).create();
        claim("shop", "db-data", "critical", "pv-db");
        claim("shop", "cache", "cache", "pv-cache");
        claim("media", "library", "critical", "pv-nfs");
        claim("wiki", "data", "critical", null);
        longhornPv("pv-db", "vol-db");
        longhornPv("pv-cache", "vol-cache");
        admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv-nfs").endMetadata()
                .withNewSpec().withNewNfs().withServer("nas").withPath("/media").endNfs().endSpec().build()).create();
        volume("vol-db", Map.of("recurring-job-group.longhorn.io/default", "enabled", "recurring-job.longhorn.io/extra", "enabled"));
        volume("vol-cache", Map.of());
    }

    private void claim(String ns, String name, String tier, String pv) {
        cluster.admin().persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(name).withNamespace(ns).addToLabels("data-tier", tier).addToLabels("app", name).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("longhorn").withVolumeName(pv)
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
    }

    private void longhornPv(String name, String volume) {
        cluster.admin().persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle(volume).endCsi().endSpec().build()).create();
    }

    private void volume(String name, Map<String, String> labels) {
        GenericKubernetesResource v = Cr.create(Longhorn.VOLUMES, Longhorn.DEFAULT_NAMESPACE, name);
        v.getMetadata().setLabels(new LinkedHashMap<>(labels));
        Cr.section(v, "spec").put("size", "1073741824");
        cluster.admin().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(Longhorn.DEFAULT_NAMESPACE).resource(v).create();
    }

    private Map<String, String> volumeLabels(String name) {
        return Cr.labels(cluster.admin().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(Longhorn.DEFAULT_NAMESPACE)
                .withName(name).get());
    }

    private Map<String, String> claimLabels(String ns, String name) {
        return cluster.admin().persistentVolumeClaims().inNamespace(ns).withName(name).get().getMetadata().getLabels();
    }

    private GenericKubernetesResource job(String name) {
        return cluster.admin().genericKubernetesResources(Longhorn.RECURRING_JOBS).inNamespace(Longhorn.DEFAULT_NAMESPACE)
                .withName(name).get();
    }

    @Test
    void auditReportsEveryDriftAndChangesNothing() {
        cluster("v1.9.3");
        PolicyReport r = RecurringJobPolicy.seed().audit(cluster.client());

        assertThat(r.mode()).isEqualTo(PolicyReport.Mode.AUDIT);
        assertThat(r.longhornVersion()).isEqualTo("v1.9.3");
        assertThat(r.pvcLabels()).isTrue();
        assertThat(r.compliant()).isFalse();
        assertThat(r.drifts(Kind.JOB_MISSING)).extracting(PolicyReport.Drift::subject).containsExactly(
                "RecurringJob longhorn-system/critical-backup", "RecurringJob longhorn-system/critical-snapshot",
                "RecurringJob longhorn-system/default-backup", "RecurringJob longhorn-system/default-snapshot");
        assertThat(r.drifts(Kind.VOLUME_UNLABELLED)).extracting(PolicyReport.Drift::subject)
                .containsExactly("Volume longhorn-system/vol-db");
        assertThat(r.drifts(Kind.PVC_UNLABELLED)).extracting(PolicyReport.Drift::subject)
                .containsExactly("claim shop/db-data", "claim wiki/data");
        assertThat(r.drifts(Kind.VOLUME_NOT_FOUND)).singleElement().satisfies(d -> {
            assertThat(d.subject()).isEqualTo("claim media/library");
            assertThat(d.detail()).contains("not a Longhorn volume");
            assertThat(d.fixable()).isFalse();
        });
        assertThat(r.unresolved()).isEqualTo(r.drifts());
        assertThat(r.actions()).isEmpty();
        assertThat(cluster.libraryWrites()).isEmpty();
    }

    @Test
    void applyCreatesTheJobsAndLabelsCriticalVolumesAndClaimsOnLonghorn15AndLater() {
        cluster("v1.9.3");
        PolicyReport applied = RecurringJobPolicy.seed().apply(cluster.client());

        assertThat(applied.mode()).isEqualTo(PolicyReport.Mode.APPLY);
        assertThat(applied.actions()).contains("created RecurringJob longhorn-system/critical-backup",
                "labelled Volume longhorn-system/vol-db recurring-job-group.longhorn.io/critical=enabled");
        assertThat(Cr.get(job("critical-backup"), "spec")).isEqualTo(Map.of("name", "critical-backup", "task", "backup",
                "cron", "0 3 * * *", "retain", 7, "concurrency", 2, "groups", List.of("critical"), "labels", Map.of()));
        assertThat(Cr.str(job("critical-snapshot"), "spec", "cron")).isEqualTo("0 * * * *");
        assertThat(Cr.str(job("default-snapshot"), "spec", "cron")).isEqualTo("0 2 * * *");
        assertThat(Cr.str(job("default-backup"), "spec", "cron")).isEqualTo("0 3 * * 0");
        assertThat(volumeLabels("vol-db")).containsEntry(CRITICAL, "enabled")
                .containsEntry("recurring-job-group.longhorn.io/default", "enabled");
        assertThat(volumeLabels("vol-cache")).doesNotContainKey(CRITICAL);
        // Longhorn mirrors the claim's recurring labels onto the volume and drops the rest: the claim gets them all
        assertThat(claimLabels("shop", "db-data")).containsEntry(SOURCE, "enabled").containsEntry(CRITICAL, "enabled")
                .containsEntry("recurring-job-group.longhorn.io/default", "enabled")
                .containsEntry("recurring-job.longhorn.io/extra", "enabled").containsEntry("app", "db-data");
        assertThat(claimLabels("wiki", "data")).containsEntry(SOURCE, "enabled").containsEntry(CRITICAL, "enabled");
        assertThat(claimLabels("shop", "cache")).doesNotContainKey(SOURCE);
        assertThat(applied.unresolved()).extracting(PolicyReport.Drift::kind).containsExactly(Kind.VOLUME_NOT_FOUND);

        PolicyReport after = RecurringJobPolicy.seed().audit(cluster.client());
        assertThat(after.drifts()).extracting(PolicyReport.Drift::kind).containsExactly(Kind.VOLUME_NOT_FOUND);
        PolicyReport again = RecurringJobPolicy.seed().apply(cluster.client());
        assertThat(again.actions()).isEmpty();
    }

    @Test
    void beforeLonghorn15OnlyVolumesAreLabelledAndUnboundClaimsAreReported() {
        cluster("v1.4.4");
        PolicyReport r = RecurringJobPolicy.seed().apply(cluster.client());

        assertThat(r.pvcLabels()).isFalse();
        assertThat(volumeLabels("vol-db")).containsEntry(CRITICAL, "enabled");
        assertThat(claimLabels("shop", "db-data")).doesNotContainKeys(SOURCE, CRITICAL);
        assertThat(r.unresolved()).extracting(PolicyReport.Drift::subject).containsExactly("claim media/library", "claim wiki/data");
        assertThat(r.drifts(Kind.VOLUME_NOT_FOUND)).anySatisfy(d -> assertThat(d.detail()).contains("not bound yet"));
    }

    @Test
    void reportsAndCorrectsAJobThatDrifted() {
        cluster("v1.9.3");
        RecurringJobPolicy.seed().apply(cluster.client());
        var jobs = cluster.admin().genericKubernetesResources(Longhorn.RECURRING_JOBS).inNamespace(Longhorn.DEFAULT_NAMESPACE);
        GenericKubernetesResource j = job("critical-backup");
        Cr.section(j, "spec").put("retain", 3);
        Cr.section(j, "spec").put("groups", List.of("critical", "other"));
        jobs.resource(j).update();

        PolicyReport audit = RecurringJobPolicy.seed().audit(cluster.client());
        assertThat(audit.drifts(Kind.JOB_DIFFERS)).singleElement().satisfies(d -> {
            assertThat(d.subject()).isEqualTo("RecurringJob longhorn-system/critical-backup");
            assertThat(d.detail()).contains("retain is '3', policy says '7'").contains("groups is '[critical, other]'");
        });
        RecurringJobPolicy.seed().apply(cluster.client());
        assertThat(Cr.number(job("critical-backup"), "spec", "retain")).contains(7L);
        assertThat(RecurringJobPolicy.seed().audit(cluster.client()).drifts(Kind.JOB_DIFFERS)).isEmpty();
    }

    @Test
    void retainCountsSchedulesAndConcurrencyAreConfigurable() {
        cluster("v1.9.3");
        RecurringJobPolicy policy = RecurringJobPolicy.builder().backupRetain("critical", 14).snapshotRetain("default", 3)
                .backupCron("critical", "15 1 * * *").snapshotCron("critical", "*/30 * * * *").concurrency(5).build();
        policy.apply(cluster.client());

        assertThat(Cr.number(job("critical-backup"), "spec", "retain")).contains(14L);
        assertThat(Cr.str(job("critical-backup"), "spec", "cron")).isEqualTo("15 1 * * *");
        assertThat(Cr.str(job("critical-snapshot"), "spec", "cron")).isEqualTo("*/30 * * * *");
        assertThat(Cr.number(job("default-snapshot"), "spec", "retain")).contains(3L);
        assertThat(Cr.number(job("default-backup"), "spec", "concurrency")).contains(5L);
        assertThat(RecurringJobPolicy.seed().audit(cluster.client()).drifts(Kind.JOB_DIFFERS)).hasSize(4);
    }

    @Test
    void evaluatesSetBasedSelectorsItselfBecauseServersMayIgnoreThem() {
        cluster("v1.9.3");
        claim("shop", "gold", "gold", "pv-gold");
        longhornPv("pv-gold", "vol-gold");
        volume("vol-gold", Map.of());
        RecurringJobPolicy policy = RecurringJobPolicy.builder().criticalSelector("data-tier in (critical,gold)").build();

        policy.apply(cluster.client());

        assertThat(volumeLabels("vol-gold")).containsEntry(CRITICAL, "enabled");
        assertThat(volumeLabels("vol-cache")).doesNotContainKey(CRITICAL);
    }

    @Test
    void retriesALabelWriteThatMetANewerResourceVersion() {
        cluster("v1.9.3");
        cluster.fail(c -> c.method().equals("PUT") && c.path().endsWith("/volumes/vol-db"), 409,
                "Operation cannot be fulfilled: the object has been modified", 2);

        RecurringJobPolicy.seed().apply(cluster.client());

        assertThat(volumeLabels("vol-db")).containsEntry(CRITICAL, "enabled");
        assertThat(cluster.libraryWrites()).filteredOn(c -> c.path().endsWith("/volumes/vol-db")).hasSize(3);
    }

    @Test
    void givesUpWithAConflictAfterRepeatedResourceVersionClashes() {
        cluster("v1.9.3");
        cluster.fail(c -> c.method().equals("PUT") && c.path().endsWith("/volumes/vol-db"), 409, "modified", 10);

        assertThatThrownBy(() -> RecurringJobPolicy.seed().apply(cluster.client())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("Volume longhorn-system/vol-db").hasMessageContaining("after 5 attempts");
    }

    @Test
    void scopesClaimsToTheGivenNamespaces() {
        cluster("v1.9.3");
        PolicyReport r = RecurringJobPolicy.builder().pvcNamespaces("wiki").longhornVersion("v1.6.0").build().audit(cluster.client());

        assertThat(r.longhornVersion()).isEqualTo("v1.6.0");
        assertThat(r.drifts()).filteredOn(d -> d.subject().startsWith("claim") || d.subject().startsWith("Volume"))
                .extracting(PolicyReport.Drift::subject).containsExactly("claim wiki/data");
        assertThat(cluster.libraryCalls()).noneMatch(c -> c.path().equals("/api/v1/persistentvolumeclaims"));
    }

    @ParameterizedTest(name = "{0} >= 1.5: {1}")
    @CsvSource({"v1.4.4, false", "v1.5.0, true", "v1.9.3, true", "1.10.0-rc1, true", "v2.0.0, true", "master-head, false",
        "'', false"})
    void tellsWhetherLonghornMirrorsClaimLabels(String version, boolean expected) {
        assertThat(RecurringJobPolicy.atLeast(version, 1, 5)).isEqualTo(expected);
    }

    @Test
    void refusesPoliciesLonghornWouldReject() {
        assertThatThrownBy(() -> RecurringJobPolicy.Job.of("nightly", "compact", "0 1 * * *", 1, 1, "default"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown task 'compact'");
        assertThatThrownBy(() -> RecurringJobPolicy.builder().backupRetain("gold", 3)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("gold-backup");
        assertThatThrownBy(() -> RecurringJobPolicy.builder().withoutJob("critical-backup").withoutJob("critical-snapshot").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("critical");
        assertThat(RecurringJobPolicy.seed().jobs()).containsOnlyKeys("critical-backup", "critical-snapshot",
                "default-backup", "default-snapshot");
        assertThat(RecurringJobPolicy.seed().criticalSelector().toString()).isEqualTo("data-tier=critical");
    }
}

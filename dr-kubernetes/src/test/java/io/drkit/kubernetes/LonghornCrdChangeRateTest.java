package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Estimated change rates from Backup CRs' {@code status.newlyUploadDataSize}, on the mock API server. */
class LonghornCrdChangeRateTest {
    private static final long MIB = 1L << 20;
    private static final PvcRef DB = PvcRef.of("shop", "db");
    private static final Instant DAY0 = Instant.parse("2026-11-10T03:00:00Z");

    private MockCluster cluster;
    private AutoCloseable syncs;

    @AfterEach
    void stop() throws Exception {
        if (syncs != null) {
            syncs.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String name(int day) {
        return String.format("backup-db%012d", day);
    }

    /** 13 daily backups of 600 MiB of data; {@code uploaded} gives each one's newlyUploadDataSize ("" for none). */
    private LonghornCrdCatalog catalog(java.util.function.IntFunction<String> uploaded) throws Exception {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", v -> {
            v.size(10L << 30).pvc("shop/db");
            for (int d = 0; d <= 12; d++) {
                v.backup(name(d), DAY0.plus(Duration.ofDays(d)).toString(), 600 * MIB);
            }
        }).build();
        Map<String, List<Backup>> backups = new TreeMap<>();
        for (BackupVolume v : c.listBackupVolumes()) {
            backups.put(v.name(), c.listBackups(v.name()));
        }
        cluster = MockCluster.start();
        CrFixtures.write(cluster.admin(), new CatalogFixture(BackupTarget.parse("s3://backups@us-east-1/"),
                c.listBackupVolumes(), backups), "default");
        var op = cluster.admin().genericKubernetesResources(CrFixtures.BACKUP).inNamespace(CrFixtures.NS);
        for (int d = 0; d <= 12; d++) {
            GenericKubernetesResource cur = op.withName(name(d)).get();
            @SuppressWarnings("unchecked")
            Map<String, Object> st = new LinkedHashMap<>((Map<String, Object>) cur.getAdditionalProperties().get("status"));
            st.put("newlyUploadDataSize", uploaded.apply(d));
            st.put("reUploadedDataSize", "0");
            cur.setAdditionalProperty("status", st);
            op.resource(cur).updateStatus();
        }
        syncs = CrFixtures.answerSyncRequests(cluster.admin());
        return LonghornCrdCatalog.builder().client(cluster.client()).syncWait(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20)).build();
    }

    private static RestorePlan plan(RestoreRequest r, LonghornCrdCatalog c) {
        return RestorePlanner.withClock(Clock.fixed(DAY0.plus(Duration.ofDays(13)), ZoneOffset.UTC))
                .plan(r, c, ClusterState.offline());
    }

    @Test
    void aBackupThatUploadedTheWholeVolumeAgainIsFlaggedByTheEstimate() throws Exception {
        try (LonghornCrdCatalog c = catalog(d -> Long.toString(d == 0 || d == 12 ? 600 * MIB : (1 + d % 2) * MIB / 2))) {
            List<ChangeRate> rates = c.changeRates("pvc-db", name(12), 3);
            assertThat(rates).extracting(ChangeRate::basis).containsOnly(ChangeRate.Basis.ESTIMATE);
            assertThat(rates.get(0).fraction()).isEqualTo(1.0);
            assertThat(rates.get(1).fraction()).isEqualTo(1.0 / 600);

            RestorePlan warn = plan(RestoreRequest.of(DB), c);
            assertThat(warn.warnings(PlanWarning.Kind.CHANGE_RATE_ANOMALY)).singleElement()
                    .satisfies(w -> assertThat(w.message()).contains(name(12)).contains("(estimate)"));
            assertThat(plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.PREVIOUS).build(), c)
                    .getStep(DB).backup().name()).isEqualTo(name(11));
            assertThat(plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build(), c)
                    .skips(PlanSkip.SkipReason.CHANGE_RATE_ANOMALY)).hasSize(1);
        }
    }

    @Test
    void crsWithoutUploadedSizesGiveUnknownRates() throws Exception {
        try (LonghornCrdCatalog c = catalog(d -> "")) {
            ChangeRate r = c.changeRate("pvc-db", name(12));
            assertThat(r.isKnown()).isFalse();
            assertThat(r.detail()).contains("before 1.7");
            assertThat(plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build(), c)
                    .getStep(DB).backup().name()).isEqualTo(name(12));
        }
    }
}

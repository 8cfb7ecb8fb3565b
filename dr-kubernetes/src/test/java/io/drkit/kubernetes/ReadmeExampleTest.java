package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the README's snippet (kept verbatim in {@link #restoreCriticalClaims}) against the simulated cluster. */
class ReadmeExampleTest {

    // --- README snippet: start
    static ExecutionReport restoreCriticalClaims(KubernetesClient client) {
        try (LonghornCrdCatalog catalog = LonghornCrdCatalog.create(client);
             KubernetesClusterInspector inspector = KubernetesClusterInspector.create(client);
             KubernetesVolumeBinder binder = KubernetesVolumeBinder.builder().client(client)
                     .syncTimeout(Duration.ofMinutes(10)).build()) {
            RestorePlan plan = RestorePlanner.standard().plan(
                    RestoreRequest.builder().pvcSelector("data-tier=critical").build(), catalog, inspector.inspect());
            System.out.println(plan.toTable());
            ExecutionReport report = RestoreExecutor.builder().binder(binder).build().execute(plan);
            RecurringJobPolicy.seed().apply(client);   // backups continue on the rebuilt cluster
            return report;
        }
    }
    // --- README snippet: end

    @Test
    void theReadmeSnippetRestoresTheCriticalClaimsOfARebuiltCluster() throws Exception {
        try (SimCluster sim = SimCluster.start()) {
            PvcRef db = PvcRef.of("shop", "db-data");
            PvcRef cache = PvcRef.of("shop", "cache");
            sim.store.publish("pvc-0a1b", "backup-6000000000000001", db, 1L << 30);
            sim.store.publish("pvc-0c2d", "backup-6000000000000002", cache, 1L << 30);
            sim.longhorn.syncNow();
            sim.createClaim(db, "longhorn", "1Gi", Map.of("data-tier", "critical"));
            sim.createClaim(cache, "longhorn", "1Gi", Map.of("data-tier", "scratch"));

            ExecutionReport report = restoreCriticalClaims(sim.cluster.client());

            assertThat(report.succeeded()).isTrue();
            assertThat(report.results()).singleElement().satisfies(r -> {
                assertThat(r.pvc()).isEqualTo(db);
                assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
            });
            Instant end = Instant.now().plusSeconds(15);
            // Kubernetes binds the claim, then Longhorn mirrors the claim's recurring-job labels onto the volume
            while (sim.pvc(db).getStatus() == null || !"Bound".equals(sim.pvc(db).getStatus().getPhase())
                    || !sim.volumeGroups("pvc-0a1b").contains("critical")) {
                assertThat(Instant.now()).isBefore(end);
                Thread.sleep(20);
            }
            assertThat(sim.pvc(db).getSpec().getVolumeName()).isEqualTo("pvc-0a1b");
            assertThat(sim.volumeGroups("pvc-0a1b")).contains("critical");
            assertThat(sim.pvc(cache).getSpec().getVolumeName()).isNull();
        }
    }
}

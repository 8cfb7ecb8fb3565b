package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.ChangeRateVerdict;
import io.drkit.core.catalog.ChangeRates;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.RestoreSet;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.testing.InMemoryVolumeBinder;
import io.drkit.core.testing.SampleCatalogs;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The code of dr-core/README.md, so the README only shows code that compiles and runs. */
class ReadmeSnippetTest {

    @Test
    void readmeSnippetPlansAndAppliesTheCriticalVolumes() {
        ExecutionReport last;
        try (BackupCatalog catalog = SampleCatalogs.homelab();
             InMemoryVolumeBinder cluster = new InMemoryVolumeBinder()) {
            RestoreRequest request = RestoreRequest.builder()
                    .group("critical")                       // recurring-job group recorded in the backups
                    .asOf(Instant.parse("2026-11-25T12:00:00Z"))
                    .build();
            RestorePlan plan = RestorePlanner.standard().plan(request, catalog, cluster.clusterState());
            System.out.println(plan.toTable());

            ExecutionReport report = RestoreExecutor.builder()
                    .binder(cluster)
                    .parallelism(2)
                    .stepTimeout(Duration.ofHours(2))
                    .build()
                    .execute(plan);
            System.out.println(report.toTable());
            last = report;
            assertThat(plan.steps()).hasSize(4);
        }
        assertThat(last.succeeded()).isTrue();
    }

    @Test
    void readmeSnippetShowsARestoreSetAndAnAnomalousBackup() {
        RestoreSet shown;
        ChangeRateVerdict verdict;
        try (BackupCatalog catalog = SampleCatalogs.homelab()) {
            RestoreRequest request = RestoreRequest.builder().all()
                    .consistentBy("namespace")                  // or "label=app.kubernetes.io/instance"
                    .consistencyWindow(Duration.ofHours(2))     // the default
                    .consistentStrict(false)                    // true: hold a set that has no common point
                    .onAnomaly(AnomalyPolicy.PREVIOUS)          // warn (default), previous, hold, off
                    .build();
            RestorePlan plan = RestorePlanner.standard().plan(request, catalog, ClusterState.offline());
            RestoreSet immich = plan.findSet("namespace=immich").orElseThrow();
            System.out.println(immich.status() + " at " + immich.consistentAt().orElseThrow() + ", skew " + immich.skew());
            shown = immich;
        }

        try (InMemoryBackupCatalog catalog = InMemoryBackupCatalog.builder()
                .volume("pvc-db", v -> v.size(10L << 30).pvc("shop/db")
                        .backup("backup-db01", "2026-11-20T03:00:00Z", 600L << 20)
                        .backup("backup-db02", "2026-11-21T03:00:00Z", 600L << 20, 2)      // changed 2 of 300 blocks
                        .backup("backup-db03", "2026-11-22T03:00:00Z", 600L << 20, 1)
                        .backup("backup-db04", "2026-11-23T03:00:00Z", 600L << 20, 2)
                        .backup("backup-db05", "2026-11-24T03:00:00Z", 600L << 20, 300))   // rewrote every block
                .build()) {
            ChangeRates rates = ChangeRates.of(catalog);                  // any catalog; exact on a raw store
            System.out.println(rates.rates("pvc-db"));                    // a table of rates and verdicts
            ChangeRateVerdict newest = rates.judgeNewest("pvc-db").orElseThrow();
            System.out.println(newest);                                   // ANOMALY pvc-db/backup-db05: ... 100.0% ...
            verdict = newest;
        }
        assertThat(shown.status()).isEqualTo(RestoreSet.Status.CONSISTENT);
        assertThat(shown.consistentAt()).contains(Instant.parse("2026-11-25T03:20:00Z"));
        assertThat(shown.skew()).isEqualTo(Duration.ofMinutes(10));
        assertThat(verdict.isAnomaly()).isTrue();
        assertThat(verdict.toString()).contains("backup-db05").contains("100.0%");
    }
}

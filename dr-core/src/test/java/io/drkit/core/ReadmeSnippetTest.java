package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.BackupCatalog;
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
}

package io.drkit.longhorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the code shown in {@code dr-longhorn/README.md}, so the snippet is known to compile and work. */
class ReadmeExampleTest {

    /** The README snippet (README shows the body; the base URL and poll interval are parameters here). */
    static BindResult restoreNewest(String baseUrl, Duration pollInterval) {
        try (LonghornClient longhorn = LonghornClient.builder()
                .baseUrl(baseUrl)                        // default: http://longhorn-backend.longhorn-system.svc:9500
                .connectTimeout(Duration.ofSeconds(5))
                .build();
             LonghornBackupCatalog catalog = LonghornBackupCatalog.create(longhorn);
             LonghornVolumeBinder binder = LonghornVolumeBinder.builder(longhorn).pollInterval(pollInterval).build()) {

            Backup newest = catalog.newestCompleteBackup("pvc-3f1c2a7e").orElseThrow();
            RestoreStep step = RestoreStep.builder(PvcRef.of("shop", "db-data"), newest)
                    .volumeName("restored-db").pvName("restored-db")
                    .storageClassName("longhorn").createPvc(true).build();
            BindResult result = binder.bind(step, BindContext.simple(step));
            System.out.println(result.outcome() + ": " + result.actions());
            return result;
        }
    }

    @Test
    void theReadmeSnippetRestoresTheNewestBackupWithItsClaim() {
        try (LonghornSimulator sim = LonghornSimulator.start(LonghornVersion.V1_9)) {
            sim.publishBackup("pvc-3f1c2a7e", "backup-0a1b2c3d4e5f6071", PvcRef.of("shop", "db-data"), 1L << 30);

            BindResult r = restoreNewest(sim.baseUrl(), Duration.ofMillis(5));

            assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
            assertThat(r.pvcCreated()).isTrue();
            assertThat(sim.pvc(PvcRef.of("shop", "db-data"))).isPresent();
        }
    }
}

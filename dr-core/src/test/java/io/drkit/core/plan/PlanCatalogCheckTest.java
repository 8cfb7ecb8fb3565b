package io.drkit.core.plan;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.PvcRef;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Before anything is created, each step's backup is checked against the catalog (issue 11, item 4). */
class PlanCatalogCheckTest {
    private static final PvcRef KARAKEEP = PvcRef.parse("karakeep/data-pvc");
    private static final PvcRef IMMICH = PvcRef.parse("immich/library");

    private static RestorePlan withStep(RestorePlan p, RestoreStep s) {
        List<RestoreStep> steps = p.steps().stream().map(x -> x.pvc().equals(s.pvc()) ? s : x).toList();
        return new RestorePlan(p.schemaVersion(), p.createdAt(), p.source(), p.clusterAware(), p.request(), steps,
                p.skips(), p.warnings());
    }

    @Test
    void aPlanThatMatchesTheCatalogPasses() {
        assertThatCode(() -> PlanCatalogCheck.check(RestorePlanValidationTest.plan(),
                RestorePlanValidationTest.catalog())).doesNotThrowAnyException();
    }

    @Test
    void anotherClaimsBackupRestoredIntoKarakeepIsRefusedEvenWhenEveryNameWasEditedToMatch() {
        RestorePlan p = RestorePlanValidationTest.plan();
        Backup immich = p.getStep(IMMICH).backup();
        RestoreStep forged = p.getStep(KARAKEEP).toBuilder().backup(immich).sizeBytes(64L << 20).build();
        assertThatThrownBy(() -> PlanCatalogCheck.check(withStep(p, forged), RestorePlanValidationTest.catalog()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nothing was changed")
                .hasMessageContaining("was taken of claim immich/library, not of karakeep/data-pvc");
        RestoreStep small = forged.toBuilder().sizeBytes(32L << 20).build();
        assertThatThrownBy(() -> PlanCatalogCheck.check(withStep(p, small), RestorePlanValidationTest.catalog()))
                .hasMessageContaining("larger than the step's 33554432 bytes");
    }

    @Test
    void aBackupTheCatalogDoesNotHaveIsNotFound() {
        RestorePlan p = RestorePlanValidationTest.plan();
        Backup gone = p.getStep(KARAKEEP).backup().toBuilder().build();
        Backup renamed = Backup.builder("backup-ffff000000000009", gone.volumeName()).state(BackupState.COMPLETED)
                .volumeSize(gone.volumeSize()).url(gone.url().orElseThrow().target().backupUrl("backup-ffff000000000009", gone.volumeName()))
                .build();
        RestoreStep s = p.getStep(KARAKEEP).toBuilder().backup(renamed).build();
        assertThatThrownBy(() -> PlanCatalogCheck.check(withStep(p, s), RestorePlanValidationTest.catalog()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("backup-ffff000000000009 of volume pvc-karakeep is not in");
    }

    @Test
    void aBackupThatIsNoLongerCompleteOrMovedIsRefused() {
        RestorePlan p = RestorePlanValidationTest.plan();
        Backup b = p.getStep(KARAKEEP).backup();
        InMemoryBackupCatalog inProgress = InMemoryBackupCatalog.builder()
                .add(RestorePlanValidationTest.catalog().getBackupVolume("pvc-karakeep"))
                .add(b.toBuilder().state(BackupState.IN_PROGRESS).build()).build();
        assertThatThrownBy(() -> PlanCatalogCheck.check(p, inProgress)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is IN_PROGRESS in the catalog");
        InMemoryBackupCatalog moved = InMemoryBackupCatalog.builder()
                .add(RestorePlanValidationTest.catalog().getBackupVolume("pvc-karakeep"))
                .add(b.toBuilder().url(BackupUrl.parse("s3://elsewhere@eu-west-1/?backup=" + b.name() + "&volume=" + b.volumeName())).build())
                .add(p.getStep(IMMICH).backup()).add(RestorePlanValidationTest.catalog().getBackupVolume("pvc-immich"))
                .build();
        assertThatThrownBy(() -> PlanCatalogCheck.check(p, moved)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("s3://elsewhere@eu-west-1/");
    }
}

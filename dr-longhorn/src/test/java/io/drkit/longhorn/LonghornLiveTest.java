package io.drkit.longhorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogScan;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Read-only checks against a real Longhorn, opt-in: set {@code DRKIT_LONGHORN_URL} (for example
 * {@code http://localhost:9500} through {@code kubectl -n longhorn-system port-forward svc/longhorn-backend 9500}).
 * Nothing is created or changed.
 */
@EnabledIfEnvironmentVariable(named = "DRKIT_LONGHORN_URL", matches = ".+")
class LonghornLiveTest {

    @Test
    void readsTargetsBackupVolumesAndVolumesOfARealLonghorn() {
        try (LonghornClient client = LonghornClient.create(System.getenv("DRKIT_LONGHORN_URL"));
             LonghornBackupCatalog catalog = LonghornBackupCatalog.create(client)) {
            ServerCapabilities caps = client.capabilities();
            List<LonghornBackupTarget> targets = client.listBackupTargets();
            CatalogScan scan = catalog.scanAll();
            List<LonghornVolume> volumes = client.listVolumes();

            System.out.println(caps + "; targets " + targets + "; " + scan.volumes().size() + " backup volumes, "
                    + scan.backupCount() + " backups, " + scan.skipped().size() + " skipped; " + volumes.size() + " volumes");
            assertThat(targets).extracting(LonghornBackupTarget::name).contains("default");
            assertThat(scan.volumes()).allSatisfy(v -> assertThat(v.backendId()).startsWith(v.name()));
        }
    }
}

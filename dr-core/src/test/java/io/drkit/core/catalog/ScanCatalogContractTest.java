package io.drkit.core.catalog;

import io.drkit.core.contract.BackupCatalogContractTest;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.util.List;

/** A scan seen as a catalog behaves like any catalog. */
class ScanCatalogContractTest extends BackupCatalogContractTest {
    @Override
    protected BackupCatalog createCatalog(CatalogFixture fixture) {
        List<Backup> all = fixture.backups().values().stream().flatMap(List::stream).toList();
        return InMemoryBackupCatalog.of(fixture.volumes(), all).scanAll().asCatalog("scanned fixture");
    }
}

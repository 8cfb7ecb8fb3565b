package io.drkit.core.testing;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.contract.BackupCatalogContractTest;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import java.util.List;

class InMemoryBackupCatalogContractTest extends BackupCatalogContractTest {
    @Override
    protected BackupCatalog createCatalog(CatalogFixture fixture) {
        List<Backup> all = fixture.backups().values().stream().flatMap(List::stream).toList();
        return InMemoryBackupCatalog.of(fixture.volumes(), all);
    }
}

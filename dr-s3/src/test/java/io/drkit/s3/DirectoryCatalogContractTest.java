package io.drkit.s3;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.contract.BackupCatalogContractTest;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The dr-core catalog contract against a backupstore in a local directory (a mounted NFS share). */
class DirectoryCatalogContractTest extends BackupCatalogContractTest {
    @TempDir
    Path dir;

    @Override
    protected CatalogFixture fixture() {
        return CatalogFixture.standard(BackupTarget.parse("nfs://nas.example:/export/longhorn"));
    }

    @Override
    protected BackupCatalog createCatalog(CatalogFixture fixture) {
        DirectoryObjectSource source = DirectoryObjectSource.of(dir);
        FixtureStores.write(BackupstoreWriter.create(source, fixture.target(), 7), fixture);
        return BackupstoreCatalog.builder(source, fixture.target()).concurrency(4).build();
    }
}

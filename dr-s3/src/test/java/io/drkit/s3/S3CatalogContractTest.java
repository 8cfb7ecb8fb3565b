package io.drkit.s3;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.contract.BackupCatalogContractTest;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The dr-core catalog contract against a backupstore in a real S3 server (S3Proxy on loopback). */
class S3CatalogContractTest extends BackupCatalogContractTest {
    private static EmbeddedS3Server server;
    private static int bucketNo;
    private S3ObjectSource source;

    @BeforeAll
    static void startServer() {
        server = EmbeddedS3Server.startTransient();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected CatalogFixture fixture() {
        return CatalogFixture.standard(BackupTarget.parse("s3://contract-" + (++bucketNo) + "@us-east-1/dr/"));
    }

    @Override
    protected BackupCatalog createCatalog(CatalogFixture fixture) {
        source = server.createBucket(fixture.target().host());
        FixtureStores.write(BackupstoreWriter.create(source, fixture.target(), 7), fixture);
        return BackupstoreCatalog.builder(source, fixture.target()).concurrency(4).build();
    }

    @AfterEach
    void closeSource() {
        source.close();
    }
}

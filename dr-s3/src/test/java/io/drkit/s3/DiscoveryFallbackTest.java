package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stores that mishandle multi-character delimiters are detected and read level by level, with the same result. */
class DiscoveryFallbackTest {
    enum Quirk { IGNORES_DELIMITER, TREATS_ANY_DELIMITER_AS_SLASH, HONOURS_IT }

    @TempDir
    Path dir;

    /** A store that answers listings the way some gateways do. */
    private record QuirkySource(ObjectSource delegate, Quirk quirk) implements ObjectSource {
        @Override
        public int list(String prefix, String delimiter, ListingVisitor visitor) {
            String d = delimiter == null || "/".equals(delimiter) ? delimiter : switch (quirk) {
                case IGNORES_DELIMITER -> null;
                case TREATS_ANY_DELIMITER_AS_SLASH -> "/";
                case HONOURS_IT -> delimiter;
            };
            return delegate.list(prefix, d, visitor);
        }

        @Override
        public ObjectStream get(String key) {
            return delegate.get(key);
        }

        @Override
        public ObjectStream getRange(String key, long offset, long length) {
            return delegate.getRange(key, offset, length);
        }

        @Override
        public Optional<ObjectInfo> head(String key) {
            return delegate.head(key);
        }

        @Override
        public String describe() {
            return quirk + " " + delegate.describe();
        }

        @Override
        public void close() {
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Quirk.class)
    void everyStoreGivesTheSameAnswer(Quirk quirk) {
        BackupTarget target = BackupTarget.directory(dir);
        BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(dir), target, 4);
        for (String v : new String[] {"pvc-a", "pvc-bs", "blocks", "pvc-c"}) {
            w.volume(v).size(16L << 20).backup("backup-" + v + "-1", Instant.parse("2026-11-01T00:00:00Z"), c -> c.random(0));
            w.volume(v).backup("backup-" + v + "-2", Instant.parse("2026-11-02T00:00:00Z"), c -> c.text(2 << 20));
        }
        w.dsStore();
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(new QuirkySource(DirectoryObjectSource.of(dir), quirk), target)
                .build()) {
            Map<String, Backup> newest = catalog.newestCompleteBackups();
            assertThat(newest).containsOnlyKeys("blocks", "pvc-a", "pvc-bs", "pvc-c");
            assertThat(newest.get("pvc-bs").name()).isEqualTo("backup-pvc-bs-2");
            CatalogScan scan = catalog.scanAll();
            assertThat(scan.backupCount()).isEqualTo(8);
            assertThat(scan.skipped()).extracting(s -> s.location()).containsExactly("backupstore/volumes/.DS_Store");
            assertThat(catalog.discovery()).isEqualTo(quirk == Quirk.HONOURS_IT ? BackupstoreCatalog.Discovery.AUTO
                    : BackupstoreCatalog.Discovery.LEVEL_BY_LEVEL);
        }
    }
}

package io.drkit.s3;

import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.testing.BackupstoreWriter;
import java.util.ArrayList;
import java.util.List;

/** Materialises dr-core's {@link CatalogFixture} as a real backupstore with the fixture writer. */
final class FixtureStores {
    private FixtureStores() {
    }

    /** Writes every volume and backup of {@code fixture} through {@code w}, oldest backup first. */
    static void write(BackupstoreWriter w, CatalogFixture fixture) {
        for (BackupVolume v : fixture.volumes()) {
            BackupstoreWriter.VolumeWriter vw = w.volume(v.name()).size(v.size()).compression(v.compression())
                    .labels(v.labels()).storageClass(v.storageClassName().orElse("")).dataEngine(v.dataEngine())
                    .metadataOnly();
            v.createdAt().ifPresent(vw::createdAt);
            List<Backup> backups = new ArrayList<>(fixture.backupsOf(v.name()));
            java.util.Collections.reverse(backups);
            long seed = 1;
            for (Backup b : backups) {
                if (!b.isComplete()) {
                    vw.inProgressBackup(b.name(), b.snapshotCreatedAt().orElseThrow());
                    continue;
                }
                int blocks = (int) (b.size() / b.blockSize());
                long s = seed++;
                vw.backup(b.name(), b.snapshotCreatedAt().orElseThrow(), c -> {
                    c.labels(b.labels());
                    b.completedAt().ifPresent(c::completedAt);
                    for (int i = 0; i < blocks; i++) {
                        c.block((long) i * b.blockSize(), io.drkit.s3.testing.BlockContent.random(s * 1000 + i));
                    }
                });
            }
            String pointer = v.lastBackupName().orElse("");
            vw.labels(v.labels()).pointer(pointer);
        }
    }
}

package io.drkit.examples.job;

import io.drkit.core.Cancellation;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import java.util.List;
import java.util.Objects;

/**
 * The result of one full scan seen as a {@link BackupCatalog}: the Job plans from exactly the backups it scanned
 * (and printed counts of), without reading the store a second time. A full scan also sees backups that a store's
 * last-backup pointer does not name yet. Owns nothing; {@link #close()} does nothing.
 */
final class ScannedCatalog implements BackupCatalog {
    private final String description;
    private final CatalogScan scan;

    ScannedCatalog(String description, CatalogScan scan) {
        this.description = Objects.requireNonNull(description, "description");
        this.scan = Objects.requireNonNull(scan, "scan");
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public List<BackupVolume> listBackupVolumes() {
        return scan.volumes();
    }

    @Override
    public List<Backup> listBackups(String volumeName) {
        if (findBackupVolume(volumeName).isEmpty()) {
            throw new NotFoundException("backup volume " + volumeName + " not found in " + description);
        }
        return scan.backupsOf(volumeName);
    }

    @Override
    public CatalogScan scanAll(CatalogListener listener, Cancellation cancellation) {
        return scan;
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        return scan.skipped();
    }

    @Override
    public void close() {
        // nothing held
    }
}

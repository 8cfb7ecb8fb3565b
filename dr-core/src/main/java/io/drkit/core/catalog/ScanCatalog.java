package io.drkit.core.catalog;

import io.drkit.core.Cancellation;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import java.util.List;
import java.util.Objects;

/** A {@link CatalogScan} seen as a {@link BackupCatalog}; see {@link CatalogScan#asCatalog(String)}. */
class ScanCatalog implements BackupCatalog {
    private final String description;
    private final CatalogScan scan;

    ScanCatalog(String description, CatalogScan scan) {
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
        if (scan.volumes().stream().noneMatch(v -> v.name().equals(volumeName))) {
            throw new NotFoundException("backup volume " + volumeName + " not found in " + description);
        }
        return scan.backupsOf(volumeName);
    }

    @Override
    public CatalogScan scanAll(CatalogListener listener, Cancellation cancellation) {
        CatalogListener l = listener == null ? CatalogListener.NONE : listener;
        int total = scan.volumes().size();
        l.scanStarted(total);
        int done = 0;
        for (BackupVolume v : scan.volumes()) {
            l.volumeScanned(v.name(), ++done, total);
        }
        l.scanFinished(total, scan.backupCount(), scan.skipped().size());
        return scan;
    }

    @Override
    public CatalogCompleteness completeness() {
        return scan.completeness();
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        return scan.skipped();
    }

    @Override
    public void close() {
        // owns nothing
    }

    /** A scan whose change rates are read from the catalog it was made from. */
    static final class WithChangeRates extends ScanCatalog implements ChangeRateSource {
        private final ChangeRateSource rates;

        WithChangeRates(String description, CatalogScan scan, ChangeRateSource rates) {
            super(description, scan);
            this.rates = Objects.requireNonNull(rates, "rates");
        }

        @Override
        public List<ChangeRate> changeRates(String volumeName, String newestBackup, int count, Cancellation cancellation) {
            return rates.changeRates(volumeName, newestBackup, count, cancellation);
        }
    }
}

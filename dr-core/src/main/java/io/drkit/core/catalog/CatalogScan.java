package io.drkit.core.catalog;

import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The result of a full scan: every backup volume, every backup of each, and every entry skipped on the way.
 *
 * @param volumes backup volumes, sorted by name
 * @param backups backups of each volume (newest first), by volume name
 * @param skipped entries left out, with reasons
 * @param completeness whether the catalog's view was known to be complete when it was scanned
 */
public record CatalogScan(List<BackupVolume> volumes, Map<String, List<Backup>> backups, List<SkippedEntry> skipped,
                          CatalogCompleteness completeness) {

    /** A scan of a view known to be complete. */
    public CatalogScan(List<BackupVolume> volumes, Map<String, List<Backup>> backups, List<SkippedEntry> skipped) {
        this(volumes, backups, skipped, CatalogCompleteness.complete());
    }

    /** Copies everything. */
    public CatalogScan {
        volumes = List.copyOf(Objects.requireNonNull(volumes, "volumes"));
        Map<String, List<Backup>> copy = new TreeMap<>();
        Objects.requireNonNull(backups, "backups").forEach((k, v) -> copy.put(k, List.copyOf(v)));
        backups = Collections.unmodifiableMap(new LinkedHashMap<>(copy));
        skipped = List.copyOf(Objects.requireNonNull(skipped, "skipped"));
        completeness = Objects.requireNonNullElse(completeness, CatalogCompleteness.complete());
    }

    /** The total number of backups of all volumes. */
    public int backupCount() {
        return backups.values().stream().mapToInt(List::size).sum();
    }

    /**
     * This scan seen as a {@link BackupCatalog} (read-only, owns nothing): plan from exactly the backups that were
     * scanned, without reading the store again. A full scan also sees backups a store's last-backup pointer does not
     * name yet, so the catalog's newest-backup answers come from the scanned listings. Its
     * {@link BackupCatalog#completeness()} is this scan's {@link #completeness()}.
     *
     * @param description what {@link BackupCatalog#describe()} says, e.g. the scanned catalog's own description
     */
    public BackupCatalog asCatalog(String description) {
        return new ScanCatalog(description, this);
    }

    /**
     * This scan seen as a {@link BackupCatalog} described as {@code scanned} is, that also answers change rates when
     * {@code scanned} does ({@link ChangeRateSource}): the backups are the scan's, the block lists or byte counts that
     * change rates need are read from {@code scanned} when asked (the planner's change-rate guard needs them).
     * {@code scanned} must stay open while the returned catalog is used.
     *
     * @param scanned the catalog this scan was made from
     */
    public BackupCatalog asCatalog(BackupCatalog scanned) {
        Objects.requireNonNull(scanned, "scanned");
        return scanned instanceof ChangeRateSource rates ? new ScanCatalog.WithChangeRates(scanned.describe(), this, rates)
                : new ScanCatalog(scanned.describe(), this);
    }

    /** The backups of one volume, newest first (empty if the volume is unknown). */
    public List<Backup> backupsOf(String volumeName) {
        return backups.getOrDefault(volumeName, List.of());
    }
}

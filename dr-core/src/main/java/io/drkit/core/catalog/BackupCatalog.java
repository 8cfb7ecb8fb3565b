package io.drkit.core.catalog;

import io.drkit.core.Cancellation;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What backups exist: the first stage of the pipeline (catalog, planner, binder, executor).
 *
 * <p>Implementations read a raw backupstore ({@code dr-s3}), Longhorn's REST API ({@code dr-longhorn}) or
 * Longhorn's CRDs ({@code dr-kubernetes}); {@code io.drkit.core.testing.InMemoryBackupCatalog} holds values in memory.
 * Catalogs are thread-safe and meant to be shared; they skip malformed entries instead of failing a whole scan and
 * report them through {@link #skippedEntries()}.
 *
 * <p>Only {@linkplain Backup#isComplete() complete} backups are restore candidates; {@link #listBackups(String)}
 * also returns incomplete ones so that callers can show them.
 */
public interface BackupCatalog extends AutoCloseable {

    /** A short description of the source, safe to print (no credentials), e.g. {@code s3://bucket@us-east-1/}. */
    String describe();

    /** Every backup volume in the store, sorted by name. */
    List<BackupVolume> listBackupVolumes();

    /** The backup volume named {@code volumeName} (the original volume name, not a backend id), if present. */
    default Optional<BackupVolume> findBackupVolume(String volumeName) {
        return listBackupVolumes().stream().filter(v -> v.name().equals(volumeName)).findFirst();
    }

    /**
     * The backup volume named {@code volumeName}.
     *
     * @throws NotFoundException when there is none
     */
    default BackupVolume getBackupVolume(String volumeName) {
        return findBackupVolume(volumeName).orElseThrow(() ->
                new NotFoundException("backup volume " + volumeName + " not found in " + describe()));
    }

    /**
     * Every backup of one volume, complete or not, newest first.
     *
     * @throws NotFoundException when the volume does not exist
     */
    List<Backup> listBackups(String volumeName);

    /** One backup by name, if both the volume and the backup exist. */
    default Optional<Backup> findBackup(String volumeName, String backupName) {
        if (findBackupVolume(volumeName).isEmpty()) {
            return Optional.empty();
        }
        return listBackups(volumeName).stream().filter(b -> b.name().equals(backupName)).findFirst();
    }

    /**
     * One backup by name.
     *
     * @throws NotFoundException when the volume or the backup does not exist
     */
    default Backup getBackup(String volumeName, String backupName) {
        return findBackup(volumeName, backupName).orElseThrow(() ->
                new NotFoundException("backup " + backupName + " of volume " + volumeName + " not found in " + describe()));
    }

    /**
     * The newest complete backup of one volume by {@link NewestBackupRule}, if any (empty too when the volume does not
     * exist). Every backend returns what the rule returns on {@link #listBackups(String)}.
     */
    default Optional<Backup> newestCompleteBackup(String volumeName) {
        if (findBackupVolume(volumeName).isEmpty()) {
            return Optional.empty();
        }
        return NewestBackupRule.newestComplete(listBackups(volumeName));
    }

    /**
     * The cheap path: the newest complete backup of every volume that has one, by volume name, by
     * {@link NewestBackupRule}. Backends may use the volume's last-backup pointer as a hint to read less, but the
     * answer is always the rule's: a missing, incomplete or older pointer never wins.
     */
    default Map<String, Backup> newestCompleteBackups() {
        Map<String, Backup> out = new TreeMap<>();
        for (BackupVolume v : listBackupVolumes()) {
            newestCompleteBackup(v.name()).ifPresent(b -> out.put(v.name(), b));
        }
        return out;
    }

    /**
     * The newest complete backup of each of {@code volumes} (values this catalog's {@link #listBackupVolumes()}
     * returned), by volume name: for callers that listed the volumes already and must not make the backend discover
     * them a second time. Backends use what the values carry (the last-backup pointer, verified as usual). The
     * default restricts {@link #newestCompleteBackups()} to their names.
     */
    default Map<String, Backup> newestCompleteBackupsOf(List<BackupVolume> volumes) {
        java.util.Set<String> names = new java.util.HashSet<>();
        volumes.forEach(v -> names.add(v.name()));
        Map<String, Backup> out = new TreeMap<>(newestCompleteBackups());
        out.keySet().retainAll(names);
        return out;
    }

    /**
     * Whether this catalog's view is known to be complete. Catalogs that read the store themselves are complete by
     * construction (the default). Catalogs over Longhorn's own view check whether Longhorn has synced it, ask Longhorn
     * to sync where it has not, and <b>wait</b> for it up to a bound set on their builder, reporting to their listener
     * ({@link CatalogListener#waitingForSync}); when the bound passes first, the answer names what is still missing.
     * Planners and tools must then never read a volume's missing backups as "no backup"
     * ({@code PlanSkip.SkipReason.CATALOG_INCOMPLETE}).
     *
     * @throws io.drkit.core.CancelledException when the waiting thread is interrupted
     */
    default CatalogCompleteness completeness() {
        return CatalogCompleteness.complete();
    }

    /** Every volume and every backup, with progress; see {@link #scanAll(CatalogListener, Cancellation)}. */
    default CatalogScan scanAll(CatalogListener listener) {
        return scanAll(listener, Cancellation.none());
    }

    /**
     * Every volume and every backup, with progress, stopping with {@link io.drkit.core.CancelledException} when
     * cancelled. The scan carries the catalog's {@link #completeness()}, checked (and waited for) first. Backends
     * override this with a parallel scan.
     */
    default CatalogScan scanAll(CatalogListener listener, Cancellation cancellation) {
        CatalogListener l = listener == null ? CatalogListener.NONE : listener;
        CatalogCompleteness completeness = completeness();
        List<BackupVolume> volumes = listBackupVolumes();
        l.scanStarted(volumes.size());
        Map<String, List<Backup>> backups = new LinkedHashMap<>();
        int done = 0;
        for (BackupVolume v : volumes) {
            cancellation.throwIfCancelled("scan of " + describe());
            backups.put(v.name(), listBackups(v.name()));
            l.volumeScanned(v.name(), ++done, volumes.size());
        }
        List<SkippedEntry> skipped = new ArrayList<>(skippedEntries());
        CatalogScan scan = new CatalogScan(volumes, backups, skipped, completeness);
        l.scanFinished(volumes.size(), scan.backupCount(), skipped.size());
        return scan;
    }

    /** {@link #scanAll(CatalogListener)} without progress. */
    default CatalogScan scanAll() {
        return scanAll(CatalogListener.NONE);
    }

    /** Entries skipped by any call on this catalog so far (each location once), in the order found. */
    List<SkippedEntry> skippedEntries();

    /** Releases connections and threads this catalog created; idempotent. Never closes clients the caller passed in. */
    @Override
    void close();
}

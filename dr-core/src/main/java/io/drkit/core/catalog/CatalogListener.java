package io.drkit.core.catalog;

/**
 * Receives progress of catalog scans. Methods have no-op defaults, must be fast and must not throw
 * (exceptions are caught and logged). Called from scanning threads, possibly concurrently.
 */
public interface CatalogListener {
    /** A listener that ignores everything. */
    CatalogListener NONE = new CatalogListener() { };

    /** A scan started; {@code volumesTotal} is -1 while unknown. */
    default void scanStarted(int volumesTotal) {
    }

    /** One volume (and, for full scans, its backups) has been read. */
    default void volumeScanned(String volumeName, int volumesDone, int volumesTotal) {
    }

    /** An entry was skipped. */
    default void entrySkipped(SkippedEntry entry) {
    }

    /**
     * The catalog's backend has not finished syncing its view and the catalog is waiting for it
     * ({@link BackupCatalog#completeness()}): called after every incomplete check, about once per poll interval.
     *
     * @param current what is still missing
     * @param waited  how long the catalog has waited so far
     * @param bound   how long it waits at most before answering with an incomplete view
     */
    default void waitingForSync(CatalogCompleteness current, java.time.Duration waited, java.time.Duration bound) {
    }

    /** The scan finished. */
    default void scanFinished(int volumes, int backups, int skipped) {
    }
}

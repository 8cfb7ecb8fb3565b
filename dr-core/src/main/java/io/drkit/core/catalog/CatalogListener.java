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

    /** The scan finished. */
    default void scanFinished(int volumes, int backups, int skipped) {
    }
}

package io.drkit.examples.cli;

import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.CatalogListener;
import java.time.Duration;

/** Draws a catalog scan as a progress bar (volumes scanned of total). */
final class CatalogProgress implements CatalogListener {
    private final ProgressDisplay display;

    CatalogProgress(ProgressDisplay display) {
        this.display = display;
    }

    @Override
    public void scanStarted(int volumesTotal) {
        display.update("scan", 0, Math.max(volumesTotal, 0), "volumes", "scanning backups");
    }

    @Override
    public void volumeScanned(String volumeName, int volumesDone, int volumesTotal) {
        display.update("scan", volumesDone, volumesTotal, "volumes", "scanning backups");
    }

    @Override
    public void waitingForSync(CatalogCompleteness current, Duration waited, Duration bound) {
        display.update("sync", waited.toSeconds(), bound.toSeconds(), "s", "waiting for Longhorn to sync: "
                + current.summary());
    }

    @Override
    public void scanFinished(int volumes, int backups, int skipped) {
        display.finish("scan", null);
    }
}

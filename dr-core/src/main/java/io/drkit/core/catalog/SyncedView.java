package io.drkit.core.catalog;

import io.drkit.core.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completeness of a catalog over a backend that syncs its own view (Longhorn's CRDs, its REST API), shared by
 * those catalogs so that the rule exists once: check (and wait, bounded, through {@link SyncWait}) until the view is
 * complete; once complete it stays complete for this catalog (the backend's view only grows); while incomplete, the
 * volumes not yet synced are the catalog's {@link SkippedEntry.Reason#NOT_SYNCED} skipped entries, replaced by every
 * check. Thread-safe.
 */
public final class SyncedView {
    private static final Logger LOG = LoggerFactory.getLogger(SyncedView.class);

    private final String where;
    private final Supplier<CatalogCompleteness> check;
    private final Duration syncWait;
    private final Duration pollInterval;
    private final Clock clock;
    private volatile boolean knownComplete;
    private volatile List<SkippedEntry> notSynced = List.of();

    /**
     * @param where        what the view is, for the warning when it stays incomplete (e.g. "Longhorn's view at URL")
     * @param check        reads the backend's view once (and may ask it to sync)
     * @param syncWait     how long one call of {@link #completeness} waits at most
     * @param pollInterval time between checks
     */
    public SyncedView(String where, Supplier<CatalogCompleteness> check, Duration syncWait, Duration pollInterval) {
        this(where, check, syncWait, pollInterval, Clock.systemUTC());
    }

    /** As {@link #SyncedView(String, Supplier, Duration, Duration)} with the clock that measures the wait. */
    public SyncedView(String where, Supplier<CatalogCompleteness> check, Duration syncWait, Duration pollInterval,
                      Clock clock) {
        this.where = Objects.requireNonNull(where, "where");
        this.check = Objects.requireNonNull(check, "check");
        this.syncWait = Objects.requireNonNull(syncWait, "syncWait");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The view's completeness: at once when it was found complete before, else after checking and waiting up to the
     * sync wait, telling {@code listener} about each incomplete check.
     *
     * @throws io.drkit.core.CancelledException when {@code cancellation} is cancelled or the thread interrupted
     */
    public CatalogCompleteness completeness(CatalogListener listener, Cancellation cancellation) {
        if (knownComplete) {
            return CatalogCompleteness.complete();
        }
        CatalogCompleteness c = SyncWait.await(check, syncWait, pollInterval, listener, clock, cancellation);
        notSynced = c.volumes().entrySet().stream()
                .map(e -> new SkippedEntry("backup volume " + e.getKey(), SkippedEntry.Reason.NOT_SYNCED, e.getValue()))
                .toList();
        if (c.isComplete()) {
            knownComplete = true;
        } else {
            LOG.warn("{} is not synced after waiting {}: {}", where, syncWait, c.summary());
        }
        return c;
    }

    /** Whether a check has found the view complete (then it is not checked again). */
    public boolean knownComplete() {
        return knownComplete;
    }

    /** The volumes the last check found not yet synced, as skipped entries ({@code NOT_SYNCED}); empty once complete. */
    public List<SkippedEntry> notSyncedEntries() {
        return notSynced;
    }
}

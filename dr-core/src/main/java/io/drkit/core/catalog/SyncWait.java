package io.drkit.core.catalog;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one bounded wait for a backend to complete its view, shared by the catalogs over Longhorn's CRDs and REST API:
 * check (a check may also ask the backend to sync, at its own pace), and while the view is incomplete and the bound
 * has not passed, report to the listener and check again every poll interval. The answer is the last check's: an
 * incomplete view at the bound is returned as such, never turned into an empty one.
 */
public final class SyncWait {
    private static final Logger LOG = LoggerFactory.getLogger(SyncWait.class);

    private SyncWait() {
    }

    /**
     * As {@link #await(Supplier, Duration, Duration, CatalogListener, Clock)}, stopping with a
     * {@link CancelledException} when {@code cancellation} is cancelled (the waiting thread is interrupted).
     */
    public static CatalogCompleteness await(Supplier<CatalogCompleteness> check, Duration bound, Duration poll,
                                            CatalogListener listener, Clock clock, Cancellation cancellation) {
        Thread waiting = Thread.currentThread();
        try (Cancellation.Registration r = cancellation.onCancel(waiting::interrupt)) {
            return await(check, bound, poll, listener, clock);
        }
    }

    /**
     * Checks until complete or until {@code bound} has passed.
     *
     * @param check    reads the backend's view now (and may request a sync); must not return null
     * @param bound    how long to wait at most (zero: check once)
     * @param poll     time between checks
     * @param listener told about every incomplete check before the next one ({@link CatalogListener#waitingForSync})
     * @param clock    for the elapsed time
     * @return the last check's answer
     * @throws CancelledException when the waiting thread is interrupted (the interrupt flag is restored)
     */
    public static CatalogCompleteness await(Supplier<CatalogCompleteness> check, Duration bound, Duration poll,
                                            CatalogListener listener, Clock clock) {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(poll, "poll");
        CatalogListener l = listener == null ? CatalogListener.NONE : listener;
        Instant start = clock.instant();
        while (true) {
            CatalogCompleteness c = Objects.requireNonNull(check.get(), "completeness");
            Duration waited = Duration.between(start, clock.instant());
            if (c.isComplete() || waited.compareTo(bound) >= 0) {
                if (!c.isComplete()) {
                    LOG.debug("view still incomplete after {}: {}", waited, c.summary());
                }
                return c;
            }
            try {
                l.waitingForSync(c, waited, bound);
            } catch (RuntimeException e) {
                LOG.warn("catalog listener threw; ignoring", e);
            }
            Duration left = bound.minus(waited);
            try {
                Thread.sleep(Math.max(1, (left.compareTo(poll) < 0 ? left : poll).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("waiting for the backend to sync was interrupted (" + c.summary() + ")", e);
            }
        }
    }
}

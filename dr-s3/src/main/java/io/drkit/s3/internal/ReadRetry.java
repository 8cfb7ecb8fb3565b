package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry rule for reading an object's body, used for blocks, backup cfgs, {@code volume.cfg}, {@code Blocks}
 * lists and lock files alike: the store's client retries a request until its response starts; this retries a read
 * that fails afterwards, while the body streams (a connection reset or a body cut short, "Premature end of
 * Content-Length"; a body that stopped making progress, {@link DrTimeoutException}; an HTTP 5xx or 429 after the
 * client's own retries). A missing object, bad data, a refusal (401/403, any other 4xx) and cancellation are never
 * retried. After the last attempt the last failure is thrown as it was (a stalled body stays a
 * {@link DrTimeoutException} naming the key and the bound).
 *
 * @param attempts how often a read is tried, the first included (at least 1)
 * @param backoff  the wait before the second attempt; doubles for each further one
 */
public record ReadRetry(int attempts, Duration backoff) {
    private static final Logger LOG = LoggerFactory.getLogger(ReadRetry.class);

    /** The default: 3 attempts, 200 ms then 400 ms between them (as blocks have always been read). */
    public static final ReadRetry DEFAULT = new ReadRetry(3, Duration.ofMillis(200));

    /** Validates. */
    public ReadRetry {
        if (attempts < 1) {
            throw new InvalidInputException("read attempts must be at least 1, not " + attempts);
        }
        Objects.requireNonNull(backoff, "backoff");
        if (backoff.isNegative()) {
            throw new InvalidInputException("read retry backoff must not be negative: " + backoff);
        }
    }

    /** Whether a read that failed with {@code e} may succeed when tried again. */
    public static boolean retryable(Throwable e) {
        if (e instanceof CancelledException) {
            return false;
        }
        if (e instanceof UnavailableException u) {
            int status = u.status().orElse(-1);
            return status < 0 || status >= 500 || status == 429;
        }
        return e instanceof DrTimeoutException || e instanceof IOException;
    }

    /**
     * Runs {@code read} (which opens the object and consumes its body) until it succeeds, fails for good, or the
     * attempts are spent.
     *
     * @param what for logs and the interrupt message, e.g. {@code "reading backupstore/.../volume.cfg"}
     */
    public <T> T call(String what, Cancellation cancel, Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            cancel.throwIfCancelled(what);
            try {
                return read.get();
            } catch (RuntimeException e) {
                if (!retryable(e) || attempt >= attempts) {
                    throw e;
                }
                LOG.debug("{} failed (attempt {} of {}), retrying: {}", what, attempt, attempts, e.toString());
                pause(attempt, what);
            }
        }
    }

    /** Waits before attempt {@code failedAttempt + 1}. */
    public void pause(int failedAttempt, String what) {
        Duration d = backoff.multipliedBy(1L << Math.min(failedAttempt - 1, 10));
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + " was interrupted", e);
        }
    }
}

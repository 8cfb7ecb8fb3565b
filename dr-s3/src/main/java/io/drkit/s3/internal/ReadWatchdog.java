package io.drkit.s3.internal;

import io.drkit.core.DrTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read progress deadline of one S3 source: a response body whose reads, over {@code window} of time spent waiting
 * for the store, bring fewer than {@link #MIN_BYTES} bytes (or fewer than the rest of the body, when less is left) is
 * aborted, and its read fails with a {@link DrTimeoutException} naming the object and the bound, which
 * {@link ReadRetry} retries like any transient read failure. It catches both a body that stops (no bytes at all)
 * and one that trickles (one byte every 20 s keeps a socket timeout from ever firing). Only time spent blocked in a
 * read counts: a slow consumer (a restore writing to a slow disk) is not the store's fault. A body nobody has started
 * to read within {@link #DEFAULT_UNREAD_TIMEOUT} (a stream its caller forgot) is aborted too, so its pooled
 * connection is not held forever (the SDK's own timer for this, one queued task per GET, is turned off).
 *
 * <p>One daemon thread per source checks the bodies being read, a tenth of the window apart (at most every second);
 * it starts with the first body and stops on {@link #close()}. Thread-safe.
 */
public final class ReadWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadWatchdog.class);
    /** Bytes a body must bring per window (or the rest of it): slower than this is a stalled or trickling body. */
    public static final long MIN_BYTES = 64 << 10;
    /** The default window: 30 s. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
    /** A body not read at all this long after its response arrived is aborted: 60 s, as the SDK does. */
    public static final Duration DEFAULT_UNREAD_TIMEOUT = Duration.ofSeconds(60);

    private final long windowNanos;
    private final Duration window;
    private final long unreadNanos;
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;
    private boolean closed;

    /** A watchdog with a progress window of {@code window} (positive) and the default unread timeout. */
    public ReadWatchdog(Duration window) {
        this(window, DEFAULT_UNREAD_TIMEOUT);
    }

    /**
     * A watchdog with a progress window of {@code window} and an unread timeout of {@code unreadTimeout} (both
     * positive).
     */
    public ReadWatchdog(Duration window, Duration unreadTimeout) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(unreadTimeout, "unreadTimeout");
        if (window.isNegative() || window.isZero()) {
            throw new io.drkit.core.InvalidInputException("read progress timeout must be positive, not " + window);
        }
        if (unreadTimeout.isNegative() || unreadTimeout.isZero()) {
            throw new io.drkit.core.InvalidInputException("unread timeout must be positive, not " + unreadTimeout);
        }
        this.window = window;
        this.windowNanos = window.toNanos();
        this.unreadNanos = unreadTimeout.toNanos();
    }

    /** The progress window. */
    public Duration window() {
        return window;
    }

    /**
     * Starts watching one body.
     *
     * @param where    the object, for the message ({@code s3://bucket/key})
     * @param expected the body's length, or -1 when unknown
     * @param abort    closes the connection under a blocked read (called from the watchdog's thread)
     */
    public Watch watch(String where, long expected, Runnable abort) {
        Watch w = new Watch(where, expected, abort);
        synchronized (this) {
            if (!closed && timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "drkit-s3-read-watchdog");
                    t.setDaemon(true);
                    return t;
                });
                long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(windowNanos / 10,
                        TimeUnit.SECONDS.toNanos(1)));
                timer.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
            }
        }
        active.add(w);
        return w;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch w : active) {
            try {
                w.check(now);
            } catch (RuntimeException e) {
                LOG.debug("read watchdog: aborting {} failed: {}", w.where, e.toString());
            }
        }
    }

    /** Stops the watchdog's thread; bodies still open are no longer watched. Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            closed = true;
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.shutdownNow();
        }
        active.clear();
    }

    /** The progress of one body; its reader calls {@link #enter()} and {@link #exit(int)} around every read. */
    public final class Watch {
        private final String where;
        private final long expected;
        private final Runnable abort;
        private final long openedAt = System.nanoTime();
        private volatile boolean everRead;
        private volatile boolean unread;
        private volatile long enteredAt = -1;
        private volatile long blockedInWindow;
        private volatile long bytesInWindow;
        private volatile long required;
        private volatile boolean stalled;
        private long total;

        private Watch(String where, long expected, Runnable abort) {
            this.where = where;
            this.expected = expected;
            this.abort = abort;
            this.required = requiredNow();
        }

        private long requiredNow() {
            return expected < 0 ? MIN_BYTES : Math.min(MIN_BYTES, Math.max(0, expected - total));
        }

        /** Before a read blocks. */
        public void enter() {
            everRead = true;
            enteredAt = System.nanoTime();
        }

        /**
         * After a read returned {@code n} bytes (0 for none or the end).
         *
         * @throws DrTimeoutException when the window was used up with too few bytes (the body is then aborted)
         */
        public void exit(int n) {
            long now = System.nanoTime();
            long started = enteredAt;
            enteredAt = -1;
            if (n > 0) {
                total += n;
                bytesInWindow += n;
            }
            if (started >= 0) {
                blockedInWindow += now - started;
            }
            if (blockedInWindow >= windowNanos) {
                if (bytesInWindow < required) {
                    stall();
                    throw timeout(null);
                }
                blockedInWindow = 0;
                bytesInWindow = 0;
                required = requiredNow();
            }
        }

        /** Whether the watchdog aborted the body for lack of progress. */
        public boolean stalled() {
            return stalled;
        }

        /** The error for a stalled body (its read failed because the watchdog aborted it). */
        public DrTimeoutException timeout(Throwable cause) {
            if (unread) {
                return new DrTimeoutException(where + " was not read within " + (unreadNanos / 1_000_000)
                        + " ms of its response: its connection was aborted", Duration.ofNanos(unreadNanos), cause);
            }
            return new DrTimeoutException("no progress reading " + where + ": fewer than " + required + " bytes arrived in "
                    + window.toMillis() + " ms of waiting for the store (read progress timeout)", window, cause);
        }

        /** Stops watching (the body ended or was closed). */
        public void done() {
            active.remove(this);
        }

        private void check(long now) {
            long started = enteredAt;
            if (stalled) {
                return;
            }
            if (!everRead && now - openedAt >= unreadNanos) {
                LOG.debug("read watchdog: {} not read within {} ms of its response; aborting it", where,
                        unreadNanos / 1_000_000);
                unread = true;
                stall();
                return;
            }
            if (started < 0) {
                return;
            }
            if (blockedInWindow + (now - started) >= windowNanos && bytesInWindow < required) {
                LOG.debug("read watchdog: no progress reading {} within {}; aborting the attempt", where, window);
                stall();
            }
        }

        private void stall() {
            stalled = true;
            active.remove(this);
            abort.run();
        }
    }
}

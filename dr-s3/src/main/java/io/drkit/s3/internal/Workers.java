package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.UnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a fixed number of workers that pull work until there is none left, on fresh daemon threads or a caller's
 * executor, and waits for them on the calling thread. The first failure stops the others (they finish the item in
 * hand); cancellation (the token, or an interrupt of the calling thread) stops them too and is reported as
 * {@link CancelledException} once every worker has stopped, so that the caller can clean up knowing nothing is
 * still writing.
 */
public final class Workers {
    private static final long STOP_WAIT_SECONDS = 120;

    private Workers() {
    }

    /** The body of one worker: loops while {@link Control#running()}, returns when there is no more work. */
    @FunctionalInterface
    public interface Body {
        /** Runs worker {@code index}. */
        void run(int index, Control control) throws Exception;
    }

    /** What a worker sees of the run. */
    public interface Control {
        /** False once another worker failed or the run was cancelled: stop after the current item. */
        boolean running();
    }

    /**
     * Runs {@code count} workers and waits for all of them.
     *
     * @param executor   a caller's executor, or null for own daemon threads named {@code threadName-<n>}
     * @param what       the operation, for messages
     * @throws CancelledException when cancelled or interrupted (the interrupt flag is restored)
     * @throws DrException        the first worker failure, as thrown (other exceptions wrapped)
     */
    public static void run(int count, ExecutorService executor, String threadName, Cancellation cancel, String what,
                           Body body) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(count);
        Control control = () -> !stop.get() && !cancel.isCancelled();
        for (int i = 0; i < count; i++) {
            int index = i;
            Runnable r = () -> {
                try {
                    body.run(index, control);
                } catch (Throwable t) {
                    if (!(stop.get() && (t instanceof CancelledException || t instanceof InterruptedException))) {
                        failure.compareAndSet(null, t);
                    }
                    stop.set(true);
                } finally {
                    done.countDown();
                }
            };
            if (executor == null) {
                Thread t = new Thread(r, threadName + "-" + (i + 1));
                t.setDaemon(true);
                t.start();
            } else {
                executor.execute(r);
            }
        }
        boolean interrupted = false;
        boolean cancelled = false;
        try {
            while (!done.await(50, TimeUnit.MILLISECONDS)) {
                if (!cancelled && cancel.isCancelled()) {
                    cancelled = true;
                    stop.set(true);
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            cancelled = true;
            stop.set(true);
            // not interrupting the workers: an interrupt closes the FileChannel they write to, which may be the caller's
            awaitQuietly(done);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + " was interrupted");
        }
        Throwable t = failure.get();
        if (cancelled || cancel.isCancelled()) {
            CancelledException c = new CancelledException(what + " was cancelled");
            if (t != null && !(t instanceof CancelledException)) {
                c.addSuppressed(t);
            }
            throw c;
        }
        if (t instanceof DrException d) {
            throw d;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new UnavailableException(what + " failed: " + t, t);
        }
    }

    private static void awaitQuietly(CountDownLatch done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        while (true) {
            try {
                done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (InterruptedException e) {
                // keep waiting for the workers: the caller must not clean up under them
            }
        }
    }
}

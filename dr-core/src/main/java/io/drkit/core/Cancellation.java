package io.drkit.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancellation flag shared between the caller of a long operation and the code doing the work.
 *
 * <p>The caller calls {@link #cancel()} from any thread; the work checks {@link #throwIfCancelled(String)}
 * at safe points and stops with a {@link CancelledException}, leaving nothing half-written. Thread-safe.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    /** The {@link Parallel} limit whose task this token was handed to, or null (lets nested runs see they are nested). */
    private final Object scope;

    private Cancellation(Object scope) {
        this.scope = scope;
    }

    /** Creates a token that is not cancelled. */
    public static Cancellation create() {
        return new Cancellation(null);
    }

    /** A token that is never cancelled (beyond thread interrupts). */
    public static Cancellation none() {
        return new Cancellation(null);
    }

    /** A token for the tasks of a run under {@code scope} (see {@link Parallel#shared()}). */
    static Cancellation scoped(Object scope) {
        return new Cancellation(scope);
    }

    /** Whether this token was handed to a task of a run under {@code scope}. */
    boolean inScope(Object scope) {
        return scope != null && this.scope == scope;
    }

    /** Requests cancellation; idempotent. Registered callbacks run once, on the calling thread. */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            for (Runnable r : callbacks) {
                try {
                    r.run();
                } catch (RuntimeException ignored) {
                    // a callback must not stop the others
                }
            }
        }
    }

    /** Whether {@link #cancel()} was called or the current thread is interrupted. */
    public boolean isCancelled() {
        return cancelled.get() || Thread.currentThread().isInterrupted();
    }

    /**
     * Runs {@code callback} when cancelled (immediately if already cancelled), for example to abort a wait. Close the
     * returned registration when the callback is no longer needed, so long-lived tokens do not collect callbacks.
     */
    public Registration onCancel(Runnable callback) {
        Runnable once = new Runnable() {
            @Override
            public void run() {
                callback.run();
            }
        };
        callbacks.add(once);
        if (cancelled.get()) {
            callback.run();
        }
        return () -> callbacks.remove(once);
    }

    /** A registered cancellation callback; {@link #close()} removes it (idempotent). */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Removes the callback. */
        @Override
        void close();
    }

    /** Throws {@link CancelledException} naming {@code what} if cancellation was requested. */
    public void throwIfCancelled(String what) {
        if (cancelled.get()) {
            throw new CancelledException(what + " was cancelled");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CancelledException(what + " was interrupted");
        }
    }

    @Override
    public String toString() {
        return "Cancellation[" + (cancelled.get() ? "cancelled" : "active") + "]";
    }
}

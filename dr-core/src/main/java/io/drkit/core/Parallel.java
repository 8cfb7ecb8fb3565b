package io.drkit.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way drkit runs work in parallel: at most {@link #parallelism()} tasks at once, structured (a call returns
 * only when every task it started has ended, so the caller may clean up knowing nothing still runs), with one
 * cancellation contract.
 *
 * <p>The contract, the same for {@link #map} and {@link #workers}:
 * <ul>
 *   <li>Each task gets a child {@link Cancellation}; it is cancelled when the caller's token is cancelled, when the
 *       calling thread is interrupted, or when another task failed. Tasks check it at safe points; no worker thread is
 *       ever interrupted by this class (an interrupt would close a {@code FileChannel} a task writes to).</li>
 *   <li>The first failure stops the run: items not yet started are not started; the failure is rethrown once every
 *       running task has ended ({@link RuntimeException}s and {@link Error}s as they are, checked exceptions wrapped
 *       in a {@link DrException} naming the operation).</li>
 *   <li>Cancellation, or an interrupt of the calling thread, ends the run with {@link CancelledException} once every
 *       running task has ended (the interrupt flag is restored).</li>
 * </ul>
 *
 * <p>Tasks run on fresh daemon threads named {@code <name>-<n>}, or on the caller's {@link Executor}. The calling
 * thread works too, and runs itself any worker the executor has not started by the time the caller's own share is
 * done, so nested calls on a small or saturated executor cannot deadlock. Instances are immutable and thread-safe.
 *
 * <p>The bound is per run. A client shared by several threads whose bound is on the client (requests in flight to a
 * store, whichever threads call it) uses {@link #shared()}: then every run of that instance together runs at most
 * {@link #parallelism()} tasks at once.
 *
 * <pre>{@code
 * Parallel io = Parallel.of("drkit-s3-catalog", 16);
 * List<VolumeConfig> cfgs = io.map("reading volume.cfg files", keys, cancel, (key, c) -> read(key));
 * }</pre>
 */
public final class Parallel {
    private static final long STOP_WAIT_SECONDS = 300;

    private static final long PERMIT_POLL_MILLIS = 100;

    private final String name;
    private final int parallelism;
    private final Executor executor;
    /** The permits every run shares, one per running task ({@link #shared()}); null: the bound is per run. */
    private final Semaphore permits;

    private Parallel(String name, int parallelism, Executor executor, Semaphore permits) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (parallelism < 1) {
            throw new InvalidInputException("parallelism must be at least 1, not " + parallelism);
        }
        this.name = name;
        this.parallelism = parallelism;
        this.executor = executor;
        this.permits = permits;
    }

    /** Runs at most {@code parallelism} tasks at once on own daemon threads named {@code name-<n>}. */
    public static Parallel of(String name, int parallelism) {
        return new Parallel(name, parallelism, null, null);
    }

    /**
     * The same bound, on {@code executor} (null: own threads); the caller's thread also takes part. A {@link #shared()}
     * instance's copy shares its bound.
     */
    public Parallel on(Executor executor) {
        return new Parallel(name, parallelism, executor, permits);
    }

    /** A copy with another bound (a {@link #shared()} one gets its own shared bound). */
    public Parallel withParallelism(int n) {
        return new Parallel(name, n, executor, permits == null ? null : new Semaphore(n));
    }

    /**
     * A copy whose runs share one bound: at most {@link #parallelism()} tasks at once across every run of it and of its
     * {@link #on} copies, on whichever threads they are called, not per run. A run started while the bound is used up
     * waits for a free slot (cancellable, like the run) before its calling thread works; its extra workers start only
     * in slots free at the time, the caller doing the rest. A task that starts a nested run of the same instance, and
     * hands it the {@link Cancellation} it was given, runs it in its own slot (plus free ones), so nesting cannot
     * deadlock however small the bound.
     */
    public Parallel shared() {
        return new Parallel(name, parallelism, executor, new Semaphore(parallelism));
    }

    /** The most tasks running at once. */
    public int parallelism() {
        return parallelism;
    }

    /** One item's work. */
    @FunctionalInterface
    public interface Task<T, R> {
        /** Computes the result for {@code item}; should return early when {@code cancellation} is cancelled. */
        R apply(T item, Cancellation cancellation) throws Exception;
    }

    /** One worker's loop, for work that workers pull themselves (a shared queue, a block list). */
    @FunctionalInterface
    public interface Worker {
        /** Runs worker {@code index} until there is no more work or {@code cancellation} is cancelled. */
        void run(int index, Cancellation cancellation) throws Exception;
    }

    /**
     * Applies {@code task} to every item, at most {@link #parallelism()} at once, and returns the results in the
     * items' order.
     *
     * @param what what the run does, for messages ({@code "reading volume.cfg files"})
     * @throws CancelledException when {@code cancel} fires or the calling thread is interrupted
     */
    public <T, R> List<R> map(String what, List<T> items, Cancellation cancel, Task<? super T, ? extends R> task) {
        Objects.requireNonNull(task, "task");
        List<T> work = List.copyOf(items);
        List<R> results = new ArrayList<>(Collections.nCopies(work.size(), null));
        if (work.isEmpty()) {
            return results;
        }
        AtomicInteger next = new AtomicInteger();
        run(what, Math.min(parallelism, work.size()), cancel, (index, c) -> {
            int i;
            while (!c.isCancelled() && (i = next.getAndIncrement()) < work.size()) {
                R r = task.apply(work.get(i), c);
                synchronized (results) {
                    results.set(i, r);
                }
            }
        });
        return results;
    }

    /**
     * Runs {@code count} workers (at most {@link #parallelism()}) and waits for all of them.
     *
     * @throws CancelledException when {@code cancel} fires or the calling thread is interrupted
     */
    public void workers(String what, int count, Cancellation cancel, Worker worker) {
        Objects.requireNonNull(worker, "worker");
        if (count < 1) {
            return;
        }
        run(what, Math.min(count, parallelism), cancel, worker);
    }

    private void run(String what, int count, Cancellation cancel, Worker worker) {
        Cancellation outer = cancel == null ? Cancellation.none() : cancel;
        outer.throwIfCancelled(what);
        boolean slot = permits != null && !outer.inScope(permits); // a nested run works in the slot of its task
        if (slot) {
            takeSlot(what, outer);
        }
        try {
            runIn(what, count, outer, worker);
        } finally {
            if (slot) {
                permits.release();
            }
        }
    }

    /** Waits for a free slot of the shared bound, watching {@code cancel} and interrupts. */
    private void takeSlot(String what, Cancellation cancel) {
        try {
            while (!permits.tryAcquire(PERMIT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                cancel.throwIfCancelled(what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + " was interrupted", e);
        }
        if (cancel.isCancelled()) {
            permits.release();
            cancel.throwIfCancelled(what);
        }
    }

    private void runIn(String what, int count, Cancellation outer, Worker worker) {
        Cancellation child = Cancellation.scoped(permits);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(count);
        try (Cancellation.Registration forward = outer.onCancel(child::cancel)) {
            AtomicInteger threadNumber = new AtomicInteger();
            List<Claim> others = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                Claim claim = new Claim(i);
                others.add(claim);
                if (permits != null && permits.availablePermits() == 0) {
                    continue; // no free slot: the caller runs it
                }
                Runnable r = () -> {
                    if (permits == null) {
                        if (claim.take()) {
                            body(worker, claim.index, child, failure, done);
                        }
                    } else if (permits.tryAcquire()) {
                        try {
                            if (claim.take()) {
                                body(worker, claim.index, child, failure, done);
                            }
                        } finally {
                            permits.release();
                        }
                    } // else no free slot after all: the caller runs it
                };
                if (executor == null) {
                    Thread t = new Thread(r, name + "-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    t.start();
                } else {
                    try {
                        executor.execute(r);
                    } catch (RejectedExecutionException e) {
                        // the caller runs it below
                    }
                }
            }
            body(worker, 0, child, failure, done); // the caller works too
            for (Claim claim : others) {
                if (claim.take()) { // not started yet (a busy or saturated executor): run it here rather than wait
                    body(worker, claim.index, child, failure, done);
                }
            }
            awaitAll(done, child, interrupted);
        }
        if (interrupted.get()) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + " was interrupted");
        }
        Throwable t = failure.get();
        if (outer.isCancelled() || (t == null && child.isCancelled())) {
            CancelledException c = new CancelledException(what + " was cancelled");
            if (t != null && !(t instanceof CancelledException)) {
                c.addSuppressed(t);
            }
            throw c;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new DrException(what + " failed: " + t.getMessage(), t);
        }
    }

    /** A worker that runs once, on whichever thread takes it first. */
    private static final class Claim {
        final int index;
        private final AtomicBoolean taken = new AtomicBoolean();

        Claim(int index) {
            this.index = index;
        }

        boolean take() {
            return taken.compareAndSet(false, true);
        }
    }

    private static void body(Worker worker, int index, Cancellation child, AtomicReference<Throwable> failure,
                             CountDownLatch done) {
        try {
            if (!child.isCancelled()) {
                worker.run(index, child);
            }
        } catch (Throwable t) {
            boolean afterStop = child.isCancelled() && (t instanceof CancelledException || t instanceof InterruptedException);
            if (!afterStop) {
                failure.compareAndSet(null, t);
            }
            child.cancel();
        } finally {
            done.countDown();
        }
    }

    /** Waits for every worker; an interrupt cancels them, and the wait goes on (bounded) so nothing runs after. */
    private static void awaitAll(CountDownLatch done, Cancellation child, AtomicBoolean interrupted) {
        if (Thread.interrupted()) {
            interrupted.set(true);
            child.cancel();
        }
        long deadline = Long.MAX_VALUE;
        while (true) {
            try {
                if (deadline == Long.MAX_VALUE) {
                    done.await();
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || done.await(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                interrupted.set(true);
                child.cancel();
                if (deadline == Long.MAX_VALUE) {
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Parallel[" + name + ", " + parallelism + (permits == null ? "" : " shared") + (executor == null ? ""
                : ", caller's executor") + "]";
    }
}

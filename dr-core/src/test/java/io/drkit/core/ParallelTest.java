package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ParallelTest {
    private final List<Integer> hundred = IntStream.range(0, 100).boxed().toList();

    @Test
    void returnsResultsInTheItemsOrderAndNeverRunsMoreThanTheBound() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> out = Parallel.of("t", 3).map("squaring", hundred, Cancellation.none(), (i, c) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(1);
            running.decrementAndGet();
            return i * i;
        });
        assertThat(out).isEqualTo(hundred.stream().map(i -> i * i).toList());
        assertThat(most.get()).isBetween(1, 3);
    }

    @Test
    void theFirstFailureStopsWhatHasNotStartedAndIsRethrownAfterEveryTaskEnded() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger runningWhenThrown = new AtomicInteger(-1);
        assertThatThrownBy(() -> {
            try {
                Parallel.of("t", 4).map("work", hundred, Cancellation.none(), (i, c) -> {
                    started.incrementAndGet();
                    running.incrementAndGet();
                    try {
                        if (i == 5) {
                            throw new NotFoundException("item 5 is gone");
                        }
                        Thread.sleep(5);
                        return i;
                    } finally {
                        running.decrementAndGet();
                    }
                });
            } finally {
                runningWhenThrown.set(running.get());
            }
        }).isInstanceOf(NotFoundException.class).hasMessage("item 5 is gone");
        assertThat(runningWhenThrown.get()).isZero();
        assertThat(started.get()).isLessThan(hundred.size());
    }

    @Test
    void checkedExceptionsAreWrappedNamingTheOperation() {
        assertThatThrownBy(() -> Parallel.of("t", 2).map("reading cfgs", List.of(1, 2), Cancellation.none(), (i, c) -> {
            throw new IOException("disk on fire");
        })).isInstanceOf(DrException.class).hasMessageContaining("reading cfgs failed").hasMessageContaining("disk on fire")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void cancellationReachesEveryTaskAndEndsTheRunOnlyAfterAllStopped() throws Exception {
        Cancellation cancel = Cancellation.create();
        CountDownLatch allStarted = new CountDownLatch(3);
        AtomicInteger stillRunning = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                Parallel.of("t", 3).workers("waiting", 3, cancel, (index, c) -> {
                    stillRunning.incrementAndGet();
                    allStarted.countDown();
                    while (!c.isCancelled()) {
                        Thread.sleep(1);
                    }
                    Thread.sleep(20); // cleaning up after noticing
                    stillRunning.decrementAndGet();
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertThat(allStarted.await(30, TimeUnit.SECONDS)).isTrue();
        cancel.cancel();
        caller.join();
        assertThat(thrown.get()).isInstanceOf(CancelledException.class).hasMessageContaining("waiting was cancelled");
        assertThat(stillRunning.get()).isZero();
    }

    @Test
    void anInterruptOfTheCallerCancelsWaitsAndKeepsTheInterruptFlag() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        AtomicBoolean workerInterrupted = new AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger();
        Thread caller = new Thread(() -> {
            try {
                Parallel.of("t", 2).workers("copying", 2, Cancellation.none(), (index, c) -> {
                    running.incrementAndGet();
                    started.countDown();
                    try {
                        while (!c.isCancelled()) {
                            Thread.onSpinWait();
                        }
                        if (index != 0 && Thread.currentThread().isInterrupted()) {
                            workerInterrupted.set(true);
                        }
                    } finally {
                        running.decrementAndGet();
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join();
        assertThat(thrown.get()).isInstanceOf(CancelledException.class).hasMessageContaining("copying was interrupted");
        assertThat(flagAfter.get()).isTrue();
        assertThat(workerInterrupted.get()).as("workers are never interrupted").isFalse();
        assertThat(running.get()).isZero();
    }

    @Test
    void nestedRunsOnASingleThreadExecutorDoNotDeadlockBecauseTheCallerWorksToo() {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Parallel p = Parallel.of("t", 4).on(one);
            List<Integer> sums = p.map("outer", List.of(1, 2, 3), Cancellation.none(),
                    (i, c) -> p.map("inner", List.of(i, i, i), c, (j, cc) -> j).stream().mapToInt(Integer::intValue).sum());
            assertThat(sums).containsExactly(3, 6, 9);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void anAlreadyCancelledTokenRunsNothing() {
        Cancellation cancel = Cancellation.create();
        cancel.cancel();
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> Parallel.of("t", 2).map("x", List.of(1), cancel, (i, c) -> ran.incrementAndGet()))
                .isInstanceOf(CancelledException.class);
        assertThat(ran.get()).isZero();
        assertThat(Parallel.of("t", 2).map("empty", List.<Integer>of(), Cancellation.none(), (i, c) -> i)).isEmpty();
        assertThatThrownBy(() -> Parallel.of("t", 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aSharedBoundHoldsAcrossRunsOnSeveralThreads() throws Exception {
        Parallel shared = Parallel.of("t", 3).shared();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> callers = new java.util.ArrayList<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        for (int k = 0; k < 4; k++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    List<Integer> out = shared.map("squaring", hundred, Cancellation.none(), (i, c) -> {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        Thread.sleep(1);
                        running.decrementAndGet();
                        return i * i;
                    });
                    assertThat(out).isEqualTo(hundred.stream().map(i -> i * i).toList());
                } catch (Throwable e) {
                    thrown.compareAndSet(null, e);
                }
            });
            callers.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : callers) {
            t.join();
        }
        assertThat(thrown.get()).isNull();
        assertThat(most.get()).as("tasks at once over four concurrent runs").isBetween(1, 3);
        // the same runs, each bounded on its own, may go beyond: the bound is per run unless shared
        assertThat(Parallel.of("t", 3).shared().toString()).contains("shared");
    }

    @Test
    void nestedRunsUnderASharedBoundOfOneDoNotDeadlock() {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            for (Parallel p : List.of(Parallel.of("t", 1).shared(), Parallel.of("t", 2).shared().on(one))) {
                AtomicInteger running = new AtomicInteger();
                AtomicInteger most = new AtomicInteger();
                List<Integer> sums = p.map("outer", List.of(1, 2, 3, 4), Cancellation.none(), (i, c) -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        return p.map("inner", List.of(i, i, i), c, (j, cc) -> j).stream().mapToInt(Integer::intValue).sum();
                    } finally {
                        running.decrementAndGet();
                    }
                });
                assertThat(sums).containsExactly(3, 6, 9, 12);
                assertThat(most.get()).isLessThanOrEqualTo(p.parallelism());
            }
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aRunWaitingForASlotOfASharedBoundCanBeCancelledAndRunsNothing() throws Exception {
        Parallel shared = Parallel.of("t", 1).shared();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> shared.map("holding", List.of(1), Cancellation.none(), (i, c) -> {
            holding.countDown();
            release.await();
            return i;
        }));
        holder.start();
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        Cancellation cancel = Cancellation.create();
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                shared.map("waiting", List.of(1, 2), cancel, (i, c) -> ran.incrementAndGet());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING) { // waiting for the slot the holder has
            Thread.onSpinWait();
        }
        cancel.cancel();
        waiter.join();
        release.countDown();
        holder.join();
        assertThat(thrown.get()).isInstanceOf(CancelledException.class).hasMessageContaining("waiting was cancelled");
        assertThat(ran.get()).isZero();
        // the slot is free again
        assertThat(shared.map("after", List.of(1, 2), Cancellation.none(), (i, c) -> i)).containsExactly(1, 2);
    }
}

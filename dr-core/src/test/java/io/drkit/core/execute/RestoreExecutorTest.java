package io.drkit.core.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.DrException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepState;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.drkit.core.testing.InMemoryVolumeBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RestoreExecutorTest {
    /**
     * The step timeout of the tests where one step hangs: the other steps must finish within it, so it leaves room for
     * a loaded machine (300 ms once failed a healthy first step while classes loaded at load average 24 on 2 cores).
     */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(2);

    private static final PvcRef A = PvcRef.of("apps", "a");
    private static final PvcRef B = PvcRef.of("apps", "b");
    private static final PvcRef C = PvcRef.of("apps", "c");

    private static RestorePlan plan() {
        InMemoryBackupCatalog catalog = InMemoryBackupCatalog.builder()
                .volume("pvc-a", v -> v.pvc("apps/a").group("critical").backup("backup-a1", "2026-11-20T00:00:00Z", 1 << 20))
                .volume("pvc-b", v -> v.pvc("apps/b").backup("backup-b1", "2026-11-20T00:00:00Z", 1 << 20))
                .volume("pvc-c", v -> v.pvc("apps/c").backup("backup-c1", "2026-11-20T00:00:00Z", 1 << 20))
                .build();
        return RestorePlanner.standard().plan(RestoreRequest.all(), catalog, ClusterState.offline());
    }

    private static Map<PvcRef, StepOutcome> outcomes(ExecutionReport r) {
        Map<PvcRef, StepOutcome> m = new java.util.TreeMap<>();
        r.results().forEach(x -> m.put(x.pvc(), x.outcome()));
        return m;
    }

    @Test
    void restoresEveryStepAndReportsInPlanOrder() {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder();
        ExecutionReport report = RestoreExecutor.create(binder).execute(plan());
        assertThat(report.results()).extracting(StepResult::pvc).containsExactly(A, B, C);
        assertThat(report.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED));
        assertThat(report.succeeded()).isTrue();
        assertThat(report.exitCode()).isZero();
        assertThat(binder.volumeCreations()).isEqualTo(3);
        assertThat(binder.volume("pvc-a").orElseThrow().labels()).containsKey("recurring-job-group.longhorn.io/critical");
        assertThat(binder.pv("pvc-b").orElseThrow().claimRef()).contains(B);
    }

    @Test
    void aFailingStepDoesNotStopTheOthers() {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder()
                .failAlways(B, BindPhase.CREATE_PV, () -> new DrException("PV create refused for apps/b"));
        ExecutionReport report = RestoreExecutor.create(binder).execute(plan());
        assertThat(outcomes(report)).containsEntry(A, StepOutcome.RESTORED).containsEntry(B, StepOutcome.FAILED)
                .containsEntry(C, StepOutcome.RESTORED);
        StepResult failed = report.results(StepOutcome.FAILED).get(0);
        assertThat(failed.detail()).contains("PV create refused");
        assertThat(failed.errorType()).contains("DrException");
        assertThat(report.succeeded()).isFalse();
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void rerunAfterACrashMidPlanContinuesWithoutRestoringTwice() {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder().crashOnceAfter(B, BindPhase.CREATE_VOLUME);
        RestorePlan plan = plan();
        RestoreExecutor executor = RestoreExecutor.builder().binder(binder).parallelism(1).build();

        ExecutionReport first = executor.execute(plan);
        assertThat(outcomes(first)).containsEntry(A, StepOutcome.RESTORED).containsEntry(B, StepOutcome.FAILED)
                .containsEntry(C, StepOutcome.RESTORED);
        assertThat(binder.volume("pvc-b")).isPresent();
        assertThat(binder.pv("pvc-b")).isEmpty();

        ExecutionReport second = executor.execute(plan);
        assertThat(outcomes(second)).containsEntry(A, StepOutcome.ADOPTED).containsEntry(B, StepOutcome.RESUMED)
                .containsEntry(C, StepOutcome.ADOPTED);
        assertThat(binder.volumeCreations()).isEqualTo(3);
        assertThat(binder.pvCreations()).isEqualTo(3);
        assertThat(binder.changes()).filteredOn(c -> c.equals("create volume pvc-b")).hasSize(1);

        ExecutionReport third = executor.execute(plan);
        assertThat(third.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(StepOutcome.ADOPTED));
        assertThat(binder.changes()).hasSize(6);
    }

    @Test
    void aPreflightConflictSkipsTheStepAndChangesNothing() {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder().existingVolume("pvc-c", null, 1 << 30);
        ExecutionReport report = RestoreExecutor.create(binder).execute(plan());
        StepResult c = report.results().get(2);
        assertThat(c.outcome()).isEqualTo(StepOutcome.SKIPPED);
        assertThat(c.detail()).contains("pre-flight conflict").contains("pvc-c");
        assertThat(binder.pv("pvc-c")).isEmpty();
        assertThat(binder.changes()).noneMatch(x -> x.contains("pvc-c"));
    }

    /** A listener that counts {@code hanging} down when a step reports that it hangs (InMemoryVolumeBinder.hangAt). */
    private static ExecutionListener countDownWhenHanging(CountDownLatch hanging) {
        return new ExecutionListener() {
            @Override
            public void phase(RestoreStep step, BindPhase phase, String detail) {
                if (detail.contains("hanging")) {
                    hanging.countDown();
                }
            }
        };
    }

    @Test
    void cancellationStopsTheRunningStepAndSkipsTheRest() throws Exception {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder().hangAt(A, BindPhase.RESTORING);
        CountDownLatch hanging = new CountDownLatch(1);
        ExecutionListener l = countDownWhenHanging(hanging);
        Cancellation cancel = Cancellation.create();
        RestoreExecutor executor = RestoreExecutor.builder().binder(binder).parallelism(1).listener(l).build();
        Thread canceller = new Thread(() -> {
            try {
                if (hanging.await(20, TimeUnit.SECONDS)) {
                    cancel.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        canceller.start();
        ExecutionReport report = executor.execute(plan(), cancel);
        canceller.join();
        assertThat(report.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(StepOutcome.CANCELLED));
        assertThat(binder.pvCreations()).isZero();
        assertThat(binder.volumeCreations()).isEqualTo(1);
    }

    @Test
    void aStepThatExceedsItsTimeoutFailsWithATimeoutAndOthersGoOn() {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder().hangAt(B, BindPhase.RESTORING);
        ExecutionReport report = RestoreExecutor.builder().binder(binder).stepTimeout(STEP_TIMEOUT).build()
                .execute(plan());
        assertThat(outcomes(report)).containsEntry(A, StepOutcome.RESTORED).containsEntry(B, StepOutcome.FAILED)
                .containsEntry(C, StepOutcome.RESTORED);
        assertThat(report.results().get(1).errorType()).contains("DrTimeoutException");
    }

    /**
     * A binder whose step {@code blocked} waits outside the context's checkpoints, in a way that does not consume an
     * interrupt (like a blocking call that only looks at the token now and then).
     */
    private static VolumeBinder blockingOutsideTheContext(InMemoryVolumeBinder delegate, PvcRef blocked,
                                                          List<String> threads) {
        return new VolumeBinder() {
            @Override
            public String describe() {
                return delegate.describe();
            }

            @Override
            public StepState read(RestoreStep step) {
                threads.add(Thread.currentThread().getName());
                return delegate.read(step);
            }

            @Override
            public BindResult bind(RestoreStep step, StepState state, BindContext ctx) {
                if (step.pvc().equals(blocked)) {
                    while (!ctx.cancellation().isCancelled()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                    }
                    throw new CancelledException("blocked call of " + step.id() + " stopped");
                }
                return delegate.bind(step, state, ctx);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void stepsRunOnTheCallingThreadTooAndATimedOutStepLeavesNoInterruptBehind() {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        InMemoryVolumeBinder memory = new InMemoryVolumeBinder();
        ExecutionReport report = RestoreExecutor.builder().binder(blockingOutsideTheContext(memory, A, threads))
                .parallelism(1).stepTimeout(STEP_TIMEOUT).build().execute(plan());
        assertThat(threads).as("parallelism 1 on Parallel: the caller runs every step")
                .containsOnly(Thread.currentThread().getName()).hasSize(3);
        assertThat(outcomes(report)).containsEntry(A, StepOutcome.FAILED).containsEntry(B, StepOutcome.RESTORED)
                .containsEntry(C, StepOutcome.RESTORED);
        assertThat(report.results().get(0).errorType()).contains("DrTimeoutException");
        assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt was taken back").isFalse();
    }

    @Test
    void interruptingTheCallingThreadCancelsThePlanReturnsTheReportAndKeepsTheInterrupt() throws Exception {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder().hangAt(A, BindPhase.RESTORING);
        CountDownLatch hanging = new CountDownLatch(1);
        ExecutionListener l = countDownWhenHanging(hanging);
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                if (hanging.await(20, TimeUnit.SECONDS)) {
                    caller.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        interrupter.start();
        ExecutionReport report;
        boolean interrupted;
        try {
            report = RestoreExecutor.builder().binder(binder).parallelism(1).listener(l).build().execute(plan());
        } finally {
            interrupted = Thread.interrupted();
            interrupter.join();
        }
        assertThat(interrupted).isTrue();
        assertThat(report.results()).extracting(StepResult::outcome).containsOnly(StepOutcome.CANCELLED).hasSize(3);
        assertThat(binder.volumeCreations()).isEqualTo(1);
    }

    @Test
    void runsStepsOnTheCallersExecutor() throws Exception {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "callers-pool");
            t.setDaemon(true);
            return t;
        });
        try {
            ExecutionReport report = RestoreExecutor.builder()
                    .binder(blockingOutsideTheContext(new InMemoryVolumeBinder(), PvcRef.of("none", "none"), threads))
                    .parallelism(3).executor(pool).build().execute(plan());
            assertThat(report.succeeded()).isTrue();
            assertThat(threads).hasSize(3).allSatisfy(t -> assertThat(t)
                    .isIn("callers-pool", Thread.currentThread().getName()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parallelismIsBoundedAndListenersSeeEveryStep() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ExecutionListener l = new ExecutionListener() {
            @Override
            public void planStarted(RestorePlan plan) {
                events.add("plan");
            }

            @Override
            public void stepStarted(RestoreStep step) {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                events.add("start " + step.id());
            }

            @Override
            public void stepFinished(RestoreStep step, StepResult result) {
                running.decrementAndGet();
                events.add("end " + step.id());
            }

            @Override
            public void planFinished(ExecutionReport report) {
                events.add("done");
                throw new IllegalStateException("listeners that throw are ignored");
            }
        };
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder().restoreSpeed(5, Duration.ofMillis(10));
        ExecutionReport report = RestoreExecutor.builder().binder(binder).parallelism(2).listener(l).build().execute(plan());
        assertThat(report.succeeded()).isTrue();
        assertThat(maxRunning.get()).isBetween(1, 2);
        assertThat(events.get(0)).isEqualTo("plan");
        assertThat(events.get(events.size() - 1)).isEqualTo("done");
        assertThat(events).contains("start apps/a", "end apps/a", "start apps/c", "end apps/c");
    }

    @Test
    void reportRendersAsJsonAndTable() {
        ExecutionReport report = RestoreExecutor.create(new InMemoryVolumeBinder()).execute(plan());
        assertThat(report.toJson()).contains("\"kind\" : \"ExecutionReport\"").contains("\"outcome\" : \"RESTORED\"")
                .contains("\"pvc\" : \"apps/b\"");
        assertThat(report.toTable()).contains("apps/c").contains("3 restored").contains("all data in place");
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> RestoreExecutor.builder().build()).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RestoreExecutor.builder().parallelism(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RestoreExecutor.builder().stepTimeout(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    }
}

package io.drkit.core.execute;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.Parallel;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepInspection;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.bind.StepState;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RestorePlan} through a {@link VolumeBinder}: the last stage of the pipeline.
 *
 * <ul>
 *   <li>Bounded parallelism ({@link Builder#parallelism(int)}, default 2) on dr-core's {@link Parallel} (its one
 *       cancellation contract; the calling thread runs steps too), optionally on the caller's executor.</li>
 *   <li>A pre-flight right before each step: the binder {@link VolumeBinder#preflight reads} the step's state once;
 *       from it, {@link StepInspection#of(RestoreStep, StepState)} decides (complete steps are adopted without
 *       change, conflicting ones are skipped with the reason, partial ones are resumed) and the same state is handed
 *       to {@link VolumeBinder#bind(RestoreStep, StepState, BindContext)}, which reads nothing again.</li>
 *   <li>A per-step timeout ({@link Builder#stepTimeout(Duration)}, default 2 h) and cancellation through a
 *       {@link Cancellation} token; a failing step does not stop the others.</li>
 *   <li>Progress to an {@link ExecutionListener}; the result is an {@link ExecutionReport}.</li>
 * </ul>
 * Running the same plan again after a crash or partial failure continues where it stopped: the binder adopts what
 * exists and matches, and never restores twice or overwrites anything. Instances are immutable and thread-safe.
 */
public final class RestoreExecutor {
    /** The default of {@link Builder#parallelism(int)}: steps running at once. */
    public static final int DEFAULT_PARALLELISM = 2;
    /** The largest {@link Builder#parallelism(int)}. */
    public static final int MAX_PARALLELISM = 64;
    /** The default of {@link Builder#stepTimeout(Duration)}: time one step may take, restore included. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofHours(2);

    private static final Logger LOG = LoggerFactory.getLogger(RestoreExecutor.class);

    /** The thread of the step-timeout watchdog (a timer, not a worker: steps run on {@link Parallel}). */
    private static final ThreadFactory WATCHDOG_THREAD = r -> {
        Thread t = new Thread(r, "drkit-restore-watchdog");
        t.setDaemon(true);
        return t;
    };

    private final VolumeBinder binder;
    private final int parallelism;
    private final Duration stepTimeout;
    private final ExecutionListener listener;
    /** Runs the steps: the one bounded-parallel helper, on the caller's executor or own threads. */
    private final Parallel workers;
    private final Clock clock;

    private RestoreExecutor(Builder b) {
        this.binder = Objects.requireNonNull(b.binder, "binder");
        this.parallelism = b.parallelism;
        this.stepTimeout = b.stepTimeout;
        this.listener = b.listener;
        this.workers = Parallel.of("drkit-restore", b.parallelism).on(b.executor);
        this.clock = b.clock;
    }

    /** A builder; {@link Builder#binder(VolumeBinder)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** An executor with default settings. */
    public static RestoreExecutor create(VolumeBinder binder) {
        return builder().binder(binder).build();
    }

    /** Runs every step of {@code plan}; blocks until all have ended. */
    public ExecutionReport execute(RestorePlan plan) {
        return execute(plan, Cancellation.none());
    }

    /**
     * Runs every step of {@code plan}; blocks until all have ended. After {@code cancellation} is cancelled, or the
     * calling thread is interrupted, steps not yet started end as {@link StepOutcome#CANCELLED} and running ones are
     * asked to stop; the report is still returned (after an interrupt, with the thread's interrupt flag set again).
     */
    public ExecutionReport execute(RestorePlan plan, Cancellation cancellation) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(cancellation, "cancellation");
        Instant started = clock.instant();
        safe(() -> listener.planStarted(plan));
        List<RestoreStep> steps = plan.steps();
        StepResult[] results = new StepResult[steps.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            order.add(i);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(WATCHDOG_THREAD);
        try {
            workers.map("restoring " + steps.size() + " steps", order, cancellation, (i, c) -> {
                results[i] = runStep(steps.get(i), c, timer);
                return null;
            });
        } catch (CancelledException e) {
            LOG.debug("plan execution stopped: {}", e.getMessage());
        } finally {
            timer.shutdownNow();
        }
        List<StepResult> out = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            StepResult r = results[i];
            if (r == null) {
                RestoreStep step = steps.get(i);
                StepResult notRun = cancelled(step, Duration.ZERO, "plan cancelled before this step started");
                safe(() -> listener.stepFinished(step, notRun));
                r = notRun;
            }
            out.add(r);
        }
        ExecutionReport report = new ExecutionReport(started, clock.instant(), out);
        safe(() -> listener.planFinished(report));
        return report;
    }

    /**
     * Runs one step; never throws (but for {@link VirtualMachineError}s). {@code planCancellation} is the token of the
     * step's {@link Parallel} task: cancelled with the plan, or when the calling thread is interrupted.
     */
    private StepResult runStep(RestoreStep step, Cancellation planCancellation, ScheduledExecutorService timer) {
        Instant t0 = clock.instant();
        if (planCancellation.isCancelled()) {
            StepResult r = cancelled(step, Duration.ZERO, "plan cancelled before this step started");
            safe(() -> listener.stepFinished(step, r));
            return r;
        }
        safe(() -> listener.stepStarted(step));
        Cancellation stepCancellation = Cancellation.create();
        Cancellation.Registration link = planCancellation.onCancel(stepCancellation::cancel);
        Watchdog watchdog = new Watchdog(Thread.currentThread(), stepCancellation);
        ScheduledFuture<?> alarm = timer.schedule(watchdog::fire, stepTimeout.toMillis(), TimeUnit.MILLISECONDS);
        StepResult result;
        try {
            BindContext ctx = BindContext.create(step, stepTimeout, stepCancellation, listener);
            StepState state = binder.preflight(step, ctx);
            StepInspection found = StepInspection.of(step, state);
            LOG.debug("pre-flight {}: {} {}", step.id(), found.state(), found.detail());
            result = switch (found.state()) {
                case CONFLICT -> new StepResult.Skipped(step.pvc(), new ConflictException(found.detail()),
                        "pre-flight conflict: " + found.detail(), elapsed(t0));
                case COMPLETE -> succeeded(step, binder.bind(step, state, ctx), found.detail(), t0);
                case PARTIAL -> succeeded(step, binder.bind(step, state, ctx), "resumed: " + found.detail(), t0);
                case NOT_STARTED -> succeeded(step, binder.bind(step, state, ctx), "", t0);
            };
        } catch (CancelledException e) {
            result = watchdog.fired()
                    ? failed(step, elapsed(t0), new DrTimeoutException("step " + step.id() + " did not finish", stepTimeout))
                    : cancelled(step, elapsed(t0), e.getMessage());
        } catch (DrTimeoutException e) {
            result = failed(step, elapsed(t0), e);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            result = watchdog.fired()
                    ? failed(step, elapsed(t0), new DrTimeoutException("step " + step.id() + " did not finish", stepTimeout))
                    : failed(step, elapsed(t0), e);
        } finally {
            link.close();
            alarm.cancel(false);
            watchdog.disarm();
        }
        StepResult r = result;
        if (!r.outcome().isSuccess()) {
            LOG.warn("step {} {}: {}", step.id(), r.outcome(), r.detail());
        }
        safe(() -> listener.stepFinished(step, r));
        return r;
    }

    /**
     * A step's timeout: when it fires, it cancels the step and interrupts the thread running it (for work blocked
     * outside the context's checkpoints). The interrupt is delivered only while the step runs, and taken back when it
     * ends, so that the thread (the caller's own, as a {@link Parallel} worker) carries no stale interrupt; an
     * interrupt from elsewhere is left in place.
     */
    private static final class Watchdog {
        private final Cancellation step;
        private Thread worker;
        private boolean fired;

        Watchdog(Thread worker, Cancellation step) {
            this.worker = worker;
            this.step = step;
        }

        void fire() {
            synchronized (this) {
                if (worker == null) {
                    return;
                }
                fired = true;
            }
            step.cancel();
            synchronized (this) {
                if (worker != null) {
                    worker.interrupt();
                }
            }
        }

        synchronized boolean fired() {
            return fired;
        }

        /** Stops interrupting; clears the interrupt this watchdog delivered. Called by the step's thread. */
        void disarm() {
            boolean clear;
            synchronized (this) {
                worker = null;
                clear = fired;
            }
            if (clear) {
                Thread.interrupted();
            }
        }
    }

    private StepResult succeeded(RestoreStep step, BindResult b, String detail, Instant t0) {
        return new StepResult.Succeeded(step.pvc(), b, detail.isEmpty() ? String.join("; ", b.actions()) : detail,
                elapsed(t0));
    }

    private StepResult failed(RestoreStep step, Duration elapsed, Throwable e) {
        if (!(e instanceof DrException)) {
            LOG.warn("step {} failed with an unexpected error", step.id(), e);
        }
        return new StepResult.Failed(step.pvc(), e, elapsed);
    }

    private static StepResult cancelled(RestoreStep step, Duration elapsed, String why) {
        return new StepResult.Cancelled(step.pvc(), new CancelledException(why), elapsed);
    }

    private Duration elapsed(Instant t0) {
        return Duration.between(t0, clock.instant());
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("execution listener threw; ignoring", e);
        }
    }

    /** Builds {@link RestoreExecutor}s. */
    public static final class Builder {
        private VolumeBinder binder;
        private int parallelism = DEFAULT_PARALLELISM;
        private Duration stepTimeout = DEFAULT_STEP_TIMEOUT;
        private ExecutionListener listener = ExecutionListener.NONE;
        private Executor executor;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The binder that carries out steps (required). The executor never closes it. */
        public Builder binder(VolumeBinder b) {
            this.binder = b;
            return this;
        }

        /** How many steps run at once (1..64, default 2). */
        public Builder parallelism(int n) {
            if (n < 1 || n > MAX_PARALLELISM) {
                throw new InvalidInputException("parallelism must be 1.." + MAX_PARALLELISM + ", got " + n);
            }
            this.parallelism = n;
            return this;
        }

        /** How long one step may take, restore included (default 2 h). */
        public Builder stepTimeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException("step timeout must be positive, got " + d);
            }
            this.stepTimeout = d;
            return this;
        }

        /** Progress listener. */
        public Builder listener(ExecutionListener l) {
            this.listener = l == null ? ExecutionListener.NONE : l;
            return this;
        }

        /**
         * Runs steps on the caller's executor instead of own threads (parallelism still applies; the calling thread
         * works too, see {@link Parallel}).
         */
        public Builder executor(Executor e) {
            this.executor = e;
            return this;
        }

        /** Clock for timestamps. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** Builds the executor. */
        public RestoreExecutor build() {
            if (binder == null) {
                throw new InvalidInputException("RestoreExecutor needs a VolumeBinder");
            }
            return new RestoreExecutor(this);
        }
    }

    /** Adapts a plain {@link BindListener} (for callers that only care about step progress). */
    public static ExecutionListener listenerOf(BindListener l) {
        return new ExecutionListener() {
            @Override
            public void phase(RestoreStep step, BindPhase phase, String detail) {
                l.phase(step, phase, detail);
            }

            @Override
            public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
                l.progress(step, phase, fraction, detail);
            }
        };
    }
}

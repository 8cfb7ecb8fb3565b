package io.drkit.core.execute;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepInspection;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.execute.StepResult.StepOutcome;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RestorePlan} through a {@link VolumeBinder}: the last stage of the pipeline.
 *
 * <ul>
 *   <li>Bounded parallelism ({@link Builder#parallelism(int)}, default 2), optionally on the caller's executor.</li>
 *   <li>A pre-flight {@link VolumeBinder#inspect inspection} right before each step: complete steps are adopted
 *       without change, conflicting ones are skipped with the reason, partial ones are resumed.</li>
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

    private final VolumeBinder binder;
    private final int parallelism;
    private final Duration stepTimeout;
    private final ExecutionListener listener;
    private final Executor executor;
    private final Clock clock;

    private RestoreExecutor(Builder b) {
        this.binder = Objects.requireNonNull(b.binder, "binder");
        this.parallelism = b.parallelism;
        this.stepTimeout = b.stepTimeout;
        this.listener = b.listener;
        this.executor = b.executor;
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
     * Runs every step of {@code plan}; blocks until all have ended. After {@code cancellation} is cancelled, steps
     * not yet started end as {@link StepOutcome#CANCELLED} and running ones are asked to stop.
     */
    public ExecutionReport execute(RestorePlan plan, Cancellation cancellation) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(cancellation, "cancellation");
        Instant started = clock.instant();
        safe(() -> listener.planStarted(plan));
        List<RestoreStep> steps = plan.steps();
        List<CompletableFuture<StepResult>> futures = new ArrayList<>();
        ExecutorService own = executor == null ? Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, steps.size())),
                daemonThreads()) : null;
        Executor pool = own != null ? own : executor;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemonThreads());
        Semaphore slots = new Semaphore(parallelism);
        try {
            for (RestoreStep step : steps) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    boolean acquired = false;
                    try {
                        slots.acquire();
                        acquired = true;
                        return runStep(step, cancellation, timer);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return cancelled(step, Duration.ZERO, "interrupted while waiting for a free slot");
                    } finally {
                        if (acquired) {
                            slots.release();
                        }
                    }
                }, pool));
            }
            List<StepResult> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                results.add(join(futures.get(i), steps.get(i), cancellation));
            }
            ExecutionReport report = new ExecutionReport(started, clock.instant(), results);
            safe(() -> listener.planFinished(report));
            return report;
        } finally {
            timer.shutdownNow();
            if (own != null) {
                own.shutdownNow();
            }
        }
    }

    private StepResult join(CompletableFuture<StepResult> f, RestoreStep step, Cancellation cancellation) {
        while (true) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                // the caller's thread was interrupted: cancel everything, keep collecting results
                cancellation.cancel();
            } catch (ExecutionException e) {
                return failed(step, Duration.ZERO, e.getCause());
            }
        }
    }

    private StepResult runStep(RestoreStep step, Cancellation planCancellation, ScheduledExecutorService timer) {
        Instant t0 = clock.instant();
        Thread.interrupted(); // never inherit a stale interrupt from a pooled thread
        if (planCancellation.isCancelled()) {
            StepResult r = cancelled(step, Duration.ZERO, "plan cancelled before this step started");
            safe(() -> listener.stepFinished(step, r));
            return r;
        }
        safe(() -> listener.stepStarted(step));
        Cancellation stepCancellation = Cancellation.create();
        Cancellation.Registration link = planCancellation.onCancel(stepCancellation::cancel);
        AtomicReference<Thread> worker = new AtomicReference<>(Thread.currentThread());
        AtomicInteger timedOut = new AtomicInteger();
        ScheduledFuture<?> alarm = timer.schedule(() -> {
            timedOut.set(1);
            stepCancellation.cancel();
            Thread w = worker.get();
            if (w != null) {
                w.interrupt();
            }
        }, stepTimeout.toMillis(), TimeUnit.MILLISECONDS);
        StepResult result;
        try {
            BindContext ctx = BindContext.create(step, stepTimeout, stepCancellation, listener);
            ctx.phase(BindPhase.PREFLIGHT, "checking what exists for " + step.id());
            StepInspection found = binder.inspect(step);
            LOG.debug("pre-flight {}: {} {}", step.id(), found.state(), found.detail());
            switch (found.state()) {
                case CONFLICT -> result = new StepResult(step.pvc(), StepOutcome.SKIPPED, Optional.empty(),
                        "pre-flight conflict: " + found.detail(), Optional.of(ConflictException.class.getSimpleName()),
                        Optional.of(new ConflictException(found.detail())), elapsed(t0));
                case COMPLETE -> {
                    BindResult adopted = binder.bind(step, ctx);
                    result = ok(step, adopted, found.detail(), t0);
                }
                default -> {
                    BindResult done = binder.bind(step, ctx);
                    result = ok(step, done, found.state() == StepInspection.State.PARTIAL
                            ? "resumed: " + found.detail() : "", t0);
                }
            }
        } catch (CancelledException e) {
            result = timedOut.get() == 1
                    ? failed(step, elapsed(t0), new DrTimeoutException("step " + step.id() + " did not finish", stepTimeout))
                    : cancelled(step, elapsed(t0), e.getMessage());
        } catch (DrTimeoutException e) {
            result = failed(step, elapsed(t0), e);
        } catch (RuntimeException e) {
            if (timedOut.get() == 1) {
                result = failed(step, elapsed(t0), new DrTimeoutException("step " + step.id() + " did not finish", stepTimeout));
            } else {
                result = failed(step, elapsed(t0), e);
            }
        } finally {
            link.close();
            alarm.cancel(false);
            worker.set(null);
            Thread.interrupted();
        }
        StepResult r = result;
        if (!r.outcome().isSuccess()) {
            LOG.warn("step {} {}: {}", step.id(), r.outcome(), r.detail());
        }
        safe(() -> listener.stepFinished(step, r));
        return r;
    }

    private StepResult ok(RestoreStep step, BindResult b, String detail, Instant t0) {
        StepOutcome o = switch (b.outcome()) {
            case RESTORED -> StepOutcome.RESTORED;
            case RESUMED -> StepOutcome.RESUMED;
            case ADOPTED -> StepOutcome.ADOPTED;
        };
        String d = detail.isEmpty() ? String.join("; ", b.actions()) : detail;
        return new StepResult(step.pvc(), o, Optional.of(b), d, Optional.empty(), Optional.empty(), elapsed(t0));
    }

    private StepResult failed(RestoreStep step, Duration elapsed, Throwable e) {
        String type = e instanceof DrException ? e.getClass().getSimpleName() : "UnexpectedError";
        String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        if (!(e instanceof DrException)) {
            LOG.warn("step {} failed with an unexpected error", step.id(), e);
        }
        return new StepResult(step.pvc(), StepOutcome.FAILED, Optional.empty(), msg, Optional.of(type), Optional.of(e), elapsed);
    }

    private static StepResult cancelled(RestoreStep step, Duration elapsed, String why) {
        return new StepResult(step.pvc(), StepOutcome.CANCELLED, Optional.empty(), why,
                Optional.of(CancelledException.class.getSimpleName()), Optional.of(new CancelledException(why)), elapsed);
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

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "drkit-restore-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
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

        /** Runs steps on the caller's executor instead of a private pool (parallelism still applies). */
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

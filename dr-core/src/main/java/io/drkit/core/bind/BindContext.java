package io.drkit.core.bind;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.plan.RestoreStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link VolumeBinder} gets for one step: its deadline, cancellation, and where to report progress. Wait loops
 * in binders use {@link #await} or call {@link #checkpoint(String)} between polls, so a step stops promptly on
 * cancellation and fails with {@link DrTimeoutException} at its deadline.
 */
public final class BindContext {
    private static final Logger LOG = LoggerFactory.getLogger(BindContext.class);

    private final RestoreStep step;
    private final Duration timeout;
    private final Instant deadline;
    private final Cancellation cancellation;
    private final BindListener listener;
    private final Clock clock;
    private volatile BindPhase phase = BindPhase.PREFLIGHT;

    private BindContext(RestoreStep step, Duration timeout, Cancellation cancellation, BindListener listener, Clock clock) {
        this.step = Objects.requireNonNull(step, "step");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadline = clock.instant().plus(timeout);
        this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
        this.listener = Objects.requireNonNullElse(listener, BindListener.NONE);
    }

    /** A context whose deadline is {@code timeout} from now. */
    public static BindContext create(RestoreStep step, Duration timeout, Cancellation cancellation, BindListener listener) {
        return new BindContext(step, timeout, cancellation, listener, Clock.systemUTC());
    }

    /** A context with a long timeout, no cancellation and no listener (for scripts and JShell). */
    public static BindContext simple(RestoreStep step) {
        return create(step, Duration.ofHours(6), Cancellation.none(), BindListener.NONE);
    }

    /** The step being carried out. */
    public RestoreStep step() {
        return step;
    }

    /** The step's deadline. */
    public Instant deadline() {
        return deadline;
    }

    /** The step's total timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** Time left before the deadline (zero when passed). */
    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The cancellation token of the step. */
    public Cancellation cancellation() {
        return cancellation;
    }

    /** The phase last reported. */
    public BindPhase currentPhase() {
        return phase;
    }

    /** Reports entering {@code newPhase}. */
    public void phase(BindPhase newPhase, String detail) {
        this.phase = newPhase;
        try {
            listener.phase(step, newPhase, detail);
        } catch (RuntimeException e) {
            LOG.warn("progress listener threw; ignoring", e);
        }
    }

    /** Reports progress within the current phase ({@code fraction} in [0, 1], or -1 if unknown). */
    public void progress(double fraction, String detail) {
        try {
            listener.progress(step, phase, fraction, detail);
        } catch (RuntimeException e) {
            LOG.warn("progress listener threw; ignoring", e);
        }
    }

    /**
     * Throws if the step was cancelled or its deadline passed.
     *
     * @param what what is being waited for, for the exception message
     * @throws CancelledException  when cancelled or interrupted
     * @throws DrTimeoutException  when the deadline passed
     */
    public void checkpoint(String what) {
        cancellation.throwIfCancelled(what);
        if (!clock.instant().isBefore(deadline)) {
            throw new DrTimeoutException(what + " for " + step.id(), timeout);
        }
    }

    /** Sleeps up to {@code d} (less if the deadline comes first), then {@link #checkpoint(String)}s. */
    public void sleep(Duration d, String what) {
        checkpoint(what);
        long millis = Math.max(1, Math.min(d.toMillis(), remaining().toMillis()));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + " for " + step.id() + " was interrupted", e);
        }
        checkpoint(what);
    }

    /**
     * Polls {@code probe} every {@code interval} until it returns a value, the deadline passes or the step is
     * cancelled.
     *
     * @param what     what is awaited, e.g. {@code "restore of volume pvc-1"}
     * @param interval poll interval
     * @param probe    returns the result when done, empty to keep waiting; may throw to fail fast
     * @return the probe's result
     */
    public <T> T await(String what, Duration interval, Supplier<Optional<T>> probe) {
        while (true) {
            checkpoint(what);
            Optional<T> r = probe.get();
            if (r.isPresent()) {
                return r.get();
            }
            sleep(interval, what);
        }
    }
}

package io.drkit.examples.options;

import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.examples.support.Connections;
import java.time.Duration;
import java.util.Objects;

/**
 * How a plan is carried out, as the user configured it ({@code --via}, {@code --parallelism}, {@code --step-timeout},
 * {@code --poll-interval}, or the Job's keys): the one way both the CLI and the restore Job build their binder and
 * executor. Ranges are checked where the values are read ({@link OptionValues}) and again by {@link RestoreExecutor}.
 *
 * @param via          through which API volumes are restored and PVs created
 * @param parallelism  how many steps run at once
 * @param stepTimeout  how long one step may take, restore included
 * @param pollInterval how often a running restore is checked
 */
public record ExecutorSettings(Connections.Via via, int parallelism, Duration stepTimeout, Duration pollInterval) {

    /** Validates. */
    public ExecutorSettings {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** The binder of {@code connections} for these settings (closed with {@code connections}). */
    public VolumeBinder binder(Connections connections) {
        return connections.binder(via, pollInterval);
    }

    /** An executor builder over {@code binder} with these settings; the caller adds a listener and a clock. */
    public RestoreExecutor.Builder executor(VolumeBinder binder) {
        return RestoreExecutor.builder().binder(binder).parallelism(parallelism).stepTimeout(stepTimeout);
    }

    /** For logs: {@code 2 at a time, step timeout PT2H}. */
    public String describe() {
        return parallelism + " at a time, step timeout " + stepTimeout;
    }
}

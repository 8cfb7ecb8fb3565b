package io.drkit.core.execute;

import io.drkit.core.DrJson;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.util.TextTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of running a plan: one {@link StepResult} per step, in plan order.
 *
 * @param startedAt  when execution started
 * @param finishedAt when it finished
 * @param results    per step
 */
public record ExecutionReport(Instant startedAt, Instant finishedAt, List<StepResult> results) {

    /** Validates and copies. */
    public ExecutionReport {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        results = List.copyOf(Objects.requireNonNullElse(results, List.of()));
    }

    /** Whether every step ended with its data in place (restored, resumed or adopted). */
    public boolean succeeded() {
        return results.stream().allMatch(r -> r.outcome().isSuccess());
    }

    /** The number of steps with {@code outcome}. */
    public long count(StepOutcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** The results with {@code outcome}. */
    public List<StepResult> results(StepOutcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).toList();
    }

    /** Wall time of the whole run. */
    public Duration elapsed() {
        return Duration.between(startedAt, finishedAt);
    }

    /** A process exit code: 0 when {@link #succeeded()}, 1 otherwise. */
    public int exitCode() {
        return succeeded() ? 0 : 1;
    }

    /** The report as JSON. */
    public String toJson() {
        return DrJson.toJson(this);
    }

    /** A readable table. */
    public String toTable() {
        TextTable t = new TextTable("PVC", "OUTCOME", "VOLUME", "PV", "TIME", "DETAIL");
        for (StepResult r : results) {
            t.row(r.id(), r.outcome(), r.bind().map(b -> b.volumeName()).orElse("-"),
                    r.bind().map(b -> b.pvName()).orElse("-"), r.elapsed().toMillis() / 1000.0 + " s", r.detail());
        }
        StringBuilder sb = new StringBuilder(t.render());
        sb.append('\n');
        for (StepOutcome o : StepOutcome.values()) {
            long n = count(o);
            if (n > 0) {
                sb.append(n).append(' ').append(o.name().toLowerCase(java.util.Locale.ROOT)).append(", ");
            }
        }
        sb.append("in ").append(elapsed().toMillis() / 1000.0).append(" s: ")
                .append(succeeded() ? "all data in place." : "NOT all data in place.").append('\n');
        return sb.toString();
    }
}

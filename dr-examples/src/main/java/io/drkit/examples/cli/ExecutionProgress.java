package io.drkit.examples.cli;

import io.drkit.core.bind.BindPhase;
import io.drkit.core.execute.ExecutionListener;
import io.drkit.core.execute.StepResult;
import io.drkit.core.plan.RestoreStep;
import java.util.Locale;

/** Draws a plan's execution as a progress bar: one task per step in flight, 100 units per step. */
final class ExecutionProgress implements ExecutionListener {
    private final ProgressDisplay display;

    ExecutionProgress(ProgressDisplay display) {
        this.display = display;
    }

    @Override
    public void stepStarted(RestoreStep step) {
        display.update(step.id(), 0, 100, "%", "starting");
    }

    @Override
    public void phase(RestoreStep step, BindPhase phase, String detail) {
        display.update(step.id(), phase == BindPhase.DONE ? 100 : 0, 100, "%", phase.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
        display.update(step.id(), fraction < 0 ? 0 : Math.round(fraction * 100), 100, "%",
                phase.name().toLowerCase(Locale.ROOT) + (detail == null || detail.isEmpty() ? "" : " " + detail));
    }

    @Override
    public void stepFinished(RestoreStep step, StepResult result) {
        display.finish(step.id(), step.id() + ": " + result.outcome() + (result.detail().isEmpty() ? "" : " - " + result.detail()));
    }
}

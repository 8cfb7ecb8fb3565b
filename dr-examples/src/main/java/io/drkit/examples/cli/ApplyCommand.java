package io.drkit.examples.cli;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.plan.RestorePlan;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr apply PLAN.json}: carry out a reviewed plan. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Carry out a plan written by 'dr plan -o json': restore each volume, create its PV pre-bound to "
                + "the claim, with per-step progress and a final report. Safe to run again: what exists and matches "
                + "is adopted, nothing is restored twice or overwritten. A plan made while Longhorn had not synced "
                + "everything (catalogComplete false) is applied as far as it goes and exits 5: plan again later.")
final class ApplyCommand implements Callable<Integer> {
    @ParentCommand
    DrCli parent;
    @Mixin
    SourceOptions source;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    ApplyOptions apply;
    @Mixin
    FormatOptions format;
    @Parameters(index = "0", paramLabel = "PLAN.json", description = "The plan document.")
    Path planFile;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        RestorePlan plan;
        try {
            plan = RestorePlan.fromJson(Files.readString(planFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidInputException("cannot read plan file " + planFile + ": " + e.getMessage(), e);
        }
        try (Connections c = new Connections(source.settings(ctx), kube.factory(ctx))) {
            c.preflight(parent.connectTimeout(), List.of(Preflight.Need.binder(apply.via())));
            return execute(ctx, parent, c, plan, apply, format);
        }
    }

    /** Runs {@code plan} and prints the report; the exit code says whether every claim's data is in place. */
    static int execute(CliContext ctx, DrCli parent, Connections c, RestorePlan plan, ApplyOptions apply,
                       FormatOptions format) {
        VolumeBinder binder = c.binder(apply.via(), apply.pollInterval);
        Cancellation cancel = Cancellation.create();
        Thread hook = new Thread(cancel::cancel, "dr-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ProgressDisplay progress = parent.progress(format)) {
            ExecutionReport report = RestoreExecutor.builder().binder(binder).parallelism(apply.parallelism)
                    .stepTimeout(apply.stepTimeout).listener(new ExecutionProgress(progress)).clock(ctx.clock())
                    .build().execute(plan, cancel);
            progress.close();
            ctx.out().print(format.json() ? format.document(report.toJson()) : report.toTable());
            if (!report.succeeded()) {
                return ExitCodes.FAILED;
            }
            if (!plan.catalogComplete()) {
                ctx.err().print(IncompleteView.of(plan));
                return ExitCodes.UNAVAILABLE;
            }
            return ExitCodes.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook has run
            }
        }
    }
}

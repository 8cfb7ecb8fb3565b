package io.drkit.examples.cli;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.plan.PlanCatalogCheck;
import io.drkit.core.plan.RestorePlan;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.ExecutorSettings;
import io.drkit.examples.options.OptionValues;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr apply PLAN.json}: carry out a reviewed plan. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Carry out a plan written by 'dr plan -o json': restore each volume, create its PV pre-bound to "
                + "the claim, with per-step progress and a final report. Safe to run again: what exists and matches "
                + "is adopted, nothing is restored twice or overwritten. The plan is untrusted input: it is checked "
                + "step by step when read, and each step's backup against the backup source before anything is "
                + "created. A plan made while Longhorn had not synced everything (catalogComplete false) is applied "
                + "as far as it goes and exits 5: plan again later.")
final class ApplyCommand implements Callable<Integer>, CliOptions.Takes {
    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    FormatOptions format;
    @Parameters(index = "0", paramLabel = "PLAN.json", description = "The plan document. Every step is checked when "
            + "it is read (names, a complete backup whose URL names the same backup and volume, sizes, file system, "
            + "access modes, replicas): a bad field is exit 2 with its JSON path.")
    Path planFile;

    @Option(names = "--no-catalog-check", description = "Do not check each step's backup against the backup source "
            + "before creating anything (by default the backup must still exist there, complete, at the same URL, "
            + "of the same volume and claim, and fit the planned size; without --backupstore, --longhorn or "
            + "--kubernetes to check against, apply refuses to start).")
    boolean noCatalogCheck;

    @Override
    public List<DrOption<?>> tableOptions() {
        return DrOptions.cli(Part.SOURCE, Part.EXECUTION);
    }

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        RestorePlan plan = RestorePlan.read(planFile);
        OptionValues options = CliOptions.values(spec, ctx);
        ExecutorSettings execution = RestoreOptions.executor(options);
        try (Connections c = new Connections(RestoreOptions.source(options, ctx.env()), kube.factory(ctx))) {
            Optional<Preflight.Backend> checkSource = noCatalogCheck ? Optional.empty()
                    : Optional.of(c.preferredCatalogSource().orElseThrow(() -> new InvalidInputException(
                            "dr apply checks each step's backup against the backup source before creating anything: "
                            + "give the source the plan was made from (--backupstore URL|DIR [--target-url URL], "
                            + "--longhorn URL or --kubernetes), or --no-catalog-check to skip the check")));
            // first what checking the plan needs (with the binder's way out when it is the same backend), then the
            // plan's backups (a plan that does not match its catalog is refused whatever the cluster's state), then
            // the binder's backend: all before any step
            Preflight.Need binder = Preflight.Need.binder(execution.via());
            if (checkSource.isPresent()) {
                List<Preflight.Need> needs = new ArrayList<>(List.of(Connections.catalogNeed(checkSource.get())));
                if (binder.backend() == checkSource.get()) {
                    needs.add(binder);
                }
                c.preflight(parent.connectTimeout(), needs);
                if (!plan.isEmpty()) {
                    // the backupstore is preferred: right after a rebuild Longhorn may not list the backups yet
                    PlanCatalogCheck.check(plan, c.catalog(checkSource.get(), CatalogListener.NONE));
                }
            }
            c.preflight(parent.connectTimeout(), List.of(binder));
            return execute(ctx, parent, c, plan, execution, format);
        }
    }

    /** Runs {@code plan} and prints the report; the exit code says whether every claim's data is in place. */
    static int execute(CliContext ctx, DrCli parent, Connections c, RestorePlan plan, ExecutorSettings execution,
                       FormatOptions format) {
        VolumeBinder binder = execution.binder(c);
        Cancellation cancel = Cancellation.create();
        Thread hook = new Thread(cancel::cancel, "dr-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ProgressDisplay progress = parent.progress(format)) {
            ExecutionReport report = execution.executor(binder).listener(new ExecutionProgress(progress))
                    .clock(ctx.clock()).build().execute(plan, cancel);
            progress.close();
            ctx.out().print(format.json() ? format.document(report.toJson()) : report.toTable());
            if (parent.debug && !format.json()) {
                // the table cuts long cells: the whole detail of each step that did not succeed
                report.results().stream().filter(r -> !r.outcome().isSuccess())
                        .forEach(r -> ctx.err().println("detail of " + r.id() + ": " + r.detail()));
            }
            if (!report.succeeded()) {
                return ExitCodes.FAILED;
            }
            if (!plan.catalogComplete()) {
                ctx.err().print(IncompleteView.of(plan));
                return ExitCodes.UNAVAILABLE;
            }
            return PlanCommand.held(ctx, plan, ExitCodes.OK);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook has run
            }
        }
    }
}

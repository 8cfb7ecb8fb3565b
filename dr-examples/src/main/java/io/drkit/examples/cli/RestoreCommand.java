package io.drkit.examples.cli;

import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.plan.RestorePlan;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.ExecutorSettings;
import io.drkit.examples.options.OptionValues;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr restore}: plan and apply in one go. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Plan and apply in one go (accepts every 'dr plan' option, --offline included). The plan is "
                + "printed before anything is changed. When Longhorn had not synced its view yet (--longhorn, "
                + "--kubernetes), what is synced is restored and the command exits 5: run it again to restore the rest.")
final class RestoreCommand implements Callable<Integer>, CliOptions.Takes {
    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    FormatOptions format;

    @Override
    public List<DrOption<?>> tableOptions() {
        return DrOptions.cli(Part.SOURCE, Part.REQUEST, Part.EXECUTION);
    }

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        OptionValues options = CliOptions.values(spec, ctx);
        ExecutorSettings execution = RestoreOptions.executor(options);
        try (Connections c = CliOptions.open(spec, ctx, kube)) {
            List<Preflight.Need> needs = PlanCommand.needs(c, options);
            needs.add(Preflight.Need.binder(execution.via()));
            c.preflight(parent.connectTimeout(), needs);
            RestorePlan plan;
            try (ProgressDisplay progress = parent.progress(format)) {
                plan = PlanCommand.plan(ctx, c, options, progress);
            }
            if (format.json()) {
                ctx.err().print(plan.toTable());
            } else {
                ctx.out().print(plan.toTable());
                ctx.out().println();
            }
            if (plan.isEmpty()) {
                var now = ctx.clock().instant();
                ExecutionReport nothing = new ExecutionReport(now, now, java.util.List.of());
                if (!plan.catalogComplete()) {
                    ctx.out().print(format.json() ? format.document(nothing.toJson()) : "Nothing restored yet.\n");
                    ctx.err().print(IncompleteView.of(plan));
                    return ExitCodes.UNAVAILABLE;
                }
                ctx.out().print(format.json() ? format.document(nothing.toJson()) : "Nothing to restore.\n");
                return PlanCommand.held(ctx, plan, ExitCodes.OK);
            }
            return ApplyCommand.execute(ctx, parent, c, plan, execution, format);
        }
    }
}

package io.drkit.examples.cli;

import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.plan.RestorePlan;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dr restore}: plan and apply in one go. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Plan and apply in one go (accepts every 'dr plan' option, --offline included). The plan is "
                + "printed before anything is changed.")
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    DrCli parent;
    @Mixin
    SourceOptions source;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    RequestOptions request;
    @Mixin
    ApplyOptions apply;
    @Mixin
    FormatOptions format;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        try (Connections c = new Connections(source.settings(ctx), kube.factory(ctx))) {
            List<Preflight.Need> needs = PlanCommand.needs(c, request);
            needs.add(Preflight.Need.binder(apply.via()));
            c.preflight(parent.connectTimeout(), needs);
            RestorePlan plan;
            try (ProgressDisplay progress = parent.progress(format)) {
                plan = PlanCommand.plan(ctx, c, request, progress);
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
                ctx.out().print(format.json() ? format.document(nothing.toJson()) : "Nothing to restore.\n");
                return ExitCodes.OK;
            }
            return ApplyCommand.execute(ctx, parent, c, plan, apply, format);
        }
    }
}

package io.drkit.examples.cli;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.OptionValues;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr plan}: compute a reviewable restore plan; {@code -o json} writes the document {@code dr apply} accepts. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Compute a restore plan: which backup goes to which PVC, and why every other candidate was "
                + "skipped. -o json writes the plan document that 'dr apply' accepts. Exit 9 when claims are held for a "
                + "human decision (--consistent-strict, --on-anomaly hold). Exit 5 when Longhorn had not "
                + "synced its view yet (--longhorn, --kubernetes): the claims it could not plan are listed.")
final class PlanCommand implements Callable<Integer>, CliOptions.Takes {
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
        return DrOptions.cli(Part.SOURCE, Part.REQUEST);
    }

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        OptionValues options = CliOptions.values(spec, ctx);
        try (Connections c = CliOptions.open(spec, ctx, kube);
             ProgressDisplay progress = parent.progress(format)) {
            c.preflight(parent.connectTimeout(), needs(c, options));
            RestorePlan plan = plan(ctx, c, options, progress);
            progress.close();
            ctx.out().print(format.json() ? format.document(plan.toJson()) : plan.toTable());
            if (!plan.catalogComplete()) {
                ctx.err().print(IncompleteView.of(plan));
                return ExitCodes.UNAVAILABLE;
            }
            return held(ctx, plan, ExitCodes.OK);
        }
    }

    /**
     * {@code code}, or {@link ExitCodes#HELD} with a line on standard error naming them when the plan holds claims for
     * a human decision (a strict restore set without a consistent point, the change-rate guard's {@code hold}).
     */
    static int held(CliContext ctx, RestorePlan plan, int code) {
        var held = plan.heldSkips();
        if (held.isEmpty()) {
            return code;
        }
        ctx.err().println("held for a human decision (exit " + ExitCodes.HELD + "): " + String.join(", ",
                held.stream().map(s -> s.subject() + " (" + s.reason() + ")").toList()));
        return ExitCodes.HELD;
    }

    /** What planning needs: the catalog's source and, unless offline, the cluster. */
    static List<Preflight.Need> needs(Connections c, OptionValues options) {
        List<Preflight.Need> needs = new ArrayList<>();
        needs.add(c.catalogNeed());
        if (!options.get(DrOptions.OFFLINE)) {
            needs.add(Preflight.Need.clusterState());
        }
        return needs;
    }

    /** Plans with the catalog and (unless offline) the cluster of {@code c}. */
    static RestorePlan plan(CliContext ctx, Connections c, OptionValues options, ProgressDisplay progress) {
        var req = RestoreOptions.request(options);
        boolean offline = options.get(DrOptions.OFFLINE);
        progress.update("plan", 0, 0, "", "reading backups");
        BackupCatalog catalog = c.catalog(new CatalogProgress(progress));
        progress.update("plan", 0, 0, "", offline ? "planning offline" : "reading the cluster");
        ClusterState cluster = c.clusterState(offline);
        RestorePlan plan = RestorePlanner.withClock(ctx.clock()).plan(req, catalog, cluster);
        progress.finish("sync", null);
        progress.finish("plan", null);
        return plan;
    }
}

package io.drkit.examples.cli;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dr plan}: compute a reviewable restore plan; {@code -o json} writes the document {@code dr apply} accepts. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Compute a restore plan: which backup goes to which PVC, and why every other candidate was "
                + "skipped. -o json writes the plan document that 'dr apply' accepts. Exit 5 when Longhorn had not "
                + "synced its view yet (--longhorn, --kubernetes): the claims it could not plan are listed.")
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    DrCli parent;
    @Mixin
    SourceOptions source;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    RequestOptions request;
    @Mixin
    FormatOptions format;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        try (Connections c = source.open(ctx, kube);
             ProgressDisplay progress = parent.progress(format)) {
            c.preflight(parent.connectTimeout(), needs(c, request));
            RestorePlan plan = plan(ctx, c, request, progress);
            progress.close();
            ctx.out().print(format.json() ? format.document(plan.toJson()) : plan.toTable());
            if (!plan.catalogComplete()) {
                ctx.err().print(IncompleteView.of(plan));
                return ExitCodes.UNAVAILABLE;
            }
            return ExitCodes.OK;
        }
    }

    /** What planning needs: the catalog's source and, unless offline, the cluster. */
    static List<Preflight.Need> needs(Connections c, RequestOptions request) {
        List<Preflight.Need> needs = new ArrayList<>();
        needs.add(c.catalogNeed());
        if (!request.offline) {
            needs.add(Preflight.Need.clusterState());
        }
        return needs;
    }

    /** Plans with the catalog and (unless offline) the cluster of {@code c}. */
    static RestorePlan plan(CliContext ctx, Connections c, RequestOptions request, ProgressDisplay progress) {
        var req = request.request();
        progress.update("plan", 0, 0, "", "reading backups");
        BackupCatalog catalog = c.catalog(new CatalogProgress(progress));
        progress.update("plan", 0, 0, "", request.offline ? "planning offline" : "reading the cluster");
        ClusterState cluster = c.clusterState(request.offline);
        RestorePlan plan = RestorePlanner.withClock(ctx.clock()).plan(req, catalog, cluster);
        progress.finish("sync", null);
        progress.finish("plan", null);
        return plan;
    }
}

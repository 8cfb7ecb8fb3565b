package io.drkit.examples;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.testing.SampleCatalogs;

/**
 * Plans a restore of every critical volume from a sample in-memory backupstore and prints the plan: the smallest
 * end-to-end use of the planner, with no cluster and no cloud. Pass {@code json} to print the plan document.
 */
public final class PlanDemo {
    private PlanDemo() {
    }

    /** Entry point. */
    public static void main(String... args) {
        try (BackupCatalog catalog = SampleCatalogs.homelab()) {
            RestoreRequest request = RestoreRequest.builder().group("critical").build();
            RestorePlan plan = RestorePlanner.standard().plan(request, catalog, ClusterState.offline());
            System.out.print(args.length > 0 && args[0].equals("json") ? plan.toJson() : plan.toTable());
        } catch (RuntimeException e) {
            System.err.println("plan-demo: " + e.getMessage());
            System.exit(1);
        }
    }
}

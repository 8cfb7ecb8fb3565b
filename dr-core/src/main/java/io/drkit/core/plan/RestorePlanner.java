package io.drkit.core.plan;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.cluster.ClusterState;
import java.time.Clock;

/**
 * Decides which backup goes to which claim, and why: the second stage of the pipeline. Planning is pure and
 * deterministic: the same request, catalog contents, cluster state and clock give the same plan.
 */
public interface RestorePlanner {

    /** The standard planner, with the system UTC clock. */
    static RestorePlanner standard() {
        return new DefaultRestorePlanner(Clock.systemUTC());
    }

    /** The standard planner with a given clock (for {@code maxAge} and the plan's timestamp). */
    static RestorePlanner withClock(Clock clock) {
        return new DefaultRestorePlanner(clock);
    }

    /**
     * Computes a reviewable plan.
     *
     * @param request what to restore and how
     * @param catalog where the backups are
     * @param cluster the live cluster, or {@link ClusterState#offline()}
     * @return the plan: ordered steps, skipped candidates and warnings, each with a reason
     */
    RestorePlan plan(RestoreRequest request, BackupCatalog catalog, ClusterState cluster);
}

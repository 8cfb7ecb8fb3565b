package io.drkit.examples.cli;

import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.RestorePlan;
import java.util.List;

/**
 * What a command could not see because Longhorn had not synced its view yet ({@code --longhorn}, {@code --kubernetes}):
 * the CLI's one wording for it, printed to standard error before the command exits with {@link ExitCodes#UNAVAILABLE}
 * ("retry").
 */
final class IncompleteView {
    private static final String RETRY = "Longhorn has not synced its view of the backup target yet, so this answer is "
            + "incomplete: retry later (exit 5), or give Longhorn longer with --sync-wait";

    private IncompleteView() {
    }

    /** The lines for an incomplete catalog: the catalog-wide reasons, then each unsynced volume. */
    static String of(CatalogCompleteness c) {
        StringBuilder sb = new StringBuilder(RETRY).append(".\n");
        c.reasons().forEach(r -> sb.append("  not synced: ").append(r).append('\n'));
        c.volumes().forEach((v, gap) -> sb.append("  not synced: backup volume ").append(v).append(": ").append(gap)
                .append('\n'));
        return sb.toString();
    }

    /** The lines for a plan made from an incomplete view: the catalog-wide warnings, then each claim or volume skipped. */
    static String of(RestorePlan plan) {
        StringBuilder sb = new StringBuilder(RETRY).append(".\n");
        plan.warnings(PlanWarning.Kind.CATALOG_INCOMPLETE).forEach(w -> sb.append("  not synced: ").append(w.message())
                .append('\n'));
        List<PlanSkip> skips = plan.incompleteSkips();
        skips.forEach(s -> sb.append("  not synced: ").append(s.subject()).append(": ").append(s.detail()).append('\n'));
        return sb.toString();
    }
}

package io.drkit.core.plan;

import io.drkit.core.model.Backup;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.TextTable;
import io.drkit.core.util.Times;
import java.time.Instant;

/** Renders a {@link RestorePlan} for humans. */
final class PlanTable {
    private PlanTable() {
    }

    static String render(RestorePlan plan, boolean verbose) {
        StringBuilder sb = new StringBuilder();
        sb.append("Restore plan from ").append(plan.source().isEmpty() ? "(unknown source)" : plan.source())
                .append(", computed ").append(plan.createdAt())
                .append(plan.clusterAware() ? ", checked against the live cluster" : ", offline (cluster not checked)")
                .append('\n');
        plan.request().asOf().ifPresent(t -> sb.append("Point in time: newest complete backup at or before ").append(t).append('\n'));
        if (!plan.catalogComplete()) {
            sb.append("INCOMPLETE VIEW: the catalog has not synced everything yet; ")
                    .append(plan.incompleteSkips().size()).append(" candidate(s) skipped as CATALOG_INCOMPLETE. Plan again later.\n");
        }
        sb.append('\n');
        if (plan.steps().isEmpty()) {
            sb.append(plan.catalogComplete() ? "No restores planned.\n" : "No restores planned from what is synced so far.\n");
        } else {
            TextTable t = new TextTable("PVC", "BACKUP", "TAKEN", "SIZE", "VOLUME", "PV", "CLASS", "GROUPS");
            for (RestoreStep s : plan.steps()) {
                Backup b = s.backup();
                t.row(s.id(), b.name(), b.pointInTime().map(Instant::toString).orElse("?"),
                        Sizes.human(s.sizeBytes()), s.volumeName(), s.pvName(),
                        s.storageClassName().isEmpty() ? "-" : s.storageClassName(),
                        s.recurringJobGroups().isEmpty() ? "-" : String.join(",", s.recurringJobGroups()));
            }
            sb.append(t.render());
            sb.append('\n');
            for (RestoreStep s : plan.steps()) {
                sb.append("  ").append(s.id()).append(": ").append(s.reason());
                if (!s.backup().volumeName().equals(s.volumeName())) {
                    sb.append("; restored from backup volume ").append(s.backup().volumeName());
                }
                sb.append('\n');
                for (String n : s.notes()) {
                    sb.append("      note: ").append(n).append('\n');
                }
            }
        }
        if (!plan.sets().isEmpty()) {
            sb.append("\nRestore sets (").append(plan.request().consistency()).append("):\n");
            TextTable t = new TextTable("SET", "STATUS", "CONSISTENT AT", "SKEW", "PVC", "BACKUP", "TAKEN", "COST");
            for (RestoreSet rs : plan.sets()) {
                boolean first = true;
                for (RestoreSet.Member m : rs.members()) {
                    t.row(first ? rs.key() : "", first ? rs.status() : "",
                            first ? rs.consistentAt().map(Instant::toString).orElse("-") : "",
                            first ? Times.human(rs.skew()) : "", m.pvc(),
                            m.skipped().map(r -> "skipped: " + r).orElse(m.backupName().orElse("-")),
                            m.backupAt().map(Instant::toString).orElse("-"),
                            m.cost().isZero() ? "-" : Times.human(m.cost()) + " (newest " + m.newestBackup().orElse("?") + ")");
                    first = false;
                }
            }
            sb.append(t.render());
        }
        long notSelected = plan.skips().stream().filter(s -> s.reason() == PlanSkip.SkipReason.NOT_SELECTED).count();
        var shown = plan.skips().stream().filter(s -> verbose || s.reason() != PlanSkip.SkipReason.NOT_SELECTED).toList();
        if (!shown.isEmpty()) {
            sb.append("\nSkipped:\n");
            TextTable t = new TextTable("SUBJECT", "REASON", "DETAIL");
            shown.forEach(s -> t.row(s.subject(), s.reason().name(), s.detail()));
            sb.append(t.render());
        }
        if (!verbose && notSelected > 0) {
            sb.append("\n").append(notSelected).append(" other backup volume(s) not selected by the request.\n");
        }
        if (!plan.warnings().isEmpty()) {
            sb.append("\nWarnings:\n");
            plan.warnings().forEach(w -> sb.append("  ! ").append(w).append('\n'));
        }
        sb.append('\n').append(plan.steps().size()).append(" restore(s), ")
                .append(plan.skips().size() - notSelected).append(" skipped, ")
                .append(plan.warnings().size()).append(" warning(s).\n");
        return sb.toString();
    }
}

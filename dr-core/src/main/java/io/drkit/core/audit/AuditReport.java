package io.drkit.core.audit;

import io.drkit.core.util.TextTable;
import io.drkit.core.util.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of a {@link FreshnessAudit}: one entry per claim (and per orphan volume), sorted by subject.
 *
 * @param at      when the audit ran (ages are measured from here)
 * @param source  the catalog audited
 * @param entries the verdicts
 */
public record AuditReport(Instant at, String source, List<AuditEntry> entries) {

    /** Validates and copies. */
    public AuditReport {
        Objects.requireNonNull(at, "at");
        source = Objects.requireNonNullElse(source, "");
        entries = List.copyOf(Objects.requireNonNullElse(entries, List.of()));
    }

    /** The entries that break the policy. */
    public List<AuditEntry> violations() {
        return entries.stream().filter(e -> e.status().isViolation()).toList();
    }

    /** Whether every claim is within its policy. */
    public boolean passed() {
        return violations().isEmpty();
    }

    /** A readable table, one line per claim. */
    public String toTable() {
        TextTable t = new TextTable("STATUS", "PVC", "GROUP", "NEWEST BACKUP", "AGE", "LIMIT", "DETAIL");
        for (AuditEntry e : entries) {
            t.row(e.status(), e.subject(), e.group(),
                    e.newest().map(b -> b.volumeName() + "/" + b.name()).orElse("-"),
                    e.age().map(Times::human).orElse("-"), Times.human(e.limit()), e.detail());
        }
        int v = violations().size();
        return t.render() + "\n" + entries.size() + " checked, " + v + " violation(s).\n";
    }
}

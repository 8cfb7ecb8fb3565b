package io.drkit.kubernetes;

import java.util.List;
import java.util.Objects;

/**
 * What {@link RecurringJobPolicy#audit} found, or what {@link RecurringJobPolicy#apply} found and did.
 *
 * @param mode            whether anything was changed
 * @param longhornVersion the Longhorn version the policy was evaluated for ({@code ""} when unknown)
 * @param pvcLabels       whether claims were checked for recurring-job labels (Longhorn 1.5+)
 * @param drifts          differences between the policy and the cluster, as found before any change
 * @param actions         what {@code apply} changed, in order (empty for an audit)
 */
public record PolicyReport(Mode mode, String longhornVersion, boolean pvcLabels, List<Drift> drifts, List<String> actions) {

    /** Audit (read only) or apply. */
    public enum Mode {
        /** Nothing was changed. */
        AUDIT,
        /** Fixable drift was corrected. */
        APPLY
    }

    /** Kinds of drift. */
    public enum Kind {
        /** A RecurringJob of the policy does not exist. */
        JOB_MISSING,
        /** A RecurringJob exists with another task, schedule, retain count, concurrency, groups or labels. */
        JOB_DIFFERS,
        /** The Longhorn volume of a critical claim lacks the critical group label. */
        VOLUME_UNLABELLED,
        /** A critical claim lacks the group label or {@code recurring-job.longhorn.io/source: enabled} (1.5+). */
        PVC_UNLABELLED,
        /** A critical claim's Longhorn volume cannot be found (claim not bound, not a Longhorn PV, volume gone). */
        VOLUME_NOT_FOUND
    }

    /**
     * One difference.
     *
     * @param kind     what differs
     * @param subject  the object concerned, e.g. {@code RecurringJob longhorn-system/critical-backup} or a claim
     * @param detail   expected versus found
     * @param fixable  whether {@code apply} corrects it
     */
    public record Drift(Kind kind, String subject, String detail, boolean fixable) {
        /** Validates. */
        public Drift {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(subject, "subject");
            detail = Objects.requireNonNullElse(detail, "");
        }

        @Override
        public String toString() {
            return kind + " " + subject + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** Copies. */
    public PolicyReport {
        Objects.requireNonNull(mode, "mode");
        longhornVersion = Objects.requireNonNullElse(longhornVersion, "");
        drifts = List.copyOf(Objects.requireNonNullElse(drifts, List.of()));
        actions = List.copyOf(Objects.requireNonNullElse(actions, List.of()));
    }

    /** Whether the cluster matched the policy (before any change). */
    public boolean compliant() {
        return drifts.isEmpty();
    }

    /** The drift still present: everything for an audit, the unfixable part after an apply. */
    public List<Drift> unresolved() {
        return mode == Mode.AUDIT ? drifts : drifts.stream().filter(d -> !d.fixable()).toList();
    }

    /** The drifts of one kind. */
    public List<Drift> drifts(Kind kind) {
        return drifts.stream().filter(d -> d.kind() == kind).toList();
    }
}

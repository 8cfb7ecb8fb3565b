package io.drkit.core.audit;

import io.drkit.core.catalog.ChangeRateVerdict;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The freshness of one claim's backups against its policy group.
 *
 * @param pvc     the claim (empty for an orphan backup volume)
 * @param subject the claim, or the backup volume for orphans
 * @param volumes the backup volumes that map to the claim
 * @param group   the policy group applied ({@code critical}, {@code default}, ...)
 * @param newest  the newest complete backup across those volumes
 * @param age     how old that backup is
 * @param limit   the group's maximum age plus slack
 * @param status  the verdict
 * @param detail  a human explanation
 * @param changeRate the change-rate verdict on {@code newest}, when it was checked
 */
public record AuditEntry(Optional<PvcRef> pvc, String subject, List<String> volumes, String group,
                         Optional<Backup> newest, Optional<Duration> age, Duration limit, Status status, String detail,
                         Optional<ChangeRateVerdict> changeRate) {

    /** Verdicts. */
    public enum Status {
        /** The newest backup is young enough. */
        OK(false),
        /** The newest backup is older than the group allows. */
        STALE(true),
        /** There is no complete backup at all (or a critical claim in the cluster has never been backed up). */
        NO_BACKUP(true),
        /** Backups of a volume that maps to no claim: reported, not judged. */
        ORPHAN(false),
        /** The claim no longer exists in the cluster: reported, not judged. */
        GONE(false),
        /**
         * The newest backup changed far more of its volume than the volume usually changes
         * ({@link io.drkit.core.catalog.ChangeRateRule}): ransomware, a runaway job, a wrong {@code mkfs}? Takes
         * precedence over {@link #STALE} (the detail says both).
         */
        CHANGE_RATE_ANOMALY(true);

        private final boolean violation;

        Status(boolean violation) {
            this.violation = violation;
        }

        /** Whether this verdict breaks the policy. */
        public boolean isViolation() {
            return violation;
        }
    }

    /** An entry without a change-rate verdict. */
    public AuditEntry(Optional<PvcRef> pvc, String subject, List<String> volumes, String group, Optional<Backup> newest,
                      Optional<Duration> age, Duration limit, Status status, String detail) {
        this(pvc, subject, volumes, group, newest, age, limit, status, detail, Optional.empty());
    }

    /** Validates and copies. */
    public AuditEntry {
        pvc = Objects.requireNonNullElse(pvc, Optional.empty());
        Objects.requireNonNull(subject, "subject");
        volumes = List.copyOf(Objects.requireNonNullElse(volumes, List.of()));
        Objects.requireNonNull(group, "group");
        newest = Objects.requireNonNullElse(newest, Optional.empty());
        age = Objects.requireNonNullElse(age, Optional.empty());
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(status, "status");
        detail = Objects.requireNonNullElse(detail, "");
        changeRate = Objects.requireNonNullElse(changeRate, Optional.empty());
    }
}

package io.drkit.core.plan;

import io.drkit.core.model.PvcRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One app-consistent restore set of a plan ({@link Consistency}): the claims grouped together, the point in time they
 * are restored to, and what that consistency cost.
 *
 * @param key          the set's name: {@code namespace=<ns>} or {@code <label key>=<value>}
 * @param status       whether a consistent point was found
 * @param consistentAt T: the newest point at which every member had a complete backup within the window before it
 *                     (empty when there is none)
 * @param window       the window the set was computed with
 * @param skew         the time between the oldest and the newest backup planned for the members
 * @param members      the claims of the set, sorted
 */
public record RestoreSet(String key, Status status, Optional<Instant> consistentAt, Duration window, Duration skew,
                         List<Member> members) {

    /** Whether a set could be restored consistently. */
    public enum Status {
        /** Every member restores a backup within the window before T. */
        CONSISTENT,
        /** No consistent point: each member restores its own newest backup (with an INCONSISTENT_SET warning). */
        INCONSISTENT,
        /** No consistent point and the request is strict: every member is skipped as INCONSISTENT_SET. */
        HELD
    }

    /**
     * One claim of a set.
     *
     * @param pvc          the claim
     * @param volumeName   the backup volume of the backup planned for it (empty when none)
     * @param backupName   the backup planned for it by the set (empty when none)
     * @param backupAt     that backup's point in time
     * @param newestBackup the claim's own newest eligible backup (after asOf and the guards)
     * @param newestAt     that backup's point in time
     * @param cost         how much newer the claim's own newest backup is than the one planned (zero when the same)
     * @param skipped      why the claim is not restored after all (a skip of the plan names the details), if so
     */
    public record Member(PvcRef pvc, Optional<String> volumeName, Optional<String> backupName, Optional<Instant> backupAt,
                         Optional<String> newestBackup, Optional<Instant> newestAt, Duration cost,
                         Optional<PlanSkip.SkipReason> skipped) {
        /** Validates. */
        public Member {
            Objects.requireNonNull(pvc, "pvc");
            volumeName = Objects.requireNonNullElse(volumeName, Optional.<String>empty()).filter(s -> !s.isEmpty());
            backupName = Objects.requireNonNullElse(backupName, Optional.<String>empty()).filter(s -> !s.isEmpty());
            backupAt = Objects.requireNonNullElse(backupAt, Optional.empty());
            newestBackup = Objects.requireNonNullElse(newestBackup, Optional.<String>empty()).filter(s -> !s.isEmpty());
            newestAt = Objects.requireNonNullElse(newestAt, Optional.empty());
            cost = Objects.requireNonNullElse(cost, Duration.ZERO);
            if (cost.isNegative()) {
                throw new io.drkit.core.InvalidInputException("restore set member " + pvc + ": cost must not be negative");
            }
            skipped = Objects.requireNonNullElse(skipped, Optional.empty());
        }

        /** Whether the member is restored by the plan. */
        public boolean restored() {
            return skipped.isEmpty() && backupName.isPresent();
        }
    }

    /** Validates and copies. */
    public RestoreSet {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        consistentAt = Objects.requireNonNullElse(consistentAt, Optional.empty());
        Objects.requireNonNull(window, "window");
        skew = Objects.requireNonNullElse(skew, Duration.ZERO);
        members = List.copyOf(Objects.requireNonNullElse(members, List.of()));
        if (key.isBlank()) {
            throw new io.drkit.core.InvalidInputException("restore set key must not be blank");
        }
        if (status == Status.CONSISTENT && consistentAt.isEmpty()) {
            throw new io.drkit.core.InvalidInputException("restore set " + key + " is CONSISTENT but has no consistentAt");
        }
        if (window.isNegative() || window.isZero() || skew.isNegative()) {
            throw new io.drkit.core.InvalidInputException("restore set " + key + ": window must be positive and skew not negative");
        }
    }

    /** The member for {@code pvc}, if it belongs to this set. */
    public Optional<Member> findMember(PvcRef pvc) {
        return members.stream().filter(m -> m.pvc().equals(pvc)).findFirst();
    }

    /** The longest cost of any member: how much newer data the set gave up for consistency. */
    public Duration maxCost() {
        return members.stream().map(Member::cost).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "set " + key + ": " + status + consistentAt.map(t -> " at " + t).orElse("") + ", skew " + skew + ", "
                + members.size() + " claim(s)";
    }
}

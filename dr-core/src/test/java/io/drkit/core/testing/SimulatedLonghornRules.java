package io.drkit.core.testing;

import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one set of rules by which the simulators of Longhorn and of Kubernetes' PV controller behave: the REST simulator
 * ({@code io.drkit.longhorn.testing.LonghornSimulator}), the CRD simulation
 * ({@code io.drkit.kubernetes.testing.SimulatedLonghorn}) and the in-memory cluster ({@link InMemoryVolumeBinder}).
 * Each simulator keeps its own wire or CRD shapes and its own pace (polls, ticks); what a restored volume goes through,
 * which fields Longhorn fills in on it, what a failed restore looks like, how backup volumes are named and when a
 * claim binds to a PV are decided here. The facts follow /work/shared/reference/longhorn-api.md (volume lifecycle,
 * webhook defaults, BackupVolume naming) and Kubernetes' PV controller for pre-bound volumes. Stateless; test code.
 */
public final class SimulatedLonghornRules {
    /** Type of the volume condition that reports a restore. */
    public static final String RESTORE_CONDITION = "Restore";
    /** Reason of the {@code Restore} condition while the restore runs. */
    public static final String REASON_RESTORE_IN_PROGRESS = "RestoreInProgress";
    /** Reason of the {@code Restore} condition once the restore failed. */
    public static final String REASON_RESTORE_FAILURE = "RestoreFailure";
    /** The message Longhorn's volume controller gives a failed restore. */
    public static final String RESTORE_FAILURE_MESSAGE = "All replica restore failed and the volume became Faulted";
    /** Access mode of a volume when neither the request nor the backup says one. */
    public static final String DEFAULT_ACCESS_MODE = "rwo";
    /** Replica count the webhook fills in for 0 (setting {@code default-replica-count}, default 3). */
    public static final int DEFAULT_REPLICAS = 3;
    /** Recurring-job group label Longhorn gives a volume that names no recurring job or group. */
    public static final String DEFAULT_GROUP_LABEL = LonghornLabels.RECURRING_JOB_GROUP_PREFIX + "default";
    /** PV phase of a PV nobody has claimed yet. */
    public static final String PV_AVAILABLE = "Available";
    /** PV and PVC phase once bound. */
    public static final String BOUND = "Bound";

    private SimulatedLonghornRules() {
    }

    /**
     * Where a simulated Longhorn volume is in its life, with the status fields Longhorn shows there. A restore goes
     * {@code NEW → CREATING → ATTACHING → RESTORING → DETACHING → DETACHED} (a simulator may skip ATTACHING and
     * DETACHING), or from RESTORING to FAULTED; a volume not restored from a backup is DETACHED or IN_USE.
     */
    public enum VolumePhase {
        /** Just created: the controller has not reconciled it (empty state). */
        NEW("", "", false),
        /** First reconcile of a restore: {@code restoreRequired}/{@code restoreInitiated} set. */
        CREATING("creating", "unknown", true),
        /** Being attached (frontend disabled) to restore. */
        ATTACHING("attaching", "unknown", true),
        /** Attached, replicas restoring, progress in the engine's restore status. */
        RESTORING("attached", "healthy", true),
        /** Restore complete ({@code restoreRequired} false), detaching. */
        DETACHING("detaching", "healthy", false),
        /** Detached and usable: a finished restore, or a volume not restored from a backup. */
        DETACHED("detached", "unknown", false),
        /** The restore failed: detached, faulted, {@code restoreRequired} stays true. */
        FAULTED("detached", "faulted", true),
        /** Attached to a workload (not a restore). */
        IN_USE("attached", "healthy", false);

        private final String state;
        private final String robustness;
        private final boolean restoreRequired;

        VolumePhase(String state, String robustness, boolean restoreRequired) {
            this.state = state;
            this.robustness = robustness;
            this.restoreRequired = restoreRequired;
        }

        /** The volume's {@code status.state}. */
        public String state() {
            return state;
        }

        /** The volume's {@code status.robustness}. */
        public String robustness() {
            return robustness;
        }

        /** Whether {@code restoreRequired} is true here, for a volume restored from a backup. */
        public boolean restoreRequired() {
            return restoreRequired;
        }

        /** Whether the volume is usable ({@code ready}): detached after its restore, or in use. */
        public boolean ready() {
            return this == DETACHED || this == IN_USE;
        }

        /** Whether the restore is still under way (before it completes or fails). */
        public boolean restoring() {
            return this == CREATING || this == ATTACHING || this == RESTORING;
        }

        /**
         * The {@code Restore} condition here ({@code failureMessage} for FAULTED); empty before the first reconcile.
         */
        public Optional<Condition> restoreCondition(String failureMessage) {
            return switch (this) {
                case NEW -> Optional.empty();
                case RESTORING -> Optional.of(new Condition(RESTORE_CONDITION, "True", REASON_RESTORE_IN_PROGRESS, ""));
                case FAULTED -> Optional.of(new Condition(RESTORE_CONDITION, "False", REASON_RESTORE_FAILURE,
                        failureMessage));
                default -> Optional.of(new Condition(RESTORE_CONDITION, "False", "", ""));
            };
        }

        /**
         * The phase after one more step of the controller: a restore moves one phase along; RESTORING stays until
         * {@code done}, or becomes FAULTED when {@code failed}; DETACHED, FAULTED and IN_USE stay.
         */
        public VolumePhase next(boolean done, boolean failed) {
            return switch (this) {
                case NEW -> CREATING;
                case CREATING -> ATTACHING;
                case ATTACHING -> RESTORING;
                case RESTORING -> failed ? FAULTED : done ? DETACHING : RESTORING;
                case DETACHING -> DETACHED;
                default -> this;
            };
        }
    }

    /** A volume condition as Longhorn reports it (type, status, reason, message). */
    public record Condition(String type, String status, String reason, String message) {
    }

    // ---------------------------------------------------------------- restore progress

    /** Restore progress in percent after {@code done} of {@code total} steps (0 to 100, rounded down; total at least 1). */
    public static int percent(int done, int total) {
        int t = Math.max(1, total);
        return (int) ((long) Math.max(0, Math.min(done, t)) * 100 / t);
    }

    // ---------------------------------------------------------------- what the webhook fills in

    /** The replica count of a new volume: {@code requested}, or {@code defaultReplicas} for 0. */
    public static int replicas(int requested, int defaultReplicas) {
        return requested == 0 ? defaultReplicas : requested;
    }

    /**
     * The access mode of a volume restored from a backup: {@code requested}, or when empty the backup's
     * {@code longhorn.io/volume-access-mode} label, else {@code rwo}.
     */
    public static String restoredAccessMode(String requested, Map<String, String> backupLabels) {
        if (requested != null && !requested.isEmpty()) {
            return requested;
        }
        return backupLabels.getOrDefault(LonghornLabels.VOLUME_ACCESS_MODE, DEFAULT_ACCESS_MODE);
    }

    /** Whether {@code key} is a recurring-job or recurring-job-group label. */
    public static boolean isRecurringJobLabel(String key) {
        return key.startsWith(LonghornLabels.RECURRING_JOB_PREFIX)
                || key.startsWith(LonghornLabels.RECURRING_JOB_GROUP_PREFIX);
    }

    /**
     * Adds the {@code default} recurring-job group to {@code labels} when no recurring-job label is there, as Longhorn
     * does for every new volume ({@code datastore.FixupRecurringJob}).
     */
    public static void addDefaultRecurringJobGroup(Map<String, String> labels) {
        if (labels.keySet().stream().noneMatch(SimulatedLonghornRules::isRecurringJobLabel)) {
            labels.put(DEFAULT_GROUP_LABEL, "enabled");
        }
    }

    /**
     * Adds to {@code labels} what Longhorn puts on a volume restored from {@code sourceVolume}'s backup: the
     * {@code backup-volume} label, and the {@code default} recurring-job group when no recurring-job label is there.
     */
    public static void addRestoredVolumeLabels(Map<String, String> labels, String sourceVolume) {
        labels.put(LonghornLabels.BACKUP_VOLUME, sourceVolume);
        addDefaultRecurringJobGroup(labels);
    }

    // ---------------------------------------------------------------- naming

    /**
     * The BackupVolume name of {@code volumeName} on {@code target}: the volume name before Longhorn 1.8 (one target),
     * {@code <volume>-<first 8 hex of sha256("<volume>-<target>")>} from 1.9.1 on.
     */
    public static String backupVolumeName(String volumeName, String target, boolean multipleTargets) {
        if (!multipleTargets) {
            return volumeName;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((volumeName + "-" + target).trim()
                    .getBytes(StandardCharsets.UTF_8));
            return volumeName + "-" + HexFormat.of().formatHex(h).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }

    // ---------------------------------------------------------------- Kubernetes' PV controller

    /**
     * A PV as the PV controller looks at it.
     *
     * @param name         PV name
     * @param claimRef     the claim it is reserved for or bound to
     * @param claimUid     the uid in its claimRef (empty: reserved by name only)
     * @param storageClass storage class ("" for none)
     * @param capacity     bytes
     * @param accessModes  offered access modes
     * @param volumeMode   {@code Filesystem} or {@code Block}
     */
    public record PvView(String name, Optional<PvcRef> claimRef, String claimUid, String storageClass, long capacity,
                         List<String> accessModes, String volumeMode) {
    }

    /**
     * A claim as the PV controller looks at it.
     *
     * @param ref          namespace and name
     * @param uid          its uid ("" when the simulator has none)
     * @param volumeName   the PV it names ({@code spec.volumeName}), if any
     * @param bound        whether it is bound already
     * @param storageClass storage class ("" for none)
     * @param requested    requested bytes
     * @param accessModes  requested access modes
     * @param volumeMode   {@code Filesystem} or {@code Block}
     */
    public record ClaimView(PvcRef ref, String uid, Optional<String> volumeName, boolean bound, String storageClass,
                            long requested, List<String> accessModes, String volumeMode) {
    }

    /** What the PV controller does with one unbound PV. */
    public sealed interface BindDecision {
        /** Binds the PV to {@code claim}. */
        record Bind(ClaimView claim) implements BindDecision { }

        /** Nothing to do: no claim asks for this PV, or the claim is bound or names another PV. */
        record Wait() implements BindDecision { }

        /** The PV is reserved (claimRef with a uid) for an earlier claim of the same name. */
        record ReservedForEarlierClaim(PvcRef claim) implements BindDecision { }

        /** The claim asking for the PV does not fit it. */
        record Misfit(ClaimView claim, String why) implements BindDecision { }
    }

    /**
     * What Kubernetes' PV controller does with the unbound {@code pv}: the claim its claimRef names (or, without a
     * claimRef, the claim whose {@code volumeName} names it) binds when it is not bound yet, names no other PV and,
     * with {@code checkFit}, fits ({@link #misfit}).
     */
    public static BindDecision decideBinding(PvView pv, Collection<ClaimView> claims, boolean checkFit) {
        Optional<ClaimView> claim;
        if (pv.claimRef().isPresent()) {
            PvcRef ref = pv.claimRef().get();
            claim = claims.stream().filter(c -> c.ref().equals(ref)).findFirst();
            if (claim.isPresent() && !pv.claimUid().isEmpty() && !pv.claimUid().equals(claim.get().uid())) {
                return new BindDecision.ReservedForEarlierClaim(ref);
            }
        } else {
            claim = claims.stream().filter(c -> c.volumeName().map(pv.name()::equals).orElse(false)).findFirst();
        }
        if (claim.isEmpty() || claim.get().bound()
                || claim.get().volumeName().filter(w -> !w.isEmpty() && !w.equals(pv.name())).isPresent()) {
            return new BindDecision.Wait();
        }
        if (checkFit) {
            Optional<String> why = misfit(pv, claim.get());
            if (why.isPresent()) {
                return new BindDecision.Misfit(claim.get(), why.get());
            }
        }
        return new BindDecision.Bind(claim.get());
    }

    /**
     * Why {@code pv} cannot serve {@code claim}, checked as Kubernetes' PV controller does for a pre-bound volume:
     * equal storage class, enough capacity, every requested access mode offered, same volume mode.
     */
    public static Optional<String> misfit(PvView pv, ClaimView claim) {
        if (!Objects.equals(pv.storageClass(), claim.storageClass())) {
            return Optional.of("storage class '" + pv.storageClass() + "' != claim's '" + claim.storageClass() + "'");
        }
        if (pv.capacity() < claim.requested()) {
            return Optional.of("capacity " + pv.capacity() + " < requested " + claim.requested());
        }
        if (!pv.accessModes().containsAll(claim.accessModes())) {
            return Optional.of("access modes " + pv.accessModes() + " do not include " + claim.accessModes());
        }
        if (!pv.volumeMode().equals(claim.volumeMode())) {
            return Optional.of("volume mode " + pv.volumeMode() + " != claim's " + claim.volumeMode());
        }
        return Optional.empty();
    }
}

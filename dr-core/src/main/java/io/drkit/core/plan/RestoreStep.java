package io.drkit.core.plan;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.PvcRef;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One planned restore: which backup goes into which Longhorn volume and PV, for which claim, and why.
 *
 * @param pvc                 the claim the data belongs to (also the step's id)
 * @param backup              the chosen backup (with its URL)
 * @param volumeName          the Longhorn volume to create (or adopt)
 * @param pvName              the PV to create, pre-bound to {@link #pvc()}
 * @param sizeBytes           volume and PV size in bytes
 * @param storageClassName    PV storage class (must equal the claim's for binding)
 * @param accessModes         PV (and claim) access modes
 * @param replicas            Longhorn replica count (0 = Longhorn's default)
 * @param reclaimPolicy       PV reclaim policy
 * @param fsType              filesystem type on the PV
 * @param staleReplicaTimeout Longhorn stale replica timeout in minutes
 * @param dataEngine          {@code v1} or {@code v2}
 * @param createPvc           whether to create the claim as well
 * @param recurringJobGroups  recurring-job groups recorded in the backup, re-applied to the restored volume
 * @param recurringJobs       recurring jobs the source volume selected directly, re-applied too
 * @param reason              why this backup was chosen, for the reviewer
 * @param notes               further facts the reviewer should know (claim missing, adopted volume, ...)
 */
public record RestoreStep(PvcRef pvc, Backup backup, String volumeName, String pvName, long sizeBytes,
                          String storageClassName, List<AccessMode> accessModes, int replicas, ReclaimPolicy reclaimPolicy,
                          String fsType, int staleReplicaTimeout, String dataEngine, boolean createPvc,
                          Set<String> recurringJobGroups, Set<String> recurringJobs, String reason, List<String> notes) {

    /** Validates and copies. */
    public RestoreStep {
        Objects.requireNonNull(pvc, "pvc");
        Objects.requireNonNull(backup, "backup");
        if (backup.url().isEmpty()) {
            throw new InvalidInputException("step " + pvc + ": backup " + backup.name() + " has no URL to restore from");
        }
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(pvName, "pvName");
        storageClassName = Objects.requireNonNullElse(storageClassName, "");
        accessModes = List.copyOf(Objects.requireNonNullElse(accessModes, List.of(AccessMode.READ_WRITE_ONCE)));
        reclaimPolicy = Objects.requireNonNullElse(reclaimPolicy, ReclaimPolicy.RETAIN);
        fsType = fsType == null || fsType.isEmpty() ? "ext4" : fsType;
        dataEngine = dataEngine == null || dataEngine.isEmpty() ? "v1" : dataEngine;
        recurringJobGroups = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNullElse(recurringJobGroups, Set.of())));
        recurringJobs = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNullElse(recurringJobs, Set.of())));
        reason = Objects.requireNonNullElse(reason, "");
        notes = List.copyOf(Objects.requireNonNullElse(notes, List.of()));
    }

    /** The step's id: the claim, {@code namespace/name}. */
    public String id() {
        return pvc.toString();
    }

    /** The backup URL to restore from ({@code fromBackup}); every step's backup has one. */
    public BackupUrl fromBackup() {
        return backup.url().orElseThrow();
    }

    /** The Longhorn volume's access mode for this step's PV ({@link AccessMode#longhornVolumeMode}). */
    public AccessMode longhornAccessMode() {
        return AccessMode.longhornVolumeMode(accessModes);
    }

    /** A builder prefilled with this step (for example to rename the volume). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder for a step restoring {@code backup} for {@code pvc}, with defaults for everything else. */
    public static Builder builder(PvcRef pvc, Backup backup) {
        return new Builder(new RestoreStep(pvc, backup, backup.volumeName(), backup.volumeName(),
                backup.volumeSize(), "", List.of(AccessMode.READ_WRITE_ONCE), 0, ReclaimPolicy.RETAIN, "ext4", 2880, "v1", false,
                Set.of(), Set.of(), "", List.of()));
    }

    /** Builds {@link RestoreStep}s. */
    public static final class Builder {
        private PvcRef pvc;
        private Backup backup;
        private String volumeName;
        private String pvName;
        private long sizeBytes;
        private String storageClassName;
        private List<AccessMode> accessModes;
        private int replicas;
        private ReclaimPolicy reclaimPolicy;
        private String fsType;
        private int staleReplicaTimeout;
        private String dataEngine;
        private boolean createPvc;
        private Set<String> recurringJobGroups;
        private Set<String> recurringJobs;
        private String reason;
        private List<String> notes;

        private Builder(RestoreStep s) {
            pvc = s.pvc;
            backup = s.backup;
            volumeName = s.volumeName;
            pvName = s.pvName;
            sizeBytes = s.sizeBytes;
            storageClassName = s.storageClassName;
            accessModes = s.accessModes;
            replicas = s.replicas;
            reclaimPolicy = s.reclaimPolicy;
            fsType = s.fsType;
            staleReplicaTimeout = s.staleReplicaTimeout;
            dataEngine = s.dataEngine;
            createPvc = s.createPvc;
            recurringJobGroups = s.recurringJobGroups;
            recurringJobs = s.recurringJobs;
            reason = s.reason;
            notes = s.notes;
        }

        /** The claim. */
        public Builder pvc(PvcRef v) {
            pvc = v;
            return this;
        }

        /** The backup. */
        public Builder backup(Backup v) {
            backup = v;
            return this;
        }

        /** Longhorn volume name. */
        public Builder volumeName(String v) {
            volumeName = v;
            return this;
        }

        /** PV name. */
        public Builder pvName(String v) {
            pvName = v;
            return this;
        }

        /** Size in bytes. */
        public Builder sizeBytes(long v) {
            sizeBytes = v;
            return this;
        }

        /** PV storage class. */
        public Builder storageClassName(String v) {
            storageClassName = v;
            return this;
        }

        /** PV access modes. */
        public Builder accessModes(List<AccessMode> v) {
            accessModes = v;
            return this;
        }

        /** Replica count. */
        public Builder replicas(int v) {
            replicas = v;
            return this;
        }

        /** Reclaim policy. */
        public Builder reclaimPolicy(ReclaimPolicy v) {
            reclaimPolicy = v;
            return this;
        }

        /** Filesystem type. */
        public Builder fsType(String v) {
            fsType = v;
            return this;
        }

        /** Stale replica timeout in minutes. */
        public Builder staleReplicaTimeout(int v) {
            staleReplicaTimeout = v;
            return this;
        }

        /** Data engine. */
        public Builder dataEngine(String v) {
            dataEngine = v;
            return this;
        }

        /** Whether to create the claim too. */
        public Builder createPvc(boolean v) {
            createPvc = v;
            return this;
        }

        /** Recurring-job groups for the restored volume. */
        public Builder recurringJobGroups(Set<String> v) {
            recurringJobGroups = v;
            return this;
        }

        /** Recurring jobs for the restored volume. */
        public Builder recurringJobs(Set<String> v) {
            recurringJobs = v;
            return this;
        }

        /** Why this backup was chosen. */
        public Builder reason(String v) {
            reason = v;
            return this;
        }

        /** Reviewer notes. */
        public Builder notes(List<String> v) {
            notes = v;
            return this;
        }

        /** Builds the step. */
        public RestoreStep build() {
            return new RestoreStep(pvc, backup, volumeName, pvName, sizeBytes, storageClassName, accessModes, replicas,
                    reclaimPolicy, fsType, staleReplicaTimeout, dataEngine, createPvc, recurringJobGroups, recurringJobs,
                    reason, notes);
        }
    }
}

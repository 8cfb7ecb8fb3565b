package io.drkit.longhorn;

import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import io.drkit.core.util.Redaction;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Longhorn volume as the REST API reports it ({@code GET /v1/volumes/{name}}), with the fields a restore needs.
 *
 * @param name                the volume name (also the CR name and the PV's {@code volumeHandle})
 * @param size                size in bytes
 * @param state               {@code creating}, {@code attaching}, {@code attached}, {@code detaching},
 *                            {@code detached}, {@code deleting}, or {@code ""} before the first reconcile
 * @param robustness          {@code healthy}, {@code degraded}, {@code faulted} or {@code unknown} (detached volumes)
 * @param ready               Longhorn's API-only readiness: false while a restore is pending, when faulted, ...
 * @param restoreRequired     true from the first reconcile of a restored volume until its restore finished
 * @param restoreInitiated    set once the restore was initialised; empty on Longhorn 1.4, whose REST API lacks it
 * @param standby             whether this is a DR (standby) volume
 * @param fromBackup          the backup URL it was restored from, empty for a volume not made from a backup
 * @param accessMode          {@code rwo} or {@code rwx}
 * @param numberOfReplicas    replica count
 * @param staleReplicaTimeout stale replica timeout in minutes
 * @param dataEngine          {@code v1}/{@code v2} (1.6+; {@code backendStoreDriver} on 1.5); empty before
 * @param backupTargetName    the target its backups go to (1.8+)
 * @param frontend            {@code blockdev}, ...
 * @param created             creation time (Longhorn prints Go's {@code time.String()} format)
 * @param restoreStatus       one entry per replica while the engine restores
 * @param controllers         the engine(s): {@code lastRestoredBackup}, {@code requestedBackupRestore}
 * @param conditions          conditions by type ({@code Restore}, {@code Scheduled}, ...)
 * @param kubernetesStatus    PV/PVC/namespace as Longhorn sees them (pre-filled from the backup on restore)
 * @param actions             names of the actions Longhorn's UI would offer in the current state
 */
public record LonghornVolume(String name, long size, String state, String robustness, boolean ready,
                             boolean restoreRequired, Optional<Boolean> restoreInitiated, boolean standby,
                             String fromBackup, String accessMode, int numberOfReplicas, int staleReplicaTimeout,
                             Optional<String> dataEngine, Optional<String> backupTargetName, String frontend,
                             Optional<Instant> created, List<RestoreStatus> restoreStatus, List<Controller> controllers,
                             Map<String, Condition> conditions, KubernetesStatus kubernetesStatus, Set<String> actions) {

    /** The {@code Restore} condition type. */
    public static final String CONDITION_RESTORE = "Restore";
    /** The reason Longhorn gives when every replica failed to restore. */
    public static final String REASON_RESTORE_FAILURE = "RestoreFailure";

    /**
     * Restore progress of one replica.
     *
     * @param replica      replica name
     * @param isRestoring  whether it is restoring now
     * @param lastRestored the backup it restored last
     * @param progress     0-100
     * @param state        {@code in_progress}, {@code complete} or {@code error}
     * @param error        error text, if any
     * @param filename     the file being restored
     * @param backupUrl    the backup URL being restored
     */
    public record RestoreStatus(String replica, boolean isRestoring, String lastRestored, int progress, String state,
                                String error, String filename, String backupUrl) {
        /** Replaces nulls. */
        public RestoreStatus {
            replica = Objects.requireNonNullElse(replica, "");
            lastRestored = Objects.requireNonNullElse(lastRestored, "");
            state = Objects.requireNonNullElse(state, "");
            error = Objects.requireNonNullElse(error, "");
            filename = Objects.requireNonNullElse(filename, "");
            backupUrl = Objects.requireNonNullElse(backupUrl, "");
        }

        /** Masks password-like URL options. */
        @Override
        public String toString() {
            return "RestoreStatus[replica=" + replica + ", isRestoring=" + isRestoring + ", progress=" + progress
                    + ", state=" + state + (error.isEmpty() ? "" : ", error=" + error) + ", backupUrl="
                    + Redaction.url(backupUrl) + "]";
        }
    }

    /**
     * The volume's engine as the REST API shows it.
     *
     * @param name                   engine name
     * @param nodeId                 node it runs on
     * @param running                whether it runs
     * @param endpoint               block device or iSCSI endpoint
     * @param lastRestoredBackup     the backup it restored last
     * @param requestedBackupRestore the backup it was asked to restore
     */
    public record Controller(String name, String nodeId, boolean running, String endpoint, String lastRestoredBackup,
                             String requestedBackupRestore) {
        /** Replaces nulls. */
        public Controller {
            name = Objects.requireNonNullElse(name, "");
            nodeId = Objects.requireNonNullElse(nodeId, "");
            endpoint = Objects.requireNonNullElse(endpoint, "");
            lastRestoredBackup = Objects.requireNonNullElse(lastRestoredBackup, "");
            requestedBackupRestore = Objects.requireNonNullElse(requestedBackupRestore, "");
        }
    }

    /**
     * One volume condition.
     *
     * @param type               e.g. {@code Restore}
     * @param status             {@code True}, {@code False} or {@code Unknown}
     * @param reason             e.g. {@code RestoreInProgress}, {@code RestoreFailure}
     * @param message            human text
     * @param lastTransitionTime when the status last changed (as Longhorn prints it)
     */
    public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {
        /** Replaces nulls. */
        public Condition {
            type = Objects.requireNonNullElse(type, "");
            status = Objects.requireNonNullElse(status, "");
            reason = Objects.requireNonNullElse(reason, "");
            message = Objects.requireNonNullElse(message, "");
            lastTransitionTime = Objects.requireNonNullElse(lastTransitionTime, "");
        }
    }

    /** Validates and copies. */
    public LonghornVolume {
        Objects.requireNonNull(name, "name");
        state = Objects.requireNonNullElse(state, "");
        robustness = Objects.requireNonNullElse(robustness, "");
        restoreInitiated = Objects.requireNonNullElse(restoreInitiated, Optional.empty());
        fromBackup = Objects.requireNonNullElse(fromBackup, "");
        accessMode = Objects.requireNonNullElse(accessMode, "");
        dataEngine = Objects.requireNonNullElse(dataEngine, Optional.<String>empty()).filter(s -> !s.isEmpty());
        backupTargetName = Objects.requireNonNullElse(backupTargetName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        frontend = Objects.requireNonNullElse(frontend, "");
        created = Objects.requireNonNullElse(created, Optional.empty());
        restoreStatus = List.copyOf(Objects.requireNonNullElse(restoreStatus, List.of()));
        controllers = List.copyOf(Objects.requireNonNullElse(controllers, List.of()));
        conditions = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(conditions, Map.of())));
        kubernetesStatus = Objects.requireNonNullElse(kubernetesStatus,
                new KubernetesStatus("", "", "", "", "", List.of(), ""));
        actions = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNullElse(actions, Set.of())));
    }

    /** Whether Longhorn considers the volume faulted (all replicas failed). */
    public boolean isFaulted() {
        return "faulted".equals(robustness);
    }

    /** The {@code Restore} condition, if Longhorn set one. */
    public Optional<Condition> restoreCondition() {
        return Optional.ofNullable(conditions.get(CONDITION_RESTORE));
    }

    /** Whether the restore failed for good: the volume is faulted or its {@code Restore} condition says {@code RestoreFailure}. */
    public boolean restoreFailed() {
        return isFaulted() || restoreCondition().map(c -> REASON_RESTORE_FAILURE.equals(c.reason())).orElse(false);
    }

    /** Whether the volume was made from a backup. */
    public boolean isFromBackup() {
        return !fromBackup.isEmpty();
    }

    /** The mean restore progress of the replicas in [0, 1], empty when no replica reports progress. */
    public OptionalDouble restoreProgress() {
        return restoreStatus.stream().mapToInt(RestoreStatus::progress).average().stream()
                .map(p -> Math.max(0, Math.min(100, p)) / 100.0).findFirst();
    }

    /** The PV Longhorn knows for this volume ({@code kubernetesStatus.pvName}), if any. */
    public Optional<String> pvName() {
        return Optional.of(kubernetesStatus.pvName()).filter(s -> !s.isEmpty());
    }

    /**
     * The claim the volume's PV is bound to now, if any: Longhorn fills namespace and name once the PV is
     * {@code Bound} and clears {@code lastPVCRefAt} while the claim exists. (A restored volume starts with the
     * original claim pre-filled and {@code lastPVCRefAt} set, which is history, not a binding.)
     */
    public Optional<PvcRef> boundClaim() {
        KubernetesStatus ks = kubernetesStatus;
        if (ks.pvcName().isEmpty() || ks.namespace().isEmpty() || !ks.lastPvcRefAt().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PvcRef.of(ks.namespace(), ks.pvcName()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Readable, with the backup URL's password-like options masked. */
    @Override
    public String toString() {
        return "LonghornVolume[name=" + name + ", size=" + size + ", state=" + state + ", robustness=" + robustness
                + ", ready=" + ready + ", restoreRequired=" + restoreRequired
                + ", restoreInitiated=" + restoreInitiated.map(String::valueOf).orElse("n/a")
                + ", fromBackup=" + Redaction.url(fromBackup) + ", restoreStatus=" + restoreStatus
                + ", kubernetesStatus=" + kubernetesStatus + "]";
    }
}

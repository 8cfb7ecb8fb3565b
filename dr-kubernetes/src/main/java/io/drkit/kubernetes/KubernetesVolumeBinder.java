package io.drkit.kubernetes;

import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.Creation;
import io.drkit.core.bind.StepOperations;
import io.drkit.core.bind.StepState;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.plan.RestoreStep;
import io.drkit.kubernetes.internal.BackupSync;
import io.drkit.kubernetes.internal.BinderSettings;
import io.drkit.kubernetes.internal.ClientHandle;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.PvManifests;
import io.drkit.kubernetes.internal.RestoreWaiter;
import io.drkit.kubernetes.internal.StepFindings;
import io.drkit.kubernetes.internal.Updates;
import io.drkit.kubernetes.internal.VolumeCr;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link io.drkit.core.bind.VolumeBinder} that restores through Longhorn's CRDs with a Kubernetes client, for a
 * restore Job running with a service account inside a rebuilt cluster: the {@link StepOperations} of dr-core's step
 * engine, which decides what to do, in which order, and the outcome. The operations:
 * <ol>
 *   <li>read what exists (volume, PV, other PVs of the volume, claim), once per step, and name a conflict (the engine
 *       refuses with a {@link ConflictException}, changing nothing) when a volume of the same name comes from another
 *       source, a PV is bound elsewhere, or the claim is bound elsewhere or could never bind to the restored PV
 *       (storage class, size, access modes);</li>
 *   <li>makes sure Longhorn knows the backup: requests a sync ({@code spec.syncRequestedAt} on the BackupVolume or
 *       BackupTarget) and waits for the Backup CR, because Longhorn's webhook rejects a {@code fromBackup} it does not
 *       know, and after a rebuild Longhorn may not have polled the target yet;</li>
 *   <li>creates the {@code Volume} CR: {@code fromBackup}, {@code size} as a byte string, {@code frontend: blockdev},
 *       replicas, access mode, data engine, stale replica timeout, and the step's recurring-job group and job labels
 *       so that backups continue after the restore;</li>
 *   <li>watches it (with a periodic re-read) until {@code restoreInitiated && !restoreRequired && state == detached &&
 *       robustness != faulted}, reporting progress from the Engine CR, failing on {@code faulted}/{@code RestoreFailure};</li>
 *   <li>creates the PV as Longhorn's {@code pvCreate} does (CSI {@code driver.longhorn.io}, handle = volume name,
 *       fsType, the same volume attributes), with the step's reclaim policy and storage class and a {@code claimRef} to
 *       the step's claim, so Kubernetes binds it to that claim whether GitOps creates the claim before or after;</li>
 *   <li>adds the {@code claimRef} to an existing Longhorn PV of the volume that has none;</li>
 *   <li>creates the claim ({@code volumeName} set) when the step asks.</li>
 * </ol>
 * 409 answers (a concurrent creator, a stale resourceVersion) are resolved by reading again. Kubernetes errors surface
 * as dr-core exceptions naming the object and HTTP status. Thread-safe; meant to be shared by the executor's parallel
 * steps.
 *
 * <p>RBAC: see {@link RbacManifest}.
 */
public final class KubernetesVolumeBinder implements StepOperations<KubernetesVolumeBinder.State> {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesVolumeBinder.class);

    private final ClientHandle handle;
    private final BinderSettings settings;
    private final BackupSync sync;
    private final RestoreWaiter waiter;

    private KubernetesVolumeBinder(Builder b) {
        this.settings = new BinderSettings(b.namespace, b.backupTarget, b.pollInterval, b.resyncInterval, b.syncTimeout,
                b.requestSync, Optional.ofNullable(b.restoreTimeout), b.cryptoSecretNamespace, b.cryptoSecretName);
        this.handle = ClientHandle.of(b.client, b.requestTimeout);
        this.sync = new BackupSync(handle.client(), settings, b.clock);
        this.waiter = new RestoreWaiter(handle.client(), settings, b.clock);
    }

    /** A builder; without {@link Builder#client} the default kubeconfig / in-cluster configuration is used. */
    public static Builder builder() {
        return new Builder();
    }

    /** A binder over {@code client} (never closed by the binder) with default options. */
    public static KubernetesVolumeBinder create(KubernetesClient client) {
        return builder().client(client).build();
    }

    @Override
    public String describe() {
        return "Longhorn CRDs in " + settings.namespace() + " at " + handle.masterUrl();
    }

    /**
     * What exists for one step: the Longhorn volume, the PV, other PVs of the same volume and the claim, read once
     * (one GET each and one PV list).
     */
    public static final class State implements StepState {
        private final StepFindings found;

        private State(StepFindings found) {
            this.found = found;
        }

        @Override
        public Optional<String> conflict() {
            return found.conflict();
        }

        @Override
        public VolumeFinding volume() {
            return found.volumeFinding();
        }

        @Override
        public PvFinding pv() {
            return found.pvFinding();
        }

        @Override
        public boolean claimExists() {
            return found.claim().isPresent();
        }

        @Override
        public String describe() {
            return found.describe();
        }

        @Override
        public String toString() {
            return "KubernetesVolumeBinder.State[" + describe() + "]";
        }
    }

    @Override
    public Class<State> stateType() {
        return State.class;
    }

    @Override
    public State read(RestoreStep step) {
        return new State(StepFindings.read(handle.client(), settings.namespace(), step));
    }

    @Override
    public void ensureBackupKnown(RestoreStep step, BindContext ctx) {
        sync.ensureKnown(step, ctx);
    }

    @Override
    public State awaitRestore(RestoreStep step, State state, BindContext ctx) {
        return new State(state.found.withVolume(waiter.await(step, ctx)));
    }

    @Override
    public Creation createPv(RestoreStep step, State state, BindContext ctx) {
        VolumeCr volume = restoredVolume(step, state);
        return createPv(step, volume) ? Creation.createdNow("pre-bound to it by claimRef")
                : Creation.foundConcurrently();
    }

    @Override
    public boolean preparePv(RestoreStep step, State state, BindContext ctx) {
        reservePv(step);
        return true;
    }

    @Override
    public Creation createPvc(RestoreStep step, State state, BindContext ctx) {
        return createPvc(step, restoredVolume(step, state)) ? Creation.createdNow()
                : Creation.foundConcurrently();
    }

    private VolumeCr restoredVolume(RestoreStep step, State state) {
        return state.found.volume().orElseThrow(() -> new DrException("volume " + settings.namespace() + "/"
                + step.volumeName() + " is missing after its restore"));
    }

    /** Closes the client if this binder built it; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    // ---------------------------------------------------------------- steps

    private Optional<VolumeCr> readVolume(RestoreStep step) {
        String ns = settings.namespace();
        GenericKubernetesResource r = KubeErrors.call("get Volume " + ns + "/" + step.volumeName(), () ->
                handle.client().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(ns).withName(step.volumeName()).get());
        return Optional.ofNullable(r).map(VolumeCr::of);
    }

    /** The Volume CR for the step (longhorn-api.md §5.1, CR path). */
    GenericKubernetesResource volumeManifest(RestoreStep step) {
        GenericKubernetesResource v = Cr.create(Longhorn.VOLUMES, settings.namespace(), step.volumeName());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Longhorn.LABEL_MANAGED_BY, Longhorn.MANAGED_BY);
        step.recurringJobGroups().forEach(g -> labels.put(LonghornLabels.RECURRING_JOB_GROUP_PREFIX + g, Longhorn.ENABLED));
        step.recurringJobs().forEach(j -> labels.put(LonghornLabels.RECURRING_JOB_PREFIX + j, Longhorn.ENABLED));
        v.getMetadata().setLabels(labels);
        v.getMetadata().setAnnotations(new LinkedHashMap<>(Map.of(Longhorn.ANNOTATION_PVC, step.id(),
                Longhorn.ANNOTATION_BACKUP, step.backup().name())));
        Map<String, Object> spec = Cr.section(v, "spec");
        long size = step.sizeBytes() > 0 ? step.sizeBytes() : step.backup().volumeSize();
        spec.put("size", Long.toString(size));
        spec.put("fromBackup", step.fromBackup().url());
        spec.put("numberOfReplicas", step.replicas());
        spec.put("frontend", "blockdev");
        spec.put("accessMode", step.longhornAccessMode().longhornName());
        spec.put("dataEngine", step.dataEngine());
        spec.put("staleReplicaTimeout", step.staleReplicaTimeout());
        return v;
    }

    /**
     * Creates the volume; found concurrently when someone else created the same volume (409 with a matching source).
     * A webhook denial because Longhorn lost track of the backup in between leads back to the sync wait, a few times.
     */
    @Override
    public Creation createVolume(RestoreStep step, BindContext ctx) {
        String ns = settings.namespace();
        String what = "create Volume " + ns + "/" + step.volumeName();
        var op = handle.client().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(ns);
        for (int attempt = 1; ; attempt++) {
            try {
                LOG.debug("{} (fromBackup {})", what, step.backup().name());
                op.resource(volumeManifest(step)).create();
                return Creation.createdNow();
            } catch (KubernetesClientException e) {
                if (KubeErrors.isConflict(e)) {
                    VolumeCr existing = readVolume(step).orElseThrow(() -> KubeErrors.translate(what, e));
                    Optional<String> c = StepFindings.volumeConflict(existing, step);
                    if (c.isPresent()) {
                        throw new ConflictException(step.id() + ": " + c.get() + " (created concurrently); nothing was changed", e);
                    }
                    return Creation.foundConcurrently();
                }
                boolean denied = (e.getCode() == 400 || e.getCode() == 422) && String.valueOf(e.getMessage()).contains("cannot get backup");
                if (denied && attempt < 3) {
                    LOG.debug("{}: Longhorn's webhook does not know the backup yet; waiting for a sync", what);
                    ctx.progress(-1, "Longhorn's webhook rejected the volume: " + e.getStatus().getMessage());
                    sync.ensureKnown(step, ctx, false);
                    ctx.sleep(settings.pollInterval(), "retry of " + what);
                    continue;
                }
                throw KubeErrors.translate(what, e);
            }
        }
    }

    /** Creates the PV; false when an identical one appeared concurrently. */
    private boolean createPv(RestoreStep step, VolumeCr volume) {
        String what = "create PersistentVolume " + step.pvName();
        PersistentVolume pv = PvManifests.pv(step, volume,
                new String[] {settings.cryptoSecretNamespace(), settings.cryptoSecretName()});
        try {
            LOG.debug("{} for volume {} pre-bound to {}", what, volume.name(), step.id());
            handle.client().persistentVolumes().resource(pv).create();
            return true;
        } catch (KubernetesClientException e) {
            if (!KubeErrors.isConflict(e)) {
                throw KubeErrors.translate(what, e);
            }
            PersistentVolume existing = KubeErrors.call("get PersistentVolume " + step.pvName(),
                    () -> handle.client().persistentVolumes().withName(step.pvName()).get());
            if (existing == null) {
                throw KubeErrors.translate(what, e);
            }
            Optional<String> c = StepFindings.pvConflict(existing, step, Optional.empty());
            if (c.isPresent() || existing.getSpec().getClaimRef() == null) {
                throw new ConflictException(step.id() + ": " + c.orElse("PV " + step.pvName()
                        + " was created concurrently without a claimRef") + "; the PV was not changed", e);
            }
            return false;
        }
    }

    /** Adds the claimRef to an existing, unclaimed Longhorn PV of this volume (what pvcCreate does implicitly). */
    private void reservePv(RestoreStep step) {
        var op = handle.client().persistentVolumes();
        Updates.update("reserve PersistentVolume " + step.pvName() + " for " + step.id(),
                () -> op.withName(step.pvName()).get(), pv -> op.resource(pv).update(), pv -> {
                    Optional<String> c = StepFindings.pvConflict(pv, step, Optional.empty());
                    if (c.isPresent()) {
                        throw new ConflictException(step.id() + ": " + c.get() + "; the PV was not changed");
                    }
                    if (pv.getSpec().getClaimRef() != null) {
                        return Optional.empty();
                    }
                    pv.getSpec().setClaimRef(new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
                            .withNamespace(step.pvc().namespace()).withName(step.pvc().name()).build());
                    return Optional.of(pv);
                });
    }

    /** Creates the claim; false when a compatible claim appeared concurrently. */
    private boolean createPvc(RestoreStep step, VolumeCr volume) {
        String what = "create PersistentVolumeClaim " + step.id();
        PersistentVolumeClaim pvc = PvManifests.pvc(step, volume);
        var op = handle.client().persistentVolumeClaims().inNamespace(step.pvc().namespace());
        try {
            LOG.debug("{} bound to PV {}", what, step.pvName());
            op.resource(pvc).create();
            return true;
        } catch (KubernetesClientException e) {
            if (!KubeErrors.isConflict(e)) {
                throw KubeErrors.translate(what, e);
            }
            PersistentVolumeClaim existing = KubeErrors.call("get PersistentVolumeClaim " + step.id(),
                    () -> op.withName(step.pvc().name()).get());
            if (existing == null) {
                throw KubeErrors.translate(what, e);
            }
            Optional<String> c = StepFindings.pvcConflict(existing, step, PvManifests.size(step, volume));
            if (c.isPresent()) {
                throw new ConflictException(step.id() + ": " + c.get() + " (created concurrently); the claim was not changed", e);
            }
            return false;
        }
    }

    /** Builds {@link KubernetesVolumeBinder}s. */
    public static final class Builder {
        private KubernetesClient client;
        private String namespace = Longhorn.DEFAULT_NAMESPACE;
        private String backupTarget = Longhorn.DEFAULT_BACKUP_TARGET;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration resyncInterval = Duration.ofSeconds(30);
        private Duration syncTimeout = Duration.ofMinutes(10);
        private boolean requestSync = true;
        private Duration restoreTimeout;
        private String cryptoSecretNamespace = Longhorn.DEFAULT_NAMESPACE;
        private String cryptoSecretName = "longhorn-crypto";
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The client to use (never closed by the binder); default: one from kubeconfig / in-cluster config. */
        public Builder client(KubernetesClient c) {
            this.client = c;
            return this;
        }

        /** Longhorn's namespace (default {@code longhorn-system}). */
        public Builder namespace(String ns) {
            this.namespace = Objects.requireNonNull(ns, "namespace");
            return this;
        }

        /** The backup target whose sync is requested when a backup volume is not known yet (default {@code default}). */
        public Builder backupTarget(String name) {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("backup target name is empty");
            }
            this.backupTarget = name;
            return this;
        }

        /** Request timeout of the client the binder builds itself (default 30 s; ignored with {@link #client}). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "request timeout");
            return this;
        }

        /** How often waits re-check: backup sync and restore progress (default 2 s). */
        public Builder pollInterval(Duration d) {
            this.pollInterval = positive(d, "poll interval");
            return this;
        }

        /**
         * How often a watched volume is re-read even without watch events, and a sync request is repeated while waiting
         * for a backup (default 30 s).
         */
        public Builder resyncInterval(Duration d) {
            this.resyncInterval = positive(d, "resync interval");
            return this;
        }

        /** How long to wait for Longhorn to know a backup before failing the step (default 10 min). */
        public Builder syncTimeout(Duration d) {
            this.syncTimeout = positive(d, "sync timeout");
            return this;
        }

        /** Whether to request syncs, or only wait for Longhorn's own poll of the backup target (default true). */
        public Builder requestSync(boolean on) {
            this.requestSync = on;
            return this;
        }

        /** Cap on the wait for one restore (default: none, the step's deadline applies). */
        public Builder restoreTimeout(Duration d) {
            this.restoreTimeout = positive(d, "restore timeout");
            return this;
        }

        /** Secret referenced by PVs of encrypted volumes (default {@code longhorn-system/longhorn-crypto}, as pvCreate). */
        public Builder encryptionSecret(String namespace, String name) {
            this.cryptoSecretNamespace = Objects.requireNonNull(namespace, "namespace");
            this.cryptoSecretName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Clock for waits (tests). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException(what + " must be positive, got " + d);
            }
            return d;
        }

        /** Builds the binder. */
        public KubernetesVolumeBinder build() {
            return new KubernetesVolumeBinder(this);
        }
    }
}

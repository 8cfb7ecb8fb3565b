package io.drkit.longhorn;

import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.Creation;
import io.drkit.core.bind.StepOperations;
import io.drkit.core.bind.StepState.PvFinding;
import io.drkit.core.bind.StepState.Snapshot;
import io.drkit.core.bind.StepState.VolumeFinding;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.util.Redaction;
import io.drkit.longhorn.internal.RestoreCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link io.drkit.core.bind.VolumeBinder} that carries out restore steps through Longhorn's REST API: the
 * {@link StepOperations} of dr-core's step engine. It creates the volume from the backup URL, waits until Longhorn has
 * restored it, then has Longhorn create the PersistentVolume ({@code pvCreate}) and, when the step asks, the claim
 * ({@code pvcCreate}); the engine decides what to do, in which order, and the outcome.
 *
 * <p>What the operations see and do:
 * <ul>
 *   <li><b>Pre-flight</b> (one {@code GET /v1/volumes} per step): the volume by name and its {@code fromBackup} (same backup = compare {@code backup=} and
 *       {@code volume=} of the URL), and PV/PVC bindings as Longhorn reports them in every volume's
 *       {@code kubernetesStatus}. A volume of the same name from another source, a PV name used by another Longhorn
 *       volume, or the claim bound to another Longhorn PV is a conflict: nothing is changed.</li>
 *   <li><b>Backup not known yet</b>: Longhorn restores only backups it has listed from its target. The binder checks
 *       first and, when needed (or when Longhorn answers {@code cannot get backup}), asks for a sync where the server
 *       supports it (1.6.2+) and waits, with progress, up to {@link Builder#backupSyncTimeout}.</li>
 *   <li><b>Restore</b>: done when {@code restoreRequired} is false and the volume detached again, not faulted, and
 *       {@code restoreInitiated} is true where the API reports it (1.5+; it is missing on 1.4). Progress comes from
 *       {@code restoreStatus[]}; a faulted volume or a {@code RestoreFailure} condition fails the step at once.</li>
 *   <li><b>PV and PVC</b>: {@code pvCreate} with the step's PV name, filesystem and storage class (the class is
 *       ignored by Longhorn 1.4, which uses its {@code default-longhorn-static-storage-class}), then a wait for
 *       {@code kubernetesStatus.pvStatus} {@code Available} (also for an existing PV not yet reported so), then
 *       {@code pvcCreate} if the step asks.</li>
 *   <li><b>Recurring jobs</b>: the step's groups and jobs go into {@code recurringJobSelector} on create (and are
 *       added to an adopted volume that lacks them), so the restored volume keeps being backed up.</li>
 * </ul>
 *
 * <p><b>Difference from the Kubernetes binder</b>: Longhorn's {@code pvCreate} makes a PV <em>without</em>
 * {@code claimRef}, and the REST API cannot set one. When the step creates the claim, {@code pvcCreate} binds it by
 * {@code spec.volumeName}. When the claim comes from elsewhere (GitOps), the PV stays {@code Available} until a claim
 * binds it: give that claim {@code spec.volumeName: <pv>} (or use the Kubernetes binder, which pre-binds the PV to
 * the claim), otherwise any matching claim of the same storage class could take it. Likewise only claims bound to
 * Longhorn PVs are visible to this binder's conflict check.
 *
 * <p>Thread-safe; {@link #close()} closes the client only when asked to ({@link Builder#closeClient(boolean)}).
 */
public final class LonghornVolumeBinder implements StepOperations<Snapshot> {
    private static final Logger LOG = LoggerFactory.getLogger(LonghornVolumeBinder.class);
    private static final Set<String> PV_USABLE = Set.of("Available", "Bound");

    private final LonghornClient client;
    private final Duration pollInterval;
    private final Duration syncInterval;
    private final Duration backupSyncTimeout;
    private final Duration kubernetesStatusTimeout;
    private final int replicaErrorPolls;
    private final boolean closeClient;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LonghornVolumeBinder(Builder b) {
        this.client = b.client;
        this.pollInterval = b.pollInterval;
        this.syncInterval = b.syncInterval;
        this.backupSyncTimeout = b.backupSyncTimeout;
        this.kubernetesStatusTimeout = b.kubernetesStatusTimeout;
        this.replicaErrorPolls = b.replicaErrorPolls;
        this.closeClient = b.closeClient;
    }

    /** A binder with default timings over {@code client}, which stays open. */
    public static LonghornVolumeBinder create(LonghornClient client) {
        return builder(client).build();
    }

    /** A builder over {@code client}. */
    public static Builder builder(LonghornClient client) {
        return new Builder(client);
    }

    @Override
    public String describe() {
        return "Longhorn REST API at " + client.baseUrl();
    }

    // ------------------------------------------------------------------ state

    @Override
    public Class<Snapshot> stateType() {
        return Snapshot.class;
    }

    /**
     * What exists for the step, from one {@code GET /v1/volumes}: the step's volume, if any, and what Longhorn's
     * {@code kubernetesStatus} of every volume says about the step's PV and claim.
     */
    @Override
    public Snapshot read(RestoreStep step) {
        ensureOpen();
        List<LonghornVolume> all = client.listVolumes();
        LonghornVolume vol = all.stream().filter(v -> v.name().equals(step.volumeName())).findFirst().orElse(null);
        return snapshot(step, conflict(step, vol, all), vol);
    }

    /** The findings for {@code step} from its volume ({@code null}: none) as Longhorn reports it. */
    private static Snapshot snapshot(RestoreStep step, String conflict, LonghornVolume vol) {
        if (vol == null) {
            return new Snapshot(conflict, VolumeFinding.ABSENT, PvFinding.ABSENT, false,
                    "no Longhorn volume " + step.volumeName() + " yet");
        }
        RestoreCheck.Result r = RestoreCheck.evaluate(vol);
        PvFinding pv = vol.pvName().isEmpty() ? PvFinding.ABSENT
                : PV_USABLE.contains(vol.kubernetesStatus().pvStatus()) ? PvFinding.READY : PvFinding.NOT_READY;
        boolean claim = vol.boundClaim().map(step.pvc()::equals).orElse(false);
        String detail = switch (r.phase()) {
            case DONE -> "Longhorn volume " + vol.name() + " restored from " + describeBackup(step.fromBackup())
                    + "; PV " + step.pvName() + (vol.pvName().isPresent() ? " " + vol.kubernetesStatus().pvStatus()
                    : " missing") + vol.boundClaim().map(c -> " (claim " + c + ")").orElse("")
                    + (step.createPvc() && !claim ? ", claim " + step.pvc() + " missing" : "");
            case FAILED -> r.detail() + "; delete the volume in Longhorn before retrying";
            default -> r.detail();
        };
        return new Snapshot(conflict, r.phase() == RestoreCheck.Phase.DONE ? VolumeFinding.RESTORED
                : VolumeFinding.RESTORING, pv, claim, detail);
    }

    /** Why the step must not run, from Longhorn's view of every volume, or "". */
    private static String conflict(RestoreStep step, LonghornVolume vol, List<LonghornVolume> all) {
        BackupUrl want = step.fromBackup();
        if (vol != null) {
            if (!vol.isFromBackup()) {
                return "Longhorn volume " + vol.name() + " exists and was not restored from a backup; the step"
                        + " wants it restored from " + describeBackup(want);
            }
            if (!want.sameBackupAs(vol.fromBackup())) {
                return "Longhorn volume " + vol.name() + " exists and was restored from "
                        + describeBackup(vol.fromBackup()) + ", not from " + describeBackup(want);
            }
            if (vol.standby()) {
                return "Longhorn volume " + vol.name() + " is a disaster-recovery (standby) volume of that"
                        + " backup; activate it in Longhorn, or restore under another name";
            }
            if (vol.pvName().isPresent() && !vol.pvName().get().equals(step.pvName())) {
                return "Longhorn volume " + vol.name() + " already has PV " + vol.pvName().get()
                        + "; the step wants PV " + step.pvName();
            }
            if (vol.boundClaim().isPresent() && !vol.boundClaim().get().equals(step.pvc())) {
                return "the PV of Longhorn volume " + vol.name() + " is bound to claim " + vol.boundClaim().get()
                        + ", not " + step.pvc();
            }
        }
        for (LonghornVolume other : all) {
            if (other.name().equals(step.volumeName())) {
                continue;
            }
            if (other.pvName().map(step.pvName()::equals).orElse(false)) {
                return "PV " + step.pvName() + " already exists for Longhorn volume " + other.name();
            }
            if (other.boundClaim().map(step.pvc()::equals).orElse(false)) {
                return "claim " + step.pvc() + " is bound to PV " + other.pvName().orElse("?")
                        + " of Longhorn volume " + other.name();
            }
        }
        return "";
    }

    // ------------------------------------------------------------------ operations

    @Override
    public void ensureBackupKnown(RestoreStep step, BindContext ctx) {
        ensureBackupKnown(step, step.fromBackup(), ctx, false);
    }

    @Override
    public Creation createVolume(RestoreStep step, BindContext ctx) {
        return createVolume(step, step.fromBackup(), ctx);
    }

    @Override
    public List<String> adoptVolume(RestoreStep step, Snapshot state, BindContext ctx) {
        List<String> changes = new ArrayList<>();
        ensureRecurringJobs(step, changes);
        return changes;
    }

    @Override
    public Snapshot awaitRestore(RestoreStep step, Snapshot state, BindContext ctx) {
        return snapshot(step, state.conflictReason(), awaitRestore(step, step.fromBackup(), ctx));
    }

    @Override
    public Creation createPv(RestoreStep step, Snapshot state, BindContext ctx) {
        ServerCapabilities caps = client.capabilities();
        createPv(step, caps, ctx);
        awaitPvStatus(step, ctx);
        String sc = caps.pvCreateStorageClass() ? "storage class " + step.storageClassName()
                : "storage class from Longhorn's default-longhorn-static-storage-class setting: Longhorn "
                + caps.versionRange() + " cannot set one";
        return Creation.createdNow("through Longhorn, " + sc + "; it has no claimRef");
    }

    @Override
    public boolean preparePv(RestoreStep step, Snapshot state, BindContext ctx) {
        awaitPvStatus(step, ctx);
        return false;
    }

    @Override
    public Creation createPvc(RestoreStep step, Snapshot state, BindContext ctx) {
        return createPvc(step, ctx) ? Creation.createdNow() : Creation.foundConcurrently();
    }

    // ------------------------------------------------------------------ backup sync

    /**
     * Makes sure Longhorn knows the step's backup (its Backup and BackupVolume resources exist and the backup is
     * complete); otherwise asks for a sync where supported and waits.
     *
     * @param retrying true when Longhorn just refused the create; then phases are not reported again
     */
    private void ensureBackupKnown(RestoreStep step, BackupUrl url, BindContext ctx, boolean retrying) {
        BackupWaiter waiter = new BackupWaiter(client, pollInterval, syncInterval);
        String target = waiter.targetOf(url);
        if (!retrying && waiter.known(url, target).isPresent()) {
            return;
        }
        String what = "backup " + url.backupName() + " of volume " + url.volumeName();
        if (!retrying) {
            ctx.phase(BindPhase.WAIT_FOR_BACKUP, "Longhorn does not know " + what + " yet; " + waiter.how());
        } else {
            ctx.progress(-1, "Longhorn refused to restore " + what + " because it does not know it yet; " + waiter.how());
        }
        String wait = "Longhorn learning " + what;
        ctx.checkpoint(wait);
        waiter.await(url, target, backupSyncTimeout, step.id() + ": ", d -> ctx.progress(-1, d),
                d -> ctx.sleep(d, wait));
        ctx.progress(1.0, "Longhorn knows " + what);
    }

    // ------------------------------------------------------------------ volume

    private Creation createVolume(RestoreStep step, BackupUrl url, BindContext ctx) {
        long size = step.backup().volumeSize() > 0 ? step.backup().volumeSize() : step.sizeBytes();
        VolumeCreateRequest req = VolumeCreateRequest.builder(step.volumeName())
                .fromBackup(url.url())
                .size(size)
                .numberOfReplicas(step.replicas())
                .accessMode(step.longhornAccessMode().longhornName()) // rwo or rwx: all Longhorn 1.4-1.9 know
                .dataEngine(step.dataEngine())
                .staleReplicaTimeout(step.staleReplicaTimeout())
                .recurringJobs(selectors(step))
                .build();
        for (int attempt = 1; ; attempt++) {
            ctx.checkpoint("creating Longhorn volume " + step.volumeName());
            try {
                client.createVolume(req);
                return Creation.createdNow();
            } catch (LonghornNotFoundException e) {
                if (!e.isBackupNotSynced() || attempt >= 3) {
                    throw e;
                }
                ensureBackupKnown(step, url, ctx, true);
            } catch (LonghornConflictException e) {
                LonghornVolume existing = client.findVolume(step.volumeName()).orElseThrow(() -> e);
                if (existing.isFromBackup() && url.sameBackupAs(existing.fromBackup())) {
                    return Creation.foundConcurrently();
                }
                throw new ConflictException(step.id() + ": Longhorn volume " + step.volumeName()
                        + " appeared meanwhile from " + describeBackup(existing.fromBackup()), e);
            } catch (LonghornUnavailableException e) {
                // the create may have happened before the connection broke: look before giving up
                Optional<LonghornVolume> existing = client.findVolume(step.volumeName());
                if (existing.isPresent() && existing.get().isFromBackup()
                        && url.sameBackupAs(existing.get().fromBackup())) {
                    LOG.debug("volume {} exists after a failed create call: {}", step.volumeName(), e.getMessage());
                    return Creation.createdNow(); // ours: the answer was lost
                }
                throw e;
            }
        }
    }

    private static List<RecurringJobSelector> selectors(RestoreStep step) {
        List<RecurringJobSelector> out = new ArrayList<>();
        step.recurringJobGroups().forEach(g -> out.add(RecurringJobSelector.group(g)));
        step.recurringJobs().forEach(j -> out.add(RecurringJobSelector.job(j)));
        return out;
    }

    private boolean ensureRecurringJobs(RestoreStep step, List<String> actions) {
        List<RecurringJobSelector> wanted = selectors(step);
        if (wanted.isEmpty()) {
            return false;
        }
        List<RecurringJobSelector> have = client.listVolumeRecurringJobs(step.volumeName());
        boolean changed = false;
        for (RecurringJobSelector s : wanted) {
            if (!have.contains(s)) {
                client.addVolumeRecurringJob(step.volumeName(), s);
                actions.add("added recurring " + (s.isGroup() ? "group " : "job ") + s.name() + " to volume "
                        + step.volumeName());
                changed = true;
            }
        }
        return changed;
    }

    private LonghornVolume awaitRestore(RestoreStep step, BackupUrl url, BindContext ctx) {
        AtomicInteger errorPolls = new AtomicInteger();
        String what = "restore of Longhorn volume " + step.volumeName() + " from backup " + url.backupName();
        return ctx.await(what, pollInterval, () -> {
            LonghornVolume v = client.findVolume(step.volumeName()).orElseThrow(() -> new DrException(step.id()
                    + ": Longhorn volume " + step.volumeName() + " disappeared during its restore (deleted?)"));
            RestoreCheck.Result r = RestoreCheck.evaluate(v);
            switch (r.phase()) {
                case FAILED -> throw new DrException(step.id() + ": " + what + " failed: " + r.detail()
                        + ". Delete the volume in Longhorn before running the step again.");
                case DONE -> {
                    ctx.progress(1.0, r.detail());
                    return Optional.of(v);
                }
                default -> {
                    if (!r.replicaError().isEmpty()) {
                        if (errorPolls.incrementAndGet() >= replicaErrorPolls) {
                            throw new DrException(step.id() + ": " + what + " failed: every replica reports an error ("
                                    + r.replicaError() + ")");
                        }
                    } else {
                        errorPolls.set(0);
                    }
                    ctx.progress(r.fraction(), r.detail());
                    return Optional.empty();
                }
            }
        });
    }

    // ------------------------------------------------------------------ PV / PVC

    private void createPv(RestoreStep step, ServerCapabilities caps, BindContext ctx) {
        try {
            client.pvCreate(step.volumeName(), step.pvName(), step.fsType(), step.storageClassName());
        } catch (LonghornConflictException | LonghornRequestException | LonghornUnavailableException e) {
            // "volume already had PV", a PV of that name in Kubernetes, or a lost answer: see what is there
            LonghornVolume v = awaitKubernetesStatus(step, ctx, "PV " + step.pvName() + " of volume " + step.volumeName(),
                    vol -> vol.pvName().isPresent(), Duration.ofSeconds(Math.min(10, kubernetesStatusTimeout.toSeconds())),
                    false);
            if (v != null && v.pvName().map(step.pvName()::equals).orElse(false)) {
                LOG.debug("PV {} exists after pvCreate failed: {}", step.pvName(), e.getMessage());
                return;
            }
            if (e instanceof LonghornUnavailableException u) {
                throw u;
            }
            throw new ConflictException(step.id() + ": Longhorn could not create PV " + step.pvName() + " for volume "
                    + step.volumeName() + ": " + e.getMessage(), e);
        }
    }

    private LonghornVolume awaitPvStatus(RestoreStep step, BindContext ctx) {
        return awaitKubernetesStatus(step, ctx, "PV " + step.pvName() + " of volume " + step.volumeName()
                + " to become Available", v -> {
                    if (v.pvName().isPresent() && !v.pvName().get().equals(step.pvName())) {
                        throw new ConflictException(step.id() + ": Longhorn volume " + step.volumeName() + " has PV "
                                + v.pvName().get() + ", not " + step.pvName());
                    }
                    return v.pvName().isPresent() && PV_USABLE.contains(v.kubernetesStatus().pvStatus());
                }, kubernetesStatusTimeout, true);
    }

    private boolean createPvc(RestoreStep step, BindContext ctx) {
        PvcRef pvc = step.pvc();
        boolean created = true;
        try {
            client.pvcCreate(step.volumeName(), pvc.namespace(), pvc.name());
        } catch (LonghornConflictException | LonghornRequestException e) {
            LOG.debug("pvcCreate for {} failed, checking whether the claim is ours: {}", pvc, e.getMessage());
            created = false;
        }
        LonghornVolume v = awaitKubernetesStatus(step, ctx, "claim " + pvc + " to bind PV " + step.pvName(),
                vol -> vol.boundClaim().isPresent(),
                created ? kubernetesStatusTimeout : Duration.ofSeconds(Math.min(10, kubernetesStatusTimeout.toSeconds())),
                created);
        if (v == null || !v.boundClaim().map(pvc::equals).orElse(false)) {
            throw new ConflictException(step.id() + ": claim " + pvc + " could not be bound to PV " + step.pvName()
                    + (v == null ? "" : "; Longhorn reports " + v.kubernetesStatus()));
        }
        return created;
    }

    /**
     * Polls the volume until {@code done} holds. On the local timeout: throws when {@code failOnTimeout}, else returns
     * the last volume seen (null if none).
     */
    private LonghornVolume awaitKubernetesStatus(RestoreStep step, BindContext ctx, String what,
                                                 java.util.function.Predicate<LonghornVolume> done, Duration timeout,
                                                 boolean failOnTimeout) {
        Instant deadline = Instant.now().plus(timeout);
        AtomicReference<LonghornVolume> last = new AtomicReference<>();
        try {
            return ctx.await(what, pollInterval, () -> {
                LonghornVolume v = client.findVolume(step.volumeName()).orElseThrow(() -> new DrException(step.id()
                        + ": Longhorn volume " + step.volumeName() + " disappeared"));
                last.set(v);
                if (done.test(v)) {
                    return Optional.of(v);
                }
                if (!Instant.now().isBefore(deadline)) {
                    throw new LocalTimeout();
                }
                ctx.progress(-1, "waiting for " + what + " (Longhorn reports PV '" + v.kubernetesStatus().pvName()
                        + "' " + v.kubernetesStatus().pvStatus() + ")");
                return Optional.empty();
            });
        } catch (LocalTimeout t) {
            if (failOnTimeout) {
                throw new DrTimeoutException(step.id() + ": waiting for " + what + "; Longhorn reports "
                        + (last.get() == null ? "nothing" : last.get().kubernetesStatus()), timeout);
            }
            return last.get();
        }
    }

    /** Internal signal: a wait reached its own (shorter than the step's) timeout. */
    private static final class LocalTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LocalTimeout() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ misc

    private static String describeBackup(BackupUrl u) {
        return "backup " + u.backupName() + " of volume " + u.volumeName() + " (" + u.target() + ")";
    }

    /** A volume's {@code fromBackup} as Longhorn reports it, for messages. */
    private static String describeBackup(String fromBackup) {
        return BackupUrl.find(fromBackup).map(LonghornVolumeBinder::describeBackup)
                .orElseGet(() -> "'" + Redaction.url(fromBackup) + "'");
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(describe() + ": binder is closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && closeClient) {
            client.close();
        }
    }

    /** Builds {@link LonghornVolumeBinder}s. */
    public static final class Builder {
        private final LonghornClient client;
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration syncInterval = Duration.ofSeconds(15);
        private Duration backupSyncTimeout = Duration.ofMinutes(10);
        private Duration kubernetesStatusTimeout = Duration.ofMinutes(2);
        private int replicaErrorPolls = 3;
        private boolean closeClient;

        private Builder(LonghornClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** How often to poll the volume while waiting (default 2 s). */
        public Builder pollInterval(Duration d) {
            this.pollInterval = positive(d, "pollInterval");
            return this;
        }

        /**
         * How often to repeat a sync request while waiting for a backup (default 15 s; Longhorn refuses repeats
         * within 10 s).
         */
        public Builder syncInterval(Duration d) {
            this.syncInterval = positive(d, "syncInterval");
            return this;
        }

        /**
         * How long to wait for Longhorn to learn a backup before failing with a clear error (default 10 min: two of
         * Longhorn's default 5-minute polls, for versions that cannot be asked to sync). The step's own timeout
         * still applies.
         */
        public Builder backupSyncTimeout(Duration d) {
            this.backupSyncTimeout = positive(d, "backupSyncTimeout");
            return this;
        }

        /** How long to wait for Longhorn to report the PV Available, or the claim bound (default 2 min). */
        public Builder kubernetesStatusTimeout(Duration d) {
            this.kubernetesStatusTimeout = positive(d, "kubernetesStatusTimeout");
            return this;
        }

        /** After how many consecutive polls in which every replica reports a restore error the step fails (default 3). */
        public Builder replicaErrorPolls(int n) {
            this.replicaErrorPolls = Math.max(1, n);
            return this;
        }

        /** Whether {@link #close()} closes the client too (default false: the caller owns it). */
        public Builder closeClient(boolean close) {
            this.closeClient = close;
            return this;
        }

        /** Builds the binder. */
        public LonghornVolumeBinder build() {
            return new LonghornVolumeBinder(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException(what + " must be positive");
            }
            return d;
        }
    }
}

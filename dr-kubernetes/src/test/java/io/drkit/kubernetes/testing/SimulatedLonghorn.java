package io.drkit.kubernetes.testing;

import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.core.testing.SimulatedLonghornRules;
import io.drkit.core.testing.SimulatedLonghornRules.BindDecision;
import io.drkit.core.testing.SimulatedLonghornRules.ClaimView;
import io.drkit.core.testing.SimulatedLonghornRules.Condition;
import io.drkit.core.testing.SimulatedLonghornRules.PvView;
import io.drkit.core.testing.SimulatedLonghornRules.VolumePhase;
import io.drkit.core.util.Times;
import io.drkit.kubernetes.internal.BackupCr;
import io.drkit.kubernetes.internal.BackupVolumeCr;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.Quantities;
import io.drkit.kubernetes.internal.VolumeCr;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>A simulation</b> of the parts of Longhorn (and of Kubernetes' PV controller) that a restore through the CRDs
 * touches, for API servers without controllers such as the fabric8 mock server: tests of this module, and the
 * {@code dr drill} that shows a whole disaster recovery on one machine. Nothing here talks to a real Longhorn; the
 * objects it writes follow Longhorn's CRD shapes (1.7 or 1.9 naming) and lifecycle as read from longhorn-manager's
 * source, in simplified form. It plays:
 * <ul>
 *   <li><b>the backup target and backup volume controllers</b>: when {@code spec.syncRequestedAt} on the BackupTarget
 *       or a BackupVolume is later than its {@code status.lastSyncedAt} (or Longhorn's poll interval has passed),
 *       backup volumes and backups of a pluggable source (a dr-core {@link BackupCatalog}) are materialised as
 *       BackupVolume and Backup CRs; a new Backup CR gets its status (state, URL, sizes, times) one tick later, as
 *       Longhorn's backup controller inspects it;</li>
 *   <li><b>the admission webhook's mutations and the volume controller</b>: a Volume CR with {@code fromBackup} whose
 *       Backup CR exists is sized from the backup and flipped through {@code creating} → {@code attached} (restoring,
 *       with progress in an Engine CR's {@code status.restoreStatus}) → {@code detached}, or to {@code faulted} with a
 *       {@code Restore}/{@code RestoreFailure} condition; the work of the restore is a pluggable {@link RestoreHook}
 *       (the drill restores a real image into a file), by default a few progress ticks;</li>
 *   <li><b>Kubernetes' PV controller</b>: binds a claim to a PV whose {@code claimRef} names it (or that its
 *       {@code volumeName} names) when storage class, capacity, access modes and volume mode fit, as the real
 *       controller checks, and marks new PVs {@code Available}.</li>
 * </ul>
 * Knobs make failures happen: {@link #failRestore}, {@link #stallRestore}, {@link #ignoreSyncRequests},
 * {@link Builder#startUnsynced} (Longhorn's view right after a rebuild: BackupVolumes without Backups),
 * {@link #backupTargetAvailable}. The simulation runs on one daemon thread every {@link Builder#tick tick} after
 * {@link #start()}, or step by step with {@link #tick()}. Use a client of its own (its requests are not the
 * library's). What it did ({@link #restoredVolumes()}, {@link #events()}, the sync counters) is recorded before the
 * write that publishes it, so a test that sees a status never finds the bookkeeping behind. Not for production.
 */
public final class SimulatedLonghorn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedLonghorn.class);
    private static final String NODE = "sim-node-1";

    /** Which Longhorn version's object naming to simulate. */
    public enum Naming {
        /** Longhorn 1.4–1.7: BackupVolume CR name = volume name, no backup-target labels or fields. */
        V1_7("v1.7.3"),
        /** Longhorn 1.9.1+: BackupVolume CR named {@code <volume>-<sha256(volume-target)[:8]>}, with spec.volumeName and labels. */
        V1_9("v1.9.3");

        private final String version;

        Naming(String version) {
            this.version = version;
        }

        /** The version the simulation reports in the {@code current-longhorn-version} setting. */
        public String version() {
            return version;
        }
    }

    /** Does the work of one restore (for example writing the image somewhere); called on a worker thread. */
    @FunctionalInterface
    public interface RestoreHook {
        /**
         * Restores {@code job}; reports progress in [0, 1] to {@code progress}; throws to fail the restore (the volume
         * becomes faulted with the exception's message).
         */
        void restore(RestoreJob job, DoubleConsumer progress) throws Exception;
    }

    /**
     * One restore the simulation performs.
     *
     * @param volumeName   the Longhorn volume being restored
     * @param backupName   the backup ({@code backup=} of the URL)
     * @param sourceVolume the original volume in the store ({@code volume=} of the URL)
     * @param fromBackup   the volume's {@code fromBackup}
     * @param sizeBytes    the volume size
     * @param backup       the backup as the source catalog knows it
     */
    public record RestoreJob(String volumeName, String backupName, String sourceVolume, String fromBackup, long sizeBytes,
                             Optional<Backup> backup) {
    }

    /** A restore in flight. */
    private static final class Task {
        final String backupName;
        final AtomicLong progressPermille = new AtomicLong();
        final AtomicBoolean done = new AtomicBoolean();
        volatile String error;
        volatile Future<?> future;

        Task(String backupName) {
            this.backupName = backupName;
        }

        double progress() {
            return progressPermille.get() / 1000.0;
        }

        void progress(double p) {
            progressPermille.set(Math.round(Math.max(0, Math.min(1, p)) * 1000));
        }
    }

    private final KubernetesClient client;
    private final String ns;
    private final BackupCatalog source;
    private final String target;
    private final String targetUrl;
    private final Naming naming;
    private final Duration tick;
    private final int restoreTicks;
    private final RestoreHook hook;
    private final Duration pollInterval;
    private final int defaultReplicas;
    private final boolean pvController;
    private final Clock clock;
    private volatile boolean ignoreSync;
    private volatile boolean targetAvailable = true;
    private volatile String targetMessage = "";
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private final Set<String> stalled = ConcurrentHashMap.newKeySet();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Set<String> restored = ConcurrentHashMap.newKeySet();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final AtomicInteger targetSyncs = new AtomicInteger();
    private final AtomicInteger volumeSyncs = new AtomicInteger();
    private final ExecutorService hookPool;
    private final Object lifecycle = new Object();
    private ScheduledExecutorService scheduler;
    private volatile boolean initialized;
    private final boolean startUnsynced;
    private Instant lastPoll = Instant.MIN;

    private SimulatedLonghorn(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.ns = b.namespace;
        this.source = Objects.requireNonNull(b.source, "source catalog");
        this.target = b.target;
        this.targetUrl = b.targetUrl;
        this.naming = b.naming;
        this.tick = b.tick;
        this.restoreTicks = b.restoreTicks;
        this.hook = b.hook;
        this.pollInterval = b.pollInterval;
        this.defaultReplicas = b.defaultReplicas;
        this.pvController = b.pvController;
        this.clock = b.clock;
        this.ignoreSync = b.ignoreSync;
        this.startUnsynced = b.startUnsynced;
        this.hookPool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "simulated-longhorn-restore");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A builder over {@code client}, which the simulation uses for every request (give it a client of its own) and
     * never closes; {@code source} holds the backups the simulated backup target contains.
     */
    public static Builder builder(KubernetesClient client, BackupCatalog source) {
        return new Builder(client, source);
    }

    // ---------------------------------------------------------------- control

    /** Registers the CRDs, creates the BackupTarget and settings, and runs the simulation every tick until closed. */
    public SimulatedLonghorn start() {
        initialize();
        synchronized (lifecycle) {
            if (scheduler != null) {
                return this;
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "simulated-longhorn");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::safeTick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Registers the CRDs and creates the BackupTarget and settings, without starting the background thread. With
     * {@link Builder#startUnsynced} the first sync is left half done: every BackupVolume exists with its status, no
     * Backup does.
     */
    public synchronized SimulatedLonghorn initialize() {
        if (!initialized) {
            LonghornCrds.register(client);
            ensureTarget();
            ensureSetting(Longhorn.SETTING_CURRENT_VERSION, naming.version());
            ensureSetting(Longhorn.SETTING_STATIC_STORAGE_CLASS, Longhorn.DEFAULT_STATIC_STORAGE_CLASS);
            if (startUnsynced && list(Longhorn.BACKUP_VOLUMES).isEmpty()) {
                Instant now = clock.instant();
                createBackupVolumes(Times.rfc3339(now));
                for (GenericKubernetesResource bv : list(Longhorn.BACKUP_VOLUMES)) {
                    syncBackupVolume(bv, now, false);
                }
                writeStatus(Longhorn.BACKUP_TARGETS, target, st -> st.put("lastSyncedAt", Times.rfc3339(now)));
                note("started unsynced: " + list(Longhorn.BACKUP_VOLUMES).size() + " BackupVolumes without Backups");
            }
            initialized = true;
        }
        return this;
    }

    /** Materialises every backup volume and backup of the source now, as a completed sync would (no tick needed). */
    public synchronized SimulatedLonghorn syncNow() {
        initialize();
        syncTarget(clock.instant());
        for (GenericKubernetesResource bv : list(Longhorn.BACKUP_VOLUMES)) {
            syncBackupVolume(bv, clock.instant());
        }
        inspectBackups();
        return this;
    }

    /** Makes the restore of {@code volumeName} fail halfway (robustness faulted, {@code RestoreFailure}). */
    public SimulatedLonghorn failRestore(String volumeName, String message) {
        failing.put(volumeName, message == null ? SimulatedLonghornRules.RESTORE_FAILURE_MESSAGE : message);
        return this;
    }

    /** Makes the restore of {@code volumeName} stop at half and never finish (for timeout and cancellation paths). */
    public SimulatedLonghorn stallRestore(String volumeName) {
        stalled.add(volumeName);
        return this;
    }

    /** Lets a stalled restore go on. */
    public SimulatedLonghorn resumeRestore(String volumeName) {
        stalled.remove(volumeName);
        return this;
    }

    /** Whether sync requests are ignored, as by a Longhorn that never polls its target (default false). */
    public SimulatedLonghorn ignoreSyncRequests(boolean on) {
        this.ignoreSync = on;
        return this;
    }

    /** Whether the backup target is reported available; unavailable targets never sync (default true). */
    public SimulatedLonghorn backupTargetAvailable(boolean available, String message) {
        this.targetAvailable = available;
        this.targetMessage = message == null ? "" : message;
        return this;
    }

    /** How many backup-target syncs ran. */
    public int targetSyncs() {
        return targetSyncs.get();
    }

    /** How many backup-volume syncs ran. */
    public int volumeSyncs() {
        return volumeSyncs.get();
    }

    /** Volumes whose restore finished successfully, in no particular order. */
    public Set<String> restoredVolumes() {
        return Set.copyOf(restored);
    }

    /** What the simulation did and noticed, in order (syncs, restores, bindings, refusals). */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The BackupVolume CR name this simulation gives volume {@code volumeName}. */
    public String backupVolumeName(String volumeName) {
        return SimulatedLonghornRules.backupVolumeName(volumeName, target, naming == Naming.V1_9);
    }

    /** Stops the background thread and restore workers; idempotent. Never closes the client. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (lifecycle) {
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            // let a running tick finish its requests (it needs the tick lock, so none is held here): interrupting an
            // HTTP call mid-flight leaves the connection for the server to time out
            s.shutdown();
            try {
                if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        hookPool.shutdownNow();
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.debug("simulated Longhorn tick failed; retrying next tick", e);
        }
    }

    /** Runs one pass of every simulated controller. */
    public synchronized void tick() {
        initialize();
        Instant now = clock.instant();
        inspectBackups();
        for (GenericKubernetesResource bv : list(Longhorn.BACKUP_VOLUMES)) {
            if (syncDue(bv, now)) {
                syncBackupVolume(bv, now);
            }
        }
        GenericKubernetesResource bt = get(Longhorn.BACKUP_TARGETS, target);
        boolean polled = !pollInterval.isZero() && !now.isBefore(lastPoll.plus(pollInterval));
        if (bt != null && (syncDue(bt, now) || polled)) {
            if (polled) {
                lastPoll = now;
            }
            syncTarget(now);
        }
        for (GenericKubernetesResource v : list(Longhorn.VOLUMES)) {
            reconcileVolume(v);
        }
        if (pvController) {
            bindClaims();
        }
    }

    // ---------------------------------------------------------------- backup target and backup volumes

    private void ensureTarget() {
        if (get(Longhorn.BACKUP_TARGETS, target) != null) {
            return;
        }
        GenericKubernetesResource bt = Cr.create(Longhorn.BACKUP_TARGETS, ns, target);
        Map<String, Object> spec = Cr.section(bt, "spec");
        spec.put("backupTargetURL", targetUrl);
        spec.put("credentialSecret", "");
        spec.put("pollInterval", pollInterval.isZero() ? "0s" : pollInterval.toSeconds() + "s");
        spec.put("syncRequestedAt", null);
        KubeErrors.call("create BackupTarget " + target, () -> op(Longhorn.BACKUP_TARGETS).resource(bt).create());
        writeStatus(Longhorn.BACKUP_TARGETS, target, st -> {
            st.put("available", targetAvailable);
            st.put("ownerID", NODE);
            st.put("conditions", List.of());
        });
    }

    private void ensureSetting(String name, String value) {
        if (get(Longhorn.SETTINGS, name) != null) {
            return;
        }
        GenericKubernetesResource s = Cr.create(Longhorn.SETTINGS, ns, name);
        s.getAdditionalProperties().remove("spec");
        s.setAdditionalProperty("value", value);
        KubeErrors.call("create Setting " + name, () -> op(Longhorn.SETTINGS).resource(s).create());
    }

    private boolean syncDue(GenericKubernetesResource r, Instant now) {
        Optional<Instant> last = time(Cr.str(r, "status", "lastSyncedAt"));
        Optional<Instant> requested = time(Cr.str(r, "spec", "syncRequestedAt"));
        if (last.isEmpty()) {
            // Longhorn's controllers sync a CR that has never been synced (BackupVolume), or on request (BackupTarget)
            return requested.isPresent() || Longhorn.BACKUP_VOLUMES.getKind().equals(r.getKind());
        }
        return requested.isPresent() && requested.get().isAfter(last.get());
    }

    private void syncTarget(Instant now) {
        if (ignoreSync) {
            note("ignored a sync request of BackupTarget " + target);
            return;
        }
        writeStatus(Longhorn.BACKUP_TARGETS, target, st -> {
            st.put("available", targetAvailable);
            st.put("conditions", targetAvailable ? List.of() : List.of(condition("Unavailable", "True", "Unavailable",
                    targetMessage)));
        });
        if (!targetAvailable) {
            note("backup target " + target + " unavailable; not synced");
            return;
        }
        targetSyncs.incrementAndGet();
        String at = Times.rfc3339(now);
        createBackupVolumes(at);
        writeStatus(Longhorn.BACKUP_TARGETS, target, st -> st.put("lastSyncedAt", at));
    }

    /** Creates the missing BackupVolume CRs (empty status) and requests a sync of the existing ones, at {@code at}. */
    private void createBackupVolumes(String at) {
        Map<String, GenericKubernetesResource> existing = new LinkedHashMap<>();
        for (GenericKubernetesResource bv : list(Longhorn.BACKUP_VOLUMES)) {
            existing.put(BackupVolumeCr.of(bv).volumeName(), bv);
        }
        for (BackupVolume v : source.listBackupVolumes()) {
            GenericKubernetesResource bv = existing.get(v.name());
            if (bv == null) {
                GenericKubernetesResource fresh = Cr.create(Longhorn.BACKUP_VOLUMES, ns, backupVolumeName(v.name()));
                if (naming == Naming.V1_9) {
                    fresh.getMetadata().setLabels(new LinkedHashMap<>(Map.of(LonghornLabels.BACKUP_VOLUME, v.name(),
                            LonghornLabels.BACKUP_TARGET, target)));
                    Map<String, Object> spec = Cr.section(fresh, "spec");
                    spec.put("backupTargetName", target);
                    spec.put("volumeName", v.name());
                    spec.put("syncRequestedAt", null);
                }
                note("sync: created BackupVolume " + Cr.name(fresh) + " for volume " + v.name());
                KubeErrors.call("create BackupVolume", () -> op(Longhorn.BACKUP_VOLUMES).resource(fresh).create());
            } else {
                writeSpec(Longhorn.BACKUP_VOLUMES, Cr.name(bv), spec -> spec.put("syncRequestedAt", at));
            }
        }
    }

    private void syncBackupVolume(GenericKubernetesResource bvCr, Instant now) {
        if (ignoreSync) {
            return;
        }
        syncBackupVolume(bvCr, now, true);
    }

    /** The backup volume controller's sync; without {@code pullBackups} only the status is written (no Backup CRs). */
    private void syncBackupVolume(GenericKubernetesResource bvCr, Instant now, boolean pullBackups) {
        BackupVolumeCr bv = BackupVolumeCr.of(bvCr);
        Optional<BackupVolume> v = source.findBackupVolume(bv.volumeName());
        if (v.isEmpty()) {
            // gone from the store: Longhorn would delete the CR; here it is only marked synced
            writeStatus(Longhorn.BACKUP_VOLUMES, bv.crName(), st -> st.put("lastSyncedAt", Times.rfc3339(now)));
            return;
        }
        if (pullBackups) {
            volumeSyncs.incrementAndGet();
        }
        List<Backup> backups = source.listBackups(bv.volumeName());
        Set<String> present = new LinkedHashSet<>();
        for (GenericKubernetesResource b : listBackupsOf(bv.volumeName())) {
            present.add(Cr.name(b));
        }
        for (Backup b : pullBackups ? backups : List.<Backup>of()) {
            if (present.contains(b.name())) {
                continue;
            }
            GenericKubernetesResource cr = Cr.create(Longhorn.BACKUPS, ns, b.name());
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(LonghornLabels.BACKUP_VOLUME, bv.volumeName());
            if (naming == Naming.V1_9) {
                labels.put(LonghornLabels.BACKUP_TARGET, target);
            }
            cr.getMetadata().setLabels(labels);
            Map<String, Object> spec = Cr.section(cr, "spec");
            spec.put("labels", new LinkedHashMap<>(b.labels()));
            spec.put("snapshotName", "");
            spec.put("syncRequestedAt", null);
            String mode = b.parameters().get("backup-mode");
            if (mode != null) {
                spec.put("backupMode", mode);
            }
            note("sync: created Backup " + b.name() + " of volume " + bv.volumeName());
            KubeErrors.call("create Backup " + b.name(), () -> op(Longhorn.BACKUPS).resource(cr).create());
        }
        String at = Times.rfc3339(now);
        BackupVolume val = v.get();
        writeStatus(Longhorn.BACKUP_VOLUMES, bv.crName(), st -> {
            st.put("ownerID", NODE);
            st.put("size", Long.toString(val.size()));
            st.put("labels", new LinkedHashMap<>(val.labels()));
            st.put("createdAt", val.createdAt().map(Times::rfc3339).orElse(""));
            st.put("lastBackupName", val.lastBackupName().orElse(""));
            st.put("lastBackupAt", val.lastBackupAt().map(Times::rfc3339).orElse(""));
            st.put("dataStored", Long.toString(backups.stream().mapToLong(Backup::size).sum()));
            st.put("messages", Map.of());
            st.put("backingImageName", val.backingImageName().orElse(""));
            st.put("backingImageChecksum", val.backingImageChecksum().orElse(""));
            st.put("storageClassName", val.storageClassName().orElse(""));
            st.put("lastModificationTime", at);
            st.put("lastSyncedAt", at);
        });
    }

    /** Plays Longhorn's backup controller: fills the status of Backup CRs that a sync created, one tick later. */
    private void inspectBackups() {
        for (GenericKubernetesResource b : list(Longhorn.BACKUPS)) {
            if (!Cr.str(b, "status", "state").isEmpty()) {
                continue;
            }
            String volume = Cr.labels(b).getOrDefault(LonghornLabels.BACKUP_VOLUME, "");
            Optional<Backup> src = volume.isEmpty() ? Optional.empty() : source.findBackup(volume, Cr.name(b));
            if (src.isEmpty()) {
                continue;
            }
            Backup x = src.get();
            String at = Times.rfc3339(clock.instant());
            note("inspected Backup " + Cr.name(b) + ": " + longhornState(x));
            writeStatus(Longhorn.BACKUPS, Cr.name(b), st -> {
                st.put("ownerID", NODE);
                st.put("state", longhornState(x));
                st.put("progress", x.isComplete() ? 100 : 0);
                st.put("url", x.url().map(u -> u.url()).orElse(""));
                st.put("snapshotName", x.snapshotName().orElse(""));
                st.put("snapshotCreatedAt", x.snapshotCreatedAt().map(Times::rfc3339).orElse(""));
                st.put("backupCreatedAt", x.completedAt().map(Times::rfc3339).orElse(""));
                st.put("size", Long.toString(x.size()));
                st.put("labels", new LinkedHashMap<>(x.labels()));
                st.put("messages", Map.of());
                st.put("volumeName", x.volumeName());
                st.put("volumeSize", Long.toString(x.volumeSize()));
                st.put("volumeCreated", "");
                st.put("compressionMethod", x.compression().wireName());
                st.put("lastSyncedAt", at);
                x.error().ifPresent(e -> st.put("error", e));
                if (naming == Naming.V1_9) {
                    st.put("backupTargetName", target);
                }
            });
        }
    }

    private static String longhornState(Backup b) {
        return switch (b.state()) {
            case COMPLETED -> "Completed";
            case IN_PROGRESS -> "InProgress";
            case PENDING -> "Pending";
            case ERROR -> "Error";
            case DELETING -> "Deleting";
            case UNKNOWN -> "Unknown";
        };
    }

    // ---------------------------------------------------------------- volumes

    private void reconcileVolume(GenericKubernetesResource v) {
        if (v.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String name = Cr.name(v);
        VolumeCr vol = VolumeCr.of(v);
        if (vol.state().isEmpty()) {
            if (vol.fromBackup().isEmpty()) {
                writeStatus(Longhorn.VOLUMES, name, st -> {
                    st.put("state", "detached");
                    st.put("robustness", "unknown");
                });
                return;
            }
            initRestore(name, vol);
            return;
        }
        if (!vol.restoreRequired()) {
            updateKubernetesStatus(v);
            return;
        }
        if ("creating".equals(vol.state())) {
            attachForRestore(name, vol);
        } else if ("attached".equals(vol.state())) {
            advanceRestore(name, vol);
        }
    }

    /** The webhook's mutations and the controller's first reconcile (checkAndInitVolumeRestore). */
    private void initRestore(String name, VolumeCr vol) {
        BackupUrl url;
        try {
            url = BackupUrl.parse(vol.fromBackup());
        } catch (InvalidInputException e) {
            noteOnce("volume " + name + ": invalid fromBackup (" + e.getMessage() + "); Longhorn's webhook would reject it");
            return;
        }
        GenericKubernetesResource b = get(Longhorn.BACKUPS, url.backupName());
        if (b == null || !BackupCr.of(b).isComplete()) {
            noteOnce("volume " + name + ": Backup " + url.backupName() + " is unknown; Longhorn's webhook would have "
                    + "rejected this volume (state stays empty until the backup is known)");
            return;
        }
        BackupCr backup = BackupCr.of(b);
        long size = Cr.number(b, "status", "volumeSize").orElse(vol.size());
        writeSpec(Longhorn.VOLUMES, name, spec -> {
            spec.put("size", Long.toString(size));
            Object replicas = spec.get("numberOfReplicas");
            spec.put("numberOfReplicas", SimulatedLonghornRules.replicas(replicas instanceof Number n ? n.intValue() : 0,
                    defaultReplicas));
            String mode = String.valueOf(spec.getOrDefault("accessMode", ""));
            if (mode.isEmpty()) {
                spec.put("accessMode", SimulatedLonghornRules.restoredAccessMode(mode, backup.statusLabels()));
            }
            if (naming == Naming.V1_9) {
                spec.put("backupTargetName", target);
            }
        }, labels -> {
            SimulatedLonghornRules.addRestoredVolumeLabels(labels, url.volumeName());
            if (naming == Naming.V1_9) {
                labels.put(LonghornLabels.BACKUP_TARGET, target);
            }
        });
        note("volume " + name + ": restore of " + url.backupName() + " initiated");
        writeStatus(Longhorn.VOLUMES, name, st -> {
            st.put("ownerID", NODE);
            st.put("state", VolumePhase.CREATING.state());
            st.put("robustness", VolumePhase.CREATING.robustness());
            st.put("restoreRequired", VolumePhase.CREATING.restoreRequired());
            st.put("restoreInitiated", true);
            st.put("isStandby", false);
            st.put("actualSize", 0);
            st.put("conditions", List.of());
        });
    }

    private void attachForRestore(String name, VolumeCr vol) {
        BackupUrl url = BackupUrl.parse(vol.fromBackup());
        int replicas = Math.max(1, vol.numberOfReplicas());
        GenericKubernetesResource engine = Cr.create(Longhorn.ENGINES, ns, name + "-e-0");
        engine.getMetadata().setLabels(new LinkedHashMap<>(Map.of(Longhorn.LABEL_VOLUME, name)));
        Map<String, Object> spec = Cr.section(engine, "spec");
        spec.put("volumeName", name);
        spec.put("volumeSize", Long.toString(vol.size()));
        spec.put("nodeID", NODE);
        spec.put("requestedBackupRestore", url.backupName());
        spec.put("backupVolume", url.volumeName());
        spec.put("disableFrontend", true);
        if (get(Longhorn.ENGINES, name + "-e-0") == null) {
            KubeErrors.call("create Engine", () -> op(Longhorn.ENGINES).resource(engine).create());
        }
        writeEngine(name, url, replicas, 0, true, "in_progress", "");
        note("volume " + name + ": attached for restore of " + url.backupName());
        writeStatus(Longhorn.VOLUMES, name, st -> {
            st.put("state", VolumePhase.RESTORING.state());
            st.put("robustness", VolumePhase.RESTORING.robustness());
            st.put("currentNodeID", NODE);
            st.put("frontendDisabled", true);
            st.put("conditions", List.of(condition(VolumePhase.RESTORING.restoreCondition("").orElseThrow())));
        });
        Task task = new Task(url.backupName());
        tasks.put(name, task);
        if (hook != null) {
            RestoreJob job = new RestoreJob(name, url.backupName(), url.volumeName(), vol.fromBackup(), vol.size(),
                    source.findBackup(url.volumeName(), url.backupName()));
            task.future = hookPool.submit(() -> {
                try {
                    hook.restore(job, task::progress);
                    task.progress(1.0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    task.error = "restore interrupted";
                } catch (Exception e) {
                    task.error = e.getClass().getSimpleName() + ": " + e.getMessage();
                } finally {
                    task.done.set(true);
                }
            });
        }
    }

    private void advanceRestore(String name, VolumeCr vol) {
        BackupUrl url = BackupUrl.parse(vol.fromBackup());
        int replicas = Math.max(1, vol.numberOfReplicas());
        Task task = tasks.computeIfAbsent(name, k -> new Task(url.backupName()));
        if (hook == null) {
            task.progress(Math.min(1.0, task.progress() + 1.0 / restoreTicks));
            if (task.progress() >= 1.0) {
                task.done.set(true);
            }
        }
        String failure = failing.get(name);
        if (failure == null && task.error != null) {
            failure = task.error;
        }
        if (failure != null && (task.progress() >= 0.5 || task.done.get())) {
            String msg = failure;
            writeEngine(name, url, replicas, (int) Math.round(task.progress() * 100), false, "error", msg);
            // record before publishing: whoever sees the faulted status also finds the event
            note("volume " + name + ": restore of " + url.backupName() + " failed: " + msg);
            writeStatus(Longhorn.VOLUMES, name, st -> {
                st.put("state", VolumePhase.FAULTED.state());
                st.put("robustness", VolumePhase.FAULTED.robustness());
                st.put("currentNodeID", "");
                st.put("conditions", List.of(condition(VolumePhase.FAULTED.restoreCondition(msg).orElseThrow())));
            });
            tasks.remove(name);
            return;
        }
        if (stalled.contains(name)) {
            task.progressPermille.set(Math.min(task.progressPermille.get(), 500));
            writeEngine(name, url, replicas, (int) Math.round(task.progress() * 100), true, "in_progress", "");
            return;
        }
        if (!task.done.get()) {
            writeEngine(name, url, replicas, (int) Math.round(task.progress() * 100), true, "in_progress", "");
            return;
        }
        writeEngine(name, url, replicas, 100, false, "complete", "");
        writeEngineStatus(name, st -> st.put("lastRestoredBackup", url.backupName()));
        // record before publishing: whoever sees restoreRequired=false must find the volume in restoredVolumes()
        restored.add(name);
        note("volume " + name + ": restore of " + url.backupName() + " finished");
        writeStatus(Longhorn.VOLUMES, name, st -> {
            st.put("state", VolumePhase.DETACHED.state());
            st.put("robustness", VolumePhase.DETACHED.robustness());
            st.put("restoreRequired", VolumePhase.DETACHED.restoreRequired());
            st.put("currentNodeID", "");
            st.put("frontendDisabled", false);
            st.put("actualSize", vol.size());
            st.put("conditions", List.of(condition(VolumePhase.DETACHED.restoreCondition("").orElseThrow())));
        });
        tasks.remove(name);
    }

    private void writeEngine(String volume, BackupUrl url, int replicas, int progress, boolean restoring, String state,
                             String error) {
        writeEngineStatus(volume, st -> {
            Map<String, Object> rs = new LinkedHashMap<>();
            for (int i = 0; i < replicas; i++) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("isRestoring", restoring);
                s.put("lastRestored", "complete".equals(state) ? url.backupName() : "");
                s.put("currentRestoringBackup", restoring ? url.backupName() : "");
                s.put("progress", progress);
                s.put("error", error);
                s.put("filename", "volume-snap-" + url.backupName() + ".img");
                s.put("state", state);
                s.put("backupURL", url.url());
                rs.put("tcp://10.42.0." + (10 + i) + ":10000", s);
            }
            st.put("restoreStatus", rs);
            st.put("currentState", "running");
        });
    }

    private void writeEngineStatus(String volume, Consumer<Map<String, Object>> change) {
        writeStatus(Longhorn.ENGINES, volume + "-e-0", change);
    }

    /** Longhorn's kubernetes PV controller: fills the volume's kubernetesStatus from its PV and claim. */
    private void updateKubernetesStatus(GenericKubernetesResource v) {
        String name = Cr.name(v);
        PersistentVolume pv = client.persistentVolumes().list().getItems().stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getCsi() != null
                        && name.equals(p.getSpec().getCsi().getVolumeHandle())
                        && Longhorn.isLonghornDriver(p.getSpec().getCsi().getDriver()))
                .findFirst().orElse(null);
        if (pv == null) {
            return;
        }
        String phase = pv.getStatus() == null || pv.getStatus().getPhase() == null ? "" : pv.getStatus().getPhase();
        ObjectReference ref = pv.getSpec().getClaimRef();
        boolean bound = "Bound".equals(phase) && ref != null;
        Map<String, String> current = Cr.stringMap(v, "status", "kubernetesStatus");
        Map<String, Object> ks = new LinkedHashMap<>();
        ks.put("pvName", pv.getMetadata().getName());
        ks.put("pvStatus", phase);
        ks.put("namespace", bound ? ref.getNamespace() : "");
        ks.put("pvcName", bound ? ref.getName() : "");
        ks.put("lastPVCRefAt", "");
        ks.put("lastPodRefAt", "");
        if (!Cr.stringMap(ks).equals(current)) {
            Map<String, Object> full = new LinkedHashMap<>(ks);
            full.put("workloadsStatus", null);
            writeStatus(Longhorn.VOLUMES, name, st -> st.put("kubernetesStatus", full));
        }
        if (bound) {
            mirrorClaimRecurringLabels(v, ref.getNamespace(), ref.getName());
        }
    }

    /**
     * Longhorn 1.5+'s volume controller: a bound claim labelled {@code recurring-job.longhorn.io/source: enabled}
     * dictates the volume's recurring-job labels (added and removed to match the claim's).
     */
    private void mirrorClaimRecurringLabels(GenericKubernetesResource v, String namespace, String claimName) {
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(claimName).get();
        Map<String, String> claimLabels = claim == null || claim.getMetadata().getLabels() == null ? Map.of()
                : claim.getMetadata().getLabels();
        if (!Longhorn.ENABLED.equals(claimLabels.get(LonghornLabels.RECURRING_JOB_SOURCE))) {
            return;
        }
        Map<String, String> current = Cr.labels(v);
        Map<String, String> wanted = new LinkedHashMap<>();
        current.forEach((k, val) -> {
            if (!isRecurring(k)) {
                wanted.put(k, val);
            }
        });
        claimLabels.forEach((k, val) -> {
            if (isRecurring(k)) {
                wanted.put(k, val);
            }
        });
        if (!wanted.equals(current)) {
            writeSpec(Longhorn.VOLUMES, Cr.name(v), spec -> { }, labels -> {
                labels.clear();
                labels.putAll(wanted);
            });
            note("volume " + Cr.name(v) + ": recurring-job labels mirrored from claim " + namespace + "/" + claimName);
        }
    }

    private static boolean isRecurring(String key) {
        return !key.equals(LonghornLabels.RECURRING_JOB_SOURCE) && SimulatedLonghornRules.isRecurringJobLabel(key);
    }

    // ---------------------------------------------------------------- Kubernetes' PV controller

    private void bindClaims() {
        List<PersistentVolume> pvs = client.persistentVolumes().list().getItems();
        List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inAnyNamespace().list().getItems();
        Map<String, PersistentVolumeClaim> byRef = new LinkedHashMap<>();
        claims.forEach(c -> byRef.put(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName(), c));
        List<ClaimView> views = claims.stream().flatMap(c -> claimView(c).stream()).toList();
        for (PersistentVolume pv : pvs) {
            String pvName = pv.getMetadata().getName();
            String phase = pv.getStatus() == null ? null : pv.getStatus().getPhase();
            if (phase == null || phase.isEmpty()) {
                setPvPhase(pvName, "Available");
                phase = "Available";
            }
            ObjectReference ref = pv.getSpec().getClaimRef();
            if ("Bound".equals(phase)) {
                // finish a binding an earlier tick left half done (the claim's update failed)
                PersistentVolumeClaim c = ref == null ? null : byRef.get(ref.getNamespace() + "/" + ref.getName());
                if (c != null && Objects.equals(ref.getUid(), c.getMetadata().getUid())
                        && (c.getStatus() == null || !"Bound".equals(c.getStatus().getPhase()))) {
                    bindClaim(pv, c);
                }
                continue;
            }
            if (ref != null && ref(ref.getNamespace(), ref.getName()).isEmpty()) {
                continue;
            }
            BindDecision decision = SimulatedLonghornRules.decideBinding(pvView(pv), views, true);
            if (decision instanceof BindDecision.ReservedForEarlierClaim r) {
                noteOnce("PV " + pvName + " is reserved for an earlier claim " + r.claim());
                continue;
            }
            if (decision instanceof BindDecision.Misfit m) {
                noteOnce("PV controller: PV " + pvName + " does not fit claim " + m.claim().ref() + ": " + m.why());
                continue;
            }
            if (!(decision instanceof BindDecision.Bind b)) {
                continue;
            }
            String claimId = b.claim().ref().toString();
            PersistentVolumeClaim claim = byRef.get(claimId);
            note("PV controller: bound claim " + claimId + " to PV " + pvName);
            bind(pv, claim);
        }
    }

    /**
     * Why {@code pv} cannot serve {@code claim}, checked as Kubernetes' PV controller does for a pre-bound volume:
     * equal storage class, enough capacity, every requested access mode offered, same volume mode.
     */
    public static Optional<String> misfit(PersistentVolume pv, PersistentVolumeClaim claim) {
        return claimView(claim).flatMap(c -> SimulatedLonghornRules.misfit(pvView(pv), c));
    }

    /** {@code pv} as {@link SimulatedLonghornRules} looks at it. */
    private static PvView pvView(PersistentVolume pv) {
        ObjectReference ref = pv.getSpec().getClaimRef();
        return new PvView(pv.getMetadata().getName(),
                ref == null ? Optional.empty() : ref(ref.getNamespace(), ref.getName()),
                ref == null ? "" : Objects.requireNonNullElse(ref.getUid(), ""),
                Objects.requireNonNullElse(pv.getSpec().getStorageClassName(), ""),
                Quantities.storage(pv.getSpec().getCapacity()).orElse(0),
                Objects.requireNonNullElse(pv.getSpec().getAccessModes(), List.of()),
                Objects.requireNonNullElse(pv.getSpec().getVolumeMode(), "Filesystem"));
    }

    /** {@code claim} as {@link SimulatedLonghornRules} looks at it; empty for a claim without spec or valid name. */
    private static Optional<ClaimView> claimView(PersistentVolumeClaim claim) {
        var spec = claim.getSpec();
        Optional<PvcRef> ref = ref(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        if (spec == null || ref.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClaimView(ref.get(), Objects.requireNonNullElse(claim.getMetadata().getUid(), ""),
                Optional.ofNullable(spec.getVolumeName()), claim.getStatus() != null
                && "Bound".equals(claim.getStatus().getPhase()),
                Objects.requireNonNullElse(spec.getStorageClassName(), ""),
                spec.getResources() == null ? 0 : Quantities.storage(spec.getResources().getRequests()).orElse(0),
                Objects.requireNonNullElse(spec.getAccessModes(), List.of()),
                Objects.requireNonNullElse(spec.getVolumeMode(), "Filesystem")));
    }

    private static Optional<PvcRef> ref(String namespace, String name) {
        try {
            return Optional.of(PvcRef.of(namespace, name));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void bind(PersistentVolume pv, PersistentVolumeClaim claim) {
        String pvName = pv.getMetadata().getName();
        var pvs = client.persistentVolumes();
        PersistentVolume p = pvs.withName(pvName).get();
        if (p.getSpec().getClaimRef() == null) {
            p.getSpec().setClaimRef(new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder().withApiVersion("v1")
                    .withKind("PersistentVolumeClaim").withNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName()).build());
        }
        p.getSpec().getClaimRef().setUid(claim.getMetadata().getUid());
        p.getSpec().getClaimRef().setResourceVersion(claim.getMetadata().getResourceVersion());
        p = pvs.resource(p).update();
        setPvPhase(pvName, "Bound");
        bindClaim(p, claim);
    }

    private void bindClaim(PersistentVolume p, PersistentVolumeClaim claim) {
        String pvName = p.getMetadata().getName();
        var claims = client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace());
        PersistentVolumeClaim c = claims.withName(claim.getMetadata().getName()).get();
        Map<String, String> ann = c.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(c.getMetadata().getAnnotations());
        ann.put("pv.kubernetes.io/bind-completed", "yes");
        if (c.getSpec().getVolumeName() == null || c.getSpec().getVolumeName().isEmpty()) {
            ann.put("pv.kubernetes.io/bound-by-controller", "yes");
            c.getSpec().setVolumeName(pvName);
        }
        c.getMetadata().setAnnotations(ann);
        c = claims.resource(c).update();
        var status = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
                .withAccessModes(p.getSpec().getAccessModes()).withCapacity(p.getSpec().getCapacity()).build();
        c.setStatus(status);
        claims.resource(c).updateStatus();
    }

    private void setPvPhase(String pvName, String phase) {
        var pvs = client.persistentVolumes();
        PersistentVolume p = pvs.withName(pvName).get();
        if (p == null) {
            return;
        }
        p.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder().withPhase(phase).build());
        pvs.resource(p).updateStatus();
    }

    // ---------------------------------------------------------------- plumbing

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> op(ResourceDefinitionContext ctx) {
        return client.genericKubernetesResources(ctx).inNamespace(ns);
    }

    private GenericKubernetesResource get(ResourceDefinitionContext ctx, String name) {
        return op(ctx).withName(name).get();
    }

    private List<GenericKubernetesResource> list(ResourceDefinitionContext ctx) {
        return op(ctx).list().getItems();
    }

    private List<GenericKubernetesResource> listBackupsOf(String volume) {
        return op(Longhorn.BACKUPS).withLabel(LonghornLabels.BACKUP_VOLUME, volume).list().getItems();
    }

    private void writeStatus(ResourceDefinitionContext ctx, String name, Consumer<Map<String, Object>> change) {
        for (int attempt = 0; attempt < 3; attempt++) {
            GenericKubernetesResource r = get(ctx, name);
            if (r == null) {
                return;
            }
            change.accept(Cr.section(r, "status"));
            try {
                op(ctx).resource(r).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (!KubeErrors.isConflict(e)) {
                    throw e;
                }
            }
        }
    }

    private void writeSpec(ResourceDefinitionContext ctx, String name, Consumer<Map<String, Object>> change) {
        writeSpec(ctx, name, change, labels -> { });
    }

    private void writeSpec(ResourceDefinitionContext ctx, String name, Consumer<Map<String, Object>> change,
                           Consumer<Map<String, String>> labelChange) {
        for (int attempt = 0; attempt < 3; attempt++) {
            GenericKubernetesResource r = get(ctx, name);
            if (r == null) {
                return;
            }
            change.accept(Cr.section(r, "spec"));
            Map<String, String> labels = new LinkedHashMap<>(Cr.labels(r));
            labelChange.accept(labels);
            r.getMetadata().setLabels(labels);
            try {
                op(ctx).resource(r).update();
                return;
            } catch (KubernetesClientException e) {
                if (!KubeErrors.isConflict(e)) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, Object> condition(Condition c) {
        return condition(c.type(), c.status(), c.reason(), c.message());
    }

    private static Map<String, Object> condition(String type, String status, String reason, String message) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status);
        c.put("reason", reason);
        c.put("message", message);
        c.put("lastProbeTime", "");
        c.put("lastTransitionTime", Times.rfc3339(Instant.now()));
        return c;
    }

    private static Optional<Instant> time(String s) {
        try {
            return Times.parse(s);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void note(String event) {
        LOG.debug("simulated Longhorn: {}", event);
        events.add(event);
    }

    private void noteOnce(String event) {
        if (reported.add(event)) {
            note(event);
        }
    }

    /** Builds {@link SimulatedLonghorn}s. */
    public static final class Builder {
        private final KubernetesClient client;
        private final BackupCatalog source;
        private String namespace = Longhorn.DEFAULT_NAMESPACE;
        private String target = Longhorn.DEFAULT_BACKUP_TARGET;
        private String targetUrl = "s3://backups@us-east-1/";
        private Naming naming = Naming.V1_9;
        private Duration tick = Duration.ofMillis(20);
        private int restoreTicks = 4;
        private RestoreHook hook;
        private Duration pollInterval = Duration.ZERO;
        private int defaultReplicas = 3;
        private boolean pvController = true;
        private boolean ignoreSync;
        private boolean startUnsynced;
        private Clock clock = Clock.systemUTC();

        private Builder(KubernetesClient client, BackupCatalog source) {
            this.client = client;
            this.source = source;
        }

        /** Longhorn's namespace (default {@code longhorn-system}). */
        public Builder namespace(String ns) {
            this.namespace = Objects.requireNonNull(ns);
            return this;
        }

        /** Name and URL of the simulated backup target (default {@code default}, {@code s3://backups@us-east-1/}). */
        public Builder backupTarget(String name, String url) {
            this.target = Objects.requireNonNull(name);
            this.targetUrl = Objects.requireNonNull(url);
            return this;
        }

        /** The Longhorn version whose naming is simulated (default {@link Naming#V1_9}). */
        public Builder naming(Naming n) {
            this.naming = Objects.requireNonNull(n);
            return this;
        }

        /** Interval of the background thread (default 20 ms). */
        public Builder tick(Duration d) {
            this.tick = Objects.requireNonNull(d);
            return this;
        }

        /** How many ticks a restore takes without a hook (default 4). */
        public Builder restoreTicks(int n) {
            this.restoreTicks = Math.max(1, n);
            return this;
        }

        /** The work of each restore (default: none, progress advances per tick). */
        public Builder restoreHook(RestoreHook h) {
            this.hook = h;
            return this;
        }

        /** Longhorn's own poll of the backup target; zero (default) polls never, syncing only on request. */
        public Builder pollInterval(Duration d) {
            this.pollInterval = Objects.requireNonNull(d);
            return this;
        }

        /** Replica count the webhook fills in when a volume asks for 0 (default 3). */
        public Builder defaultReplicas(int n) {
            this.defaultReplicas = n;
            return this;
        }

        /** Whether to play Kubernetes' PV controller (default true). */
        public Builder pvController(boolean on) {
            this.pvController = on;
            return this;
        }

        /**
         * Start ignoring sync requests (default false): a sync that is asked for, and Longhorn's own poll, never
         * finish. With {@link #startUnsynced} this is a Longhorn whose first sync never completes.
         */
        public Builder ignoreSyncRequests(boolean on) {
            this.ignoreSync = on;
            return this;
        }

        /**
         * Start as Longhorn does right after a rebuild, halfway through its first sync (default false): the
         * BackupTarget has synced once and every BackupVolume exists with its status ({@code lastBackupName}, sizes,
         * labels), but no Backup object exists yet. A volume's Backups appear when a sync of it or of the target is
         * requested, or after the {@linkplain #pollInterval poll interval}, and are inspected one tick later.
         */
        public Builder startUnsynced(boolean on) {
            this.startUnsynced = on;
            return this;
        }

        /** Clock for timestamps. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** Builds the simulation (not started). */
        public SimulatedLonghorn build() {
            return new SimulatedLonghorn(this);
        }
    }
}

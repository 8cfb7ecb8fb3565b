package io.drkit.longhorn.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.drkit.longhorn.testing.LonghornShapes.condition;
import static io.drkit.longhorn.testing.LonghornShapes.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.core.testing.SimulatedLonghornRules;
import io.drkit.core.testing.SimulatedLonghornRules.BindDecision;
import io.drkit.core.testing.SimulatedLonghornRules.ClaimView;
import io.drkit.core.testing.SimulatedLonghornRules.PvView;
import io.drkit.core.testing.SimulatedLonghornRules.VolumePhase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful fake of Longhorn's manager REST API for tests, on WireMock bound to 127.0.0.1: it keeps backup targets,
 * backup volumes, backups, volumes, PVs and PVCs in memory and answers with bodies shaped like the chosen
 * {@link LonghornVersion} ({@link LonghornShapes}). A restore takes a few polls: every {@code GET} of a volume moves
 * it one step (state {@code ""} → {@code creating} → {@code attaching} → {@code attached} restoring with progress →
 * {@code detaching} → {@code detached}), so tests need no sleeps. It mimics Longhorn's traps: bare 404s, the
 * 200-with-empty-object answer of {@code GET /v1/backupvolumes/{unknown}}, 500 envelopes for webhook rejections
 * ({@code cannot get backup ...}), {@code EOF} errors for actions sent without a body, 405 for endpoints a version
 * lacks, sync rate limits, and 1.8+ BackupVolume naming.
 *
 * <p>Reusable by other modules' tests (published in dr-longhorn's test-jar; they need {@code wiremock-jetty12} on
 * their test classpath). Faults can be injected with higher-priority WireMock stubs on {@link #server()}: the
 * simulator's own catch-all stub has priority 10.
 *
 * <pre>{@code
 * try (LonghornSimulator sim = LonghornSimulator.start(LonghornVersion.V1_9)) {
 *     Backup b = sim.publishBackup("pvc-1", "backup-0123456789abcdef", PvcRef.of("shop", "db"), 1L << 30);
 *     // point a client or the CLI at sim.baseUrl()
 * }
 * }</pre>
 */
public final class LonghornSimulator implements AutoCloseable {
    /** URL of the {@code default} backup target. */
    public static final String DEFAULT_TARGET_URL = "s3://backups@us-east-1/";
    /** Name of the WireMock transformer. */
    public static final String TRANSFORMER = "longhorn-simulator";
    private static final String LINK_HOST = "http://longhorn-backend:9500";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> DETACHED_ACTIONS = List.of("attach", "detach", "activate", "expand",
            "cancelExpansion", "replicaRemove", "engineUpgrade", "pvCreate", "pvcCreate", "updateDataLocality",
            "updateAccessMode", "recurringJobAdd", "recurringJobDelete", "recurringJobList");
    private static final List<String> BUSY_ACTIONS = List.of("attach", "detach", "cancelExpansion", "recurringJobAdd",
            "recurringJobDelete", "recurringJobList");

    private final LonghornVersion version;
    private final LonghornShapes shapes;
    private final WireMockServer server;
    private final Object lock = new Object();

    private final Map<String, SimTarget> targets = new LinkedHashMap<>();
    private final Map<String, SimBackupVolume> backupVolumes = new TreeMap<>();
    private final Map<String, SimBackup> backups = new TreeMap<>();
    private final Map<String, SimVol> volumes = new TreeMap<>();
    private final Map<String, SimPv> pvs = new TreeMap<>();
    private final Map<PvcRef, SimPvc> pvcs = new TreeMap<>();
    private final Set<String> failingRestores = new TreeSet<>();
    private final Map<String, Instant> lastSync = new HashMap<>();
    private final AtomicInteger syncRequests = new AtomicInteger();
    private long requestNo;
    private int restorePolls = 3;
    private Duration syncRateLimit = Duration.ofSeconds(10);
    private boolean randomBackupVolumeNames;
    private boolean syncNeverFinishes;

    // ------------------------------------------------------------------ state records

    /** A PersistentVolume as the simulated cluster has it. */
    public record SimPv(String name, String volumeHandle, String storageClassName, String fsType,
                        Optional<PvcRef> claimRef, String reclaimPolicy) {
    }

    /** A PersistentVolumeClaim as the simulated cluster has it. */
    public record SimPvc(PvcRef ref, String volumeName, String storageClassName) {
    }

    /**
     * A volume, as observed by tests.
     *
     * @param name                name
     * @param fromBackup          backup URL, empty for volumes not restored from a backup
     * @param size                bytes
     * @param state               Longhorn state string now
     * @param restored            whether its restore finished (or it was never a restore)
     * @param faulted             whether it is faulted
     * @param labels              its labels (recurring jobs and groups, {@code backup-volume})
     * @param numberOfReplicas    replicas
     * @param staleReplicaTimeout minutes
     * @param accessMode          rwo/rwx
     * @param dataEngine          data engine
     * @param createBody          the JSON body it was created with (empty for volumes the test arranged)
     */
    public record SimVolume(String name, String fromBackup, long size, String state, boolean restored, boolean faulted,
                            Map<String, String> labels, int numberOfReplicas, int staleReplicaTimeout,
                            String accessMode, String dataEngine, String createBody) {
    }

    private record SimTarget(String name, String url, String secret, String pollInterval, boolean available,
                             String message) {
    }

    private static final class SimBackupVolume {
        String id;
        String volumeName;
        String target;
        long size;
        Map<String, String> labels = new LinkedHashMap<>();
        String created = "2026-09-01T10:05:00Z";
        String lastBackupName = "";
        String lastBackupAt = "";
        boolean pointerPinned;
        String storageClassName = "";
        String error = "";
        long hiddenUntil = -1;
    }

    private static final class SimBackup {
        LonghornShapes.SimBackupData data;
        long hiddenUntil = -1;
    }

    private static final class SimVol {
        String name;
        String fromBackup = "";
        String backupName = "";
        String backupVolume = "";
        long size;
        int replicas = 3;
        int staleReplicaTimeout = 2880;
        String accessMode = SimulatedLonghornRules.DEFAULT_ACCESS_MODE;
        String dataEngine = "v1";
        String target = "default";
        String created;
        Map<String, String> labels = new TreeMap<>();
        VolumePhase phase = VolumePhase.DETACHED;
        int restoreStep;
        boolean restoreFails;
        String pvName = "";
        String pvStatus = "";
        String namespace = "";
        String pvcName = "";
        String lastPvcRefAt = "";
        List<Object> workloads;
        String lastPodRefAt = "";
        String createBody = "";
    }

    // ------------------------------------------------------------------ lifecycle

    private LonghornSimulator(LonghornVersion version) {
        this.version = Objects.requireNonNull(version, "version");
        this.shapes = new LonghornShapes(version, LINK_HOST);
        this.server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .notifier(new ConsoleNotifier(false)).extensions(new Transformer()));
        server.start();
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(TRANSFORMER)));
        targets.put("default", new SimTarget("default", DEFAULT_TARGET_URL, "s3-credentials", "5m0s", true, ""));
    }

    /** Starts a simulator of {@code version} on a free port of 127.0.0.1, with the target {@code default}. */
    public static LonghornSimulator start(LonghornVersion version) {
        return new LonghornSimulator(version);
    }

    /** The base URL to give a client ({@code http://127.0.0.1:<port>}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The WireMock server, for verifications and fault-injecting stubs (use a priority below 10). */
    public WireMockServer server() {
        return server;
    }

    /** The simulated version. */
    public LonghornVersion version() {
        return version;
    }

    /** Stops the server; idempotent. */
    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }

    // ------------------------------------------------------------------ arrange

    /** How many volume GETs a restore spends attached and restoring (default 3). */
    public LonghornSimulator restorePolls(int polls) {
        synchronized (lock) {
            restorePolls = Math.max(1, polls);
        }
        return this;
    }

    /** How long Longhorn refuses a repeated sync of the same resource (default 10 s, as Longhorn). */
    public LonghornSimulator syncRateLimit(Duration d) {
        synchronized (lock) {
            syncRateLimit = d;
        }
        return this;
    }

    /** Names new backup volumes {@code <volume>-<8 random hex>} as Longhorn 1.8.0-1.9.0 did (1.9 only). */
    public LonghornSimulator randomBackupVolumeNames() {
        synchronized (lock) {
            randomBackupVolumeNames = true;
        }
        return this;
    }

    /** Adds (or replaces) a backup target; before 1.8 Longhorn has only {@code default}. */
    public LonghornSimulator backupTarget(String name, String url, boolean available, String message) {
        synchronized (lock) {
            targets.put(name, new SimTarget(name, url, name + "-credentials", "5m0s", available, message));
        }
        return this;
    }

    /** The backup-volume id Longhorn of this version gives volume {@code volumeName} on {@code target}. */
    public String backupVolumeId(String volumeName, String target) {
        synchronized (lock) {
            return backupVolumes.values().stream()
                    .filter(bv -> bv.volumeName.equals(volumeName) && bv.target.equals(target))
                    .map(bv -> bv.id).findFirst().orElseGet(() -> newBackupVolumeId(volumeName, target));
        }
    }

    private String newBackupVolumeId(String volumeName, String target) {
        if (version.hasMultipleTargets() && randomBackupVolumeNames) {
            return volumeName + "-" + String.format("%08x", ThreadLocalRandom.current().nextInt() & 0x7fffffff);
        }
        return SimulatedLonghornRules.backupVolumeName(volumeName, target, version.hasMultipleTargets());
    }

    /**
     * Adds a backup volume without backups (or sets its fields).
     *
     * @param lastBackupName the pointer, kept as given even when backups are published later ("" for none)
     */
    public LonghornSimulator backupVolume(String volumeName, String target, long size, Map<String, String> labels,
                                          String lastBackupName, String storageClassName) {
        synchronized (lock) {
            SimBackupVolume bv = bv(volumeName, target);
            bv.size = size;
            bv.labels = new LinkedHashMap<>(labels);
            bv.lastBackupName = lastBackupName == null ? "" : lastBackupName;
            bv.pointerPinned = true;
            bv.storageClassName = storageClassName == null ? "" : storageClassName;
        }
        return this;
    }

    /**
     * Plays Longhorn right after a rebuild, halfway through its first sync: every backup published so far becomes
     * unknown (not listed, not restorable) while its backup volume stays listed with its last-backup pointer. A
     * volume's backups appear when a sync of it ({@code backupVolumeSync}, {@code PUT /v1/backupvolumes}) or of the
     * targets is requested (1.6.2+), or after {@code requestsUntilPoll} more requests (Longhorn's own poll;
     * {@code Long.MAX_VALUE} for never).
     */
    public LonghornSimulator unsyncedBackups(long requestsUntilPoll) {
        synchronized (lock) {
            for (SimBackup b : backups.values()) {
                b.hiddenUntil = requestsUntilPoll == Long.MAX_VALUE ? Long.MAX_VALUE : requestNo + requestsUntilPoll;
            }
        }
        return this;
    }

    /** Whether sync requests are accepted but never finish: nothing unknown appears through a sync (default false). */
    public LonghornSimulator syncNeverFinishes(boolean on) {
        synchronized (lock) {
            syncNeverFinishes = on;
        }
        return this;
    }

    /**
     * Makes a backup volume look as Longhorn lists one its backup target sync has just created and that has not synced
     * itself yet: no creation time, size, labels or pointer.
     */
    public LonghornSimulator backupVolumeNeverSynced(String volumeName, String target) {
        synchronized (lock) {
            SimBackupVolume bv = bv(volumeName, target);
            bv.created = "";
            bv.size = 0;
            bv.labels = new LinkedHashMap<>();
            bv.lastBackupName = "";
            bv.lastBackupAt = "";
            bv.pointerPinned = true;
        }
        return this;
    }

    /** Makes Longhorn report an error for a backup volume ({@code messages.error}). */
    public LonghornSimulator backupVolumeError(String volumeName, String target, String error) {
        synchronized (lock) {
            bv(volumeName, target).error = error;
        }
        return this;
    }

    /** A complete backup of {@code volumeName} belonging to {@code pvc}, on target {@code default}, known to Longhorn. */
    public Backup publishBackup(String volumeName, String backupName, PvcRef pvc, long volumeSize) {
        return backup(volumeName, backupName).pvc(pvc).volumeSize(volumeSize).publish();
    }

    /** Starts describing a backup to publish. */
    public BackupSpec backup(String volumeName, String backupName) {
        return new BackupSpec(volumeName, backupName);
    }

    /** Creates a volume that was not restored from a backup (detached, healthy). */
    public LonghornSimulator createForeignVolume(String name, long size) {
        synchronized (lock) {
            SimVol v = new SimVol();
            v.name = name;
            v.size = size;
            v.created = goTime(Instant.parse("2026-05-04T12:00:00Z"));
            v.labels.put(SimulatedLonghornRules.DEFAULT_GROUP_LABEL, "enabled");
            volumes.put(name, v);
        }
        return this;
    }

    /** Creates a volume restored earlier from {@code backupUrl}, finished and detached. */
    public LonghornSimulator createRestoredVolume(String name, String backupUrl, long size) {
        synchronized (lock) {
            SimVol v = new SimVol();
            v.name = name;
            v.size = size;
            v.fromBackup = backupUrl;
            BackupUrl u = BackupUrl.parse(backupUrl);
            v.backupName = u.backupName();
            v.backupVolume = u.volumeName();
            v.created = goTime(Instant.parse("2026-11-20T09:00:00Z"));
            v.labels.put(LonghornLabels.BACKUP_VOLUME, u.volumeName());
            v.restoreStep = Integer.MAX_VALUE;
            volumes.put(name, v);
        }
        return this;
    }

    /**
     * Creates claim {@code pvc} bound to PV {@code pvName} of a Longhorn volume also named {@code pvName} (attached,
     * in use), as a cluster where that claim already serves another volume.
     */
    public LonghornSimulator createPvcBoundElsewhere(PvcRef pvc, String pvName) {
        synchronized (lock) {
            SimVol v = new SimVol();
            v.name = pvName;
            v.size = 1L << 30;
            v.created = goTime(Instant.parse("2026-05-04T12:00:00Z"));
            v.phase = VolumePhase.IN_USE;
            v.pvName = pvName;
            v.pvStatus = "Bound";
            v.namespace = pvc.namespace();
            v.pvcName = pvc.name();
            v.labels.put(SimulatedLonghornRules.DEFAULT_GROUP_LABEL, "enabled");
            volumes.put(pvName, v);
            pvs.put(pvName, new SimPv(pvName, pvName, "longhorn", "ext4", Optional.of(pvc), "Delete"));
            pvcs.put(pvc, new SimPvc(pvc, pvName, "longhorn"));
        }
        return this;
    }

    /** Makes the next restore of volume {@code volumeName} fail: all replicas fail, the volume becomes faulted. */
    public LonghornSimulator failRestoreOf(String volumeName) {
        synchronized (lock) {
            failingRestores.add(volumeName);
        }
        return this;
    }

    // ------------------------------------------------------------------ observe

    /** A volume, if it exists. */
    public Optional<SimVolume> volume(String name) {
        synchronized (lock) {
            SimVol v = volumes.get(name);
            if (v == null) {
                return Optional.empty();
            }
            return Optional.of(new SimVolume(v.name, v.fromBackup, v.size, state(v),
                    v.phase.ready(), v.phase == VolumePhase.FAULTED,
                    Map.copyOf(v.labels), v.replicas, v.staleReplicaTimeout, v.accessMode, v.dataEngine, v.createBody));
        }
    }

    /** Whether {@code volumeName} exists, was restored from {@code backup} (same backup and volume) and finished. */
    public boolean volumeRestoredFrom(String volumeName, Backup backup) {
        return volume(volumeName).map(v -> v.restored() && !v.fromBackup().isEmpty()
                && backup.url().map(u -> u.sameBackupAs(v.fromBackup())).orElse(false)).orElse(false);
    }

    /** The recurring-job groups a volume's labels select. */
    public Set<String> volumeGroups(String volumeName) {
        Set<String> out = new TreeSet<>();
        volume(volumeName).ifPresent(v -> v.labels().keySet().stream()
                .filter(k -> k.startsWith(LonghornLabels.RECURRING_JOB_GROUP_PREFIX))
                .forEach(k -> out.add(k.substring(LonghornLabels.RECURRING_JOB_GROUP_PREFIX.length()))));
        return out;
    }

    /** A PV, if it exists. */
    public Optional<SimPv> pv(String name) {
        synchronized (lock) {
            return Optional.ofNullable(pvs.get(name));
        }
    }

    /** A claim, if it exists. */
    public Optional<SimPvc> pvc(PvcRef ref) {
        synchronized (lock) {
            return Optional.ofNullable(pvcs.get(ref));
        }
    }

    /** How many sync requests Longhorn accepted or refused so far. */
    public int syncRequests() {
        return syncRequests.get();
    }

    /** Names of all volumes. */
    public Set<String> volumeNames() {
        synchronized (lock) {
            return Set.copyOf(volumes.keySet());
        }
    }

    // ------------------------------------------------------------------ backups

    /** Describes one backup to publish; {@link #publish()} adds it. */
    public final class BackupSpec {
        private final String volumeName;
        private final String name;
        private String target = "default";
        private final Map<String, String> labels = new LinkedHashMap<>();
        private long volumeSize = 1L << 30;
        private long size = -1;
        private Instant snapshotCreated = Instant.parse("2026-11-01T03:00:00Z");
        private Instant created;
        private String state = "Completed";
        private String compression = "lz4";
        private String storageClass = "longhorn";
        private String error = "";
        private long hiddenRequests = -1;
        private boolean hidden;
        private long newlyUploaded = -1;

        private BackupSpec(String volumeName, String name) {
            this.volumeName = volumeName;
            this.name = name;
            labels.put(LonghornLabels.VOLUME_ACCESS_MODE, "rwo");
        }

        /** Records the claim in the {@code KubernetesStatus} label. */
        public BackupSpec pvc(PvcRef pvc) {
            labels.put(LonghornLabels.KUBERNETES_STATUS, KubernetesStatus.bound(pvc, volumeName).toLabelValue());
            return this;
        }

        /** Adds labels. */
        public BackupSpec labels(Map<String, String> l) {
            labels.putAll(l);
            return this;
        }

        /** The target (default {@code default}). */
        public BackupSpec target(String t) {
            this.target = t;
            return this;
        }

        /** Volume size. */
        public BackupSpec volumeSize(long bytes) {
            this.volumeSize = bytes;
            return this;
        }

        /** Stored bytes (default half the volume size). */
        public BackupSpec size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** Snapshot time. */
        public BackupSpec snapshotCreated(Instant t) {
            this.snapshotCreated = t;
            return this;
        }

        /** Completion time (default snapshot time + 47 s). */
        public BackupSpec created(Instant t) {
            this.created = t;
            return this;
        }

        /** Longhorn state ({@code Completed}, {@code InProgress}, {@code Error}, {@code ""}). */
        public BackupSpec state(String s) {
            this.state = s;
            return this;
        }

        /** Compression ({@code lz4}, {@code gzip}, {@code none}). */
        public BackupSpec compression(String c) {
            this.compression = c;
            return this;
        }

        /** Storage class recorded on the backup volume. */
        public BackupSpec storageClass(String sc) {
            this.storageClass = sc;
            return this;
        }

        /** {@code newlyUploadDataSize} on 1.7+ (default: the backup's size, as for a first backup). */
        public BackupSpec newlyUploaded(long bytes) {
            this.newlyUploaded = bytes;
            return this;
        }

        /** Error text (for state {@code Error}). */
        public BackupSpec error(String e) {
            this.error = e;
            return this;
        }

        /**
         * In the store but not yet known to Longhorn: it appears after a sync (1.6.2+) or after
         * {@code requestsUntilPoll} more requests (Longhorn's own poll; {@code Long.MAX_VALUE} for never).
         */
        public BackupSpec notSyncedYet(long requestsUntilPoll) {
            this.hidden = true;
            this.hiddenRequests = requestsUntilPoll;
            return this;
        }

        /** Adds the backup and returns it as a dr-core {@link Backup} (with its URL when complete). */
        public Backup publish() {
            synchronized (lock) {
                SimTarget t = targets.get(target);
                if (t == null) {
                    throw new IllegalArgumentException("no backup target " + target);
                }
                BackupUrl url = BackupTarget.parse(t.url).backupUrl(name, volumeName);
                Instant done = created != null ? created : snapshotCreated.plusSeconds(47);
                long stored = size >= 0 ? size : volumeSize / 2;
                SimBackup b = new SimBackup();
                b.data = new LonghornShapes.SimBackupData(name, volumeName, target, state,
                        state.equals("Completed") ? 100 : state.isEmpty() ? 0 : 37, error, url.url(),
                        "snapshot-" + name.substring(Math.max(0, name.length() - 8)), state.isEmpty() ? ""
                        : snapshotCreated.toString(), done.toString(), stored, volumeSize, Map.copyOf(labels), compression, newlyUploaded);
                boolean bvExisted = backupVolumes.values().stream()
                        .anyMatch(x -> x.volumeName.equals(volumeName) && x.target.equals(target));
                SimBackupVolume bv = bv(volumeName, target);
                if (hidden) {
                    b.hiddenUntil = hiddenRequests == Long.MAX_VALUE ? Long.MAX_VALUE : requestNo + hiddenRequests;
                    if (!bvExisted) {
                        bv.hiddenUntil = b.hiddenUntil;
                    }
                }
                backups.put(name, b);
                if (state.equals("Completed")) {
                    bv.size = volumeSize;
                    bv.labels = new LinkedHashMap<>(labels);
                    bv.storageClassName = storageClass;
                    if (!bv.pointerPinned && (bv.lastBackupAt.isEmpty()
                            || Instant.parse(bv.lastBackupAt).isBefore(snapshotCreated))) {
                        bv.lastBackupName = name;
                        bv.lastBackupAt = snapshotCreated.toString();
                    }
                }
                Backup.Builder core = Backup.builder(name, volumeName).snapshotName(b.data.snapshotName())
                        .snapshotCreatedAt(state.isEmpty() ? null : snapshotCreated)
                        .completedAt(state.equals("Completed") ? done : null).size(stored).volumeSize(volumeSize)
                        .labels(labels).state(BackupState.fromLonghorn(state))
                        .compression(CompressionMethod.parse(compression).orElse(CompressionMethod.GZIP))
                        .error(error.isEmpty() ? null : error);
                if (state.equals("Completed")) {
                    core.url(url);
                }
                return core.build();
            }
        }
    }

    private SimBackupVolume bv(String volumeName, String target) {
        for (SimBackupVolume bv : backupVolumes.values()) {
            if (bv.volumeName.equals(volumeName) && bv.target.equals(target)) {
                return bv;
            }
        }
        SimBackupVolume bv = new SimBackupVolume();
        bv.id = newBackupVolumeId(volumeName, target);
        bv.volumeName = volumeName;
        bv.target = target;
        backupVolumes.put(bv.id, bv);
        return bv;
    }

    // ------------------------------------------------------------------ HTTP

    private record Reply(int status, String body, String contentType) {
        static Reply json(Object o) {
            return new Reply(200, LonghornShapes.json(o), "application/json");
        }
    }

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Reply r;
            try {
                r = handle(event.getRequest());
            } catch (RuntimeException e) {
                r = new Reply(500, LonghornShapes.json(shapes.error(500, "simulator: " + e, event.getRequest().getUrl())),
                        "application/json");
            }
            ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(r.status());
            if (r.contentType() != null) {
                b.withHeader("Content-Type", r.contentType());
                if (r.contentType().startsWith("application/json")) {
                    b.withHeader("X-Api-Schemas", LINK_HOST + "/v1/schemas");
                }
            }
            if (r.body() != null) {
                b.withBody(r.body());
            }
            return b.build();
        }

        @Override
        public String getName() {
            return TRANSFORMER;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }
    }

    private Reply handle(Request req) {
        String method = req.getMethod().getName();
        String url = req.getUrl();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        QueryParameter ap = req.queryParameter("action");
        String action = ap != null && ap.isPresent() ? ap.firstValue() : null;
        List<String> seg = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                seg.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        String body = req.getBodyAsString();
        synchronized (lock) {
            requestNo++;
            if (seg.isEmpty() || !seg.get(0).equals("v1")) {
                return notFoundText();
            }
            if (seg.size() == 1) {
                return Reply.json(obj("type", "apiVersion", "id", "v1", "links", obj("self", LINK_HOST + "/v1")));
            }
            String coll = seg.get(1);
            String id = seg.size() > 2 ? seg.get(2) : null;
            if (seg.size() > 3) {
                return notFoundText();
            }
            return switch (coll) {
                case "schemas" -> id == null ? notFoundText() : schema(id);
                case "backuptargets" -> backupTargets(method, id, action, path);
                case "backupvolumes" -> backupVolumesRoute(method, id, action, body, path, url);
                case "volumes" -> volumesRoute(method, id, action, body, path, url);
                default -> notFoundText();
            };
        }
    }

    private static Reply notFoundText() {
        return new Reply(404, "404 page not found\n", "text/plain; charset=utf-8");
    }

    private static Reply methodNotAllowed() {
        return new Reply(405, null, null);
    }

    private Reply error(int status, String message, String path) {
        return new Reply(status, LonghornShapes.json(shapes.error(status, message, path)), "application/json");
    }

    private Reply schema(String id) {
        String res = version.fixture("schema-" + id + ".json");
        try (InputStream in = LonghornSimulator.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                return notFoundText();
            }
            return new Reply(200, new String(in.readAllBytes(), StandardCharsets.UTF_8), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // backup targets

    private Reply backupTargets(String method, String name, String action, String path) {
        if (name == null) {
            if (method.equals("GET")) {
                return Reply.json(shapes.collection("backupTarget", targets.values().stream()
                        .filter(t -> version.hasMultipleTargets() || t.name.equals("default"))
                        .map(this::renderTarget).toList(), path));
            }
            if (method.equals("PUT") && version.hasSync()) {
                syncRequests.incrementAndGet();
                revealAll();
                return backupTargets("GET", null, null, path);
            }
            return methodNotAllowed();
        }
        if (method.equals("POST") && "backupTargetSync".equals(action) && version.hasSync()) {
            SimTarget t = targets.get(name);
            if (t == null) {
                return error(404, "failed to get backup target " + name + ": backuptargets.longhorn.io \"" + name
                        + "\" not found", path);
            }
            syncRequests.incrementAndGet();
            if (rateLimited("bt/" + name)) {
                return error(500, "failed to synchronize backup target " + name + ": cannot synchronize backup target '"
                        + name + "' in 10 seconds", path);
            }
            revealAll();
            return Reply.json(renderTarget(t));
        }
        if (method.equals("GET") && version.hasMultipleTargets()) {
            SimTarget t = targets.get(name);
            return t == null ? error(404, "backuptargets.longhorn.io \"" + name + "\" not found", path)
                    : Reply.json(renderTarget(t));
        }
        return version.hasSync() ? methodNotAllowed() : notFoundText();
    }

    private Map<String, Object> renderTarget(SimTarget t) {
        return shapes.backupTarget(t.name, t.url, t.secret, t.pollInterval, t.available, t.message);
    }

    private boolean rateLimited(String key) {
        Instant now = Instant.now();
        Instant last = lastSync.get(key);
        if (last != null && Duration.between(last, now).compareTo(syncRateLimit) < 0) {
            return true;
        }
        lastSync.put(key, now);
        return false;
    }

    private void revealAll() {
        if (syncNeverFinishes) {
            return;
        }
        for (SimBackup b : backups.values()) {
            if (b.hiddenUntil > requestNo) {
                b.hiddenUntil = requestNo + 1;
            }
        }
        for (SimBackupVolume bv : backupVolumes.values()) {
            if (bv.hiddenUntil > requestNo) {
                bv.hiddenUntil = requestNo + 1;
            }
        }
    }

    private void revealBackupsOf(SimBackupVolume bv) {
        if (syncNeverFinishes) {
            return;
        }
        for (SimBackup b : backups.values()) {
            if (b.data.volumeName().equals(bv.volumeName) && b.data.target().equals(bv.target) && b.hiddenUntil > requestNo) {
                b.hiddenUntil = requestNo + 1;
            }
        }
    }

    private boolean visible(SimBackup b) {
        return b.hiddenUntil <= requestNo;
    }

    private boolean visible(SimBackupVolume bv) {
        return bv.hiddenUntil <= requestNo;
    }

    // backup volumes

    private Reply backupVolumesRoute(String method, String id, String action, String body, String path, String url) {
        if (id == null) {
            if (method.equals("GET")) {
                return Reply.json(shapes.collection("backupVolume", backupVolumes.values().stream().filter(this::visible)
                        .map(this::renderBackupVolume).toList(), path));
            }
            if (method.equals("PUT") && version.hasSync()) {
                syncRequests.incrementAndGet();
                backupVolumes.values().stream().filter(this::visible).forEach(this::revealBackupsOf);
                return backupVolumesRoute("GET", null, null, body, path, url);
            }
            return methodNotAllowed();
        }
        if (method.equals("GET")) {
            SimBackupVolume bv = backupVolumes.get(id);
            if (bv == null || !visible(bv)) {
                // Longhorn turns NotFound into an almost empty object, for its CSI plugin
                return Reply.json(shapes.backupVolume(id, "", "", "", null, "", "", "", "", null, ""));
            }
            return Reply.json(renderBackupVolume(bv));
        }
        if (!method.equals("POST") || action == null) {
            return method.equals("DELETE") ? Reply.json(obj()) : methodNotAllowed();
        }
        SimBackupVolume bv = backupVolumes.get(id);
        boolean known = bv != null && visible(bv);
        switch (action) {
            case "backupList" -> {
                List<Object> items = new ArrayList<>();
                if (known) {
                    backups.values().stream().filter(this::visible)
                            .filter(b -> b.data.volumeName().equals(bv.volumeName) && b.data.target().equals(bv.target))
                            .forEach(b -> items.add(shapes.backup(b.data)));
                }
                return Reply.json(shapes.collection("backup", items, url));
            }
            case "backupListByVolume" -> {
                if (!version.hasMultipleTargets()) {
                    return methodNotAllowed();
                }
                JsonNode in = readBody(body);
                if (in == null) {
                    return error(500, "EOF", url);
                }
                String vol = in.path("name").asText("");
                List<Object> items = new ArrayList<>();
                backups.values().stream().filter(this::visible).filter(b -> b.data.volumeName().equals(vol))
                        .forEach(b -> items.add(shapes.backup(b.data)));
                return Reply.json(shapes.collection("backup", items, url));
            }
            case "backupGet" -> {
                JsonNode in = readBody(body);
                if (in == null) {
                    return error(500, "EOF", url);
                }
                String name = in.path("name").asText("");
                if (name.isEmpty()) {
                    return error(500, "empty backup name is not allowed", url);
                }
                SimBackup b = backups.get(name);
                if (b == null || !visible(b)) {
                    return error(404, "failed to get backup '" + name + "' of volume '" + id + "': backups.longhorn.io \""
                            + name + "\" not found", url);
                }
                return Reply.json(shapes.backup(b.data));
            }
            case "backupVolumeSync" -> {
                if (!version.hasSync()) {
                    return methodNotAllowed();
                }
                JsonNode in = readBody(body);
                if (in == null) {
                    return error(500, "EOF", url);
                }
                syncRequests.incrementAndGet();
                if (!known) {
                    return error(404, "failed to synchronize backup volume " + id + ": backupvolumes.longhorn.io \"" + id
                            + "\" not found", url);
                }
                if (in.path("syncBackupVolume").asBoolean(false)) {
                    if (rateLimited("bv/" + id)) {
                        return error(500, "failed to synchronize backup volume " + id
                                + ": failed to synchronize backup volume '" + id + "' in 10 seconds", url);
                    }
                    revealBackupsOf(bv);
                }
                return Reply.json(renderBackupVolume(bv));
            }
            default -> {
                return methodNotAllowed();
            }
        }
    }

    private Map<String, Object> renderBackupVolume(SimBackupVolume bv) {
        Map<String, String> messages = bv.error.isEmpty() ? Map.of() : Map.of("error", bv.error);
        return shapes.backupVolume(bv.id, bv.volumeName, bv.target, bv.size == 0 ? "" : Long.toString(bv.size),
                bv.labels.isEmpty() ? null : bv.labels, bv.created, bv.lastBackupName, bv.lastBackupAt,
                bv.size == 0 ? "" : Long.toString(bv.size / 2), messages, bv.storageClassName);
    }

    // volumes

    private Reply volumesRoute(String method, String name, String action, String body, String path, String url) {
        if (name == null) {
            if (method.equals("GET")) {
                return Reply.json(shapes.collection("volume", volumes.values().stream().map(this::renderVolume).toList(),
                        path));
            }
            if (method.equals("POST")) {
                return createVolume(body, path);
            }
            return methodNotAllowed();
        }
        SimVol v = volumes.get(name);
        if (method.equals("GET")) {
            if (v == null) {
                return new Reply(404, null, null); // responseWithVolume writes a bare 404
            }
            advance(v);
            return Reply.json(renderVolume(v));
        }
        if (method.equals("DELETE")) {
            volumes.remove(name);
            return Reply.json(obj());
        }
        if (!method.equals("POST") || action == null) {
            return methodNotAllowed();
        }
        if (v == null) {
            return error(404, "failed to get volume: volumes.longhorn.io \"" + name + "\" not found", url);
        }
        return switch (action) {
            case "pvCreate" -> pvCreate(v, body, url);
            case "pvcCreate" -> pvcCreate(v, body, url);
            case "recurringJobList" -> Reply.json(recurringJobs(v, url));
            case "recurringJobAdd" -> {
                JsonNode in = readBody(body);
                if (in == null) {
                    yield error(500, "failed to read volumeRecurringJobInput: EOF", url);
                }
                String prefix = in.path("isGroup").asBoolean(false) ? LonghornLabels.RECURRING_JOB_GROUP_PREFIX
                        : LonghornLabels.RECURRING_JOB_PREFIX;
                v.labels.put(prefix + in.path("name").asText(), "enabled");
                yield Reply.json(recurringJobs(v, url));
            }
            default -> methodNotAllowed();
        };
    }

    private Map<String, Object> recurringJobs(SimVol v, String url) {
        List<Object> items = new ArrayList<>();
        v.labels.forEach((k, val) -> {
            if (k.startsWith(LonghornLabels.RECURRING_JOB_GROUP_PREFIX)) {
                String n = k.substring(LonghornLabels.RECURRING_JOB_GROUP_PREFIX.length());
                items.add(shapes.resource("volumeRecurringJob", n, "/v1/volumerecurringjobs/" + n, List.of(),
                        obj("name", n, "isGroup", true)));
            } else if (k.startsWith(LonghornLabels.RECURRING_JOB_PREFIX) && !k.equals(LonghornLabels.RECURRING_JOB_SOURCE)) {
                String n = k.substring(LonghornLabels.RECURRING_JOB_PREFIX.length());
                items.add(shapes.resource("volumeRecurringJob", n, "/v1/volumerecurringjobs/" + n, List.of(),
                        obj("name", n, "isGroup", false)));
            }
        });
        return shapes.collection("volumeRecurringJob", items, url);
    }

    private static JsonNode readBody(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.createObjectNode().put("__invalid", e.getMessage());
        }
    }

    private Reply createVolume(String body, String path) {
        JsonNode in = readBody(body);
        if (in == null) {
            return error(500, "EOF", path);
        }
        if (in.has("__invalid")) {
            return error(500, in.get("__invalid").asText(), path);
        }
        for (String f : List.of("size", "fromBackup", "name", "accessMode", "dataEngine")) {
            if (in.has(f) && !in.get(f).isTextual() && !in.get(f).isNull()) {
                return error(500, "json: cannot unmarshal " + in.get(f).getNodeType().name().toLowerCase()
                        + " into Go struct field Volume." + f + " of type string", path);
            }
        }
        for (String f : List.of("numberOfReplicas", "staleReplicaTimeout")) {
            if (in.has(f) && !in.get(f).isIntegralNumber()) {
                return error(500, "json: cannot unmarshal " + in.get(f).getNodeType().name().toLowerCase()
                        + " into Go struct field Volume." + f + " of type int", path);
            }
        }
        String name = in.path("name").asText("");
        String prefix = "failed to create volume: unable to create volume " + name + ": ";
        if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || name.length() > 40) {
            return error(500, prefix + "admission webhook \"validator.longhorn.io\" denied the request: invalid name "
                    + name, path);
        }
        if (volumes.containsKey(name)) {
            return error(500, prefix + "volumes.longhorn.io \"" + name + "\" already exists", path);
        }
        String fromBackup = in.path("fromBackup").asText("");
        SimVol v = new SimVol();
        v.name = name;
        v.createBody = body;
        v.created = goTime(Instant.now());
        if (!fromBackup.isEmpty()) {
            BackupUrl u;
            try {
                u = BackupUrl.parse(fromBackup);
            } catch (RuntimeException e) {
                return error(500, prefix + "admission webhook \"mutator.longhorn.io\" denied the request: cannot get "
                        + "backup and volume name from backup URL " + fromBackup + ": " + e.getMessage(), path);
            }
            String deny = prefix + "admission webhook \"mutator.longhorn.io\" denied the request: ";
            SimBackup b = backups.get(u.backupName());
            boolean backupKnown = b != null && visible(b);
            if (!version.hasMultipleTargets()) {
                SimBackupVolume bv = backupVolumes.get(u.volumeName());
                if (bv == null || !visible(bv)) {
                    return error(500, deny + "cannot get backup volume " + u.volumeName() + ": backupvolumes.longhorn.io \""
                            + u.volumeName() + "\" not found", path);
                }
            }
            if (!backupKnown) {
                return error(500, deny + "cannot get backup " + u.backupName() + ": backups.longhorn.io \""
                        + u.backupName() + "\" not found", path);
            }
            if (version.hasMultipleTargets()) {
                String target = b.data.target();
                boolean bvKnown = backupVolumes.values().stream().anyMatch(x -> x.volumeName.equals(u.volumeName())
                        && x.target.equals(target) && visible(x));
                if (!bvKnown) {
                    return error(500, deny + "cannot get backup volume for backup target " + target + " and volume "
                            + u.volumeName() + ": backupvolumes.longhorn.io not found", path);
                }
                v.target = target;
            }
            v.fromBackup = fromBackup;
            v.backupName = u.backupName();
            v.backupVolume = u.volumeName();
            v.size = b.data.volumeSize();
            v.labels.put(LonghornLabels.BACKUP_VOLUME, u.volumeName());
            v.phase = VolumePhase.NEW;
            v.restoreFails = failingRestores.remove(name);
            v.accessMode = SimulatedLonghornRules.restoredAccessMode(in.path("accessMode").asText(""), b.data.labels());
        } else {
            v.size = parseSize(in.path("size").asText("0"));
            v.accessMode = in.path("accessMode").asText("").isEmpty() ? SimulatedLonghornRules.DEFAULT_ACCESS_MODE
                    : in.path("accessMode").asText();
        }
        v.replicas = SimulatedLonghornRules.replicas(in.path("numberOfReplicas").asInt(0),
                SimulatedLonghornRules.DEFAULT_REPLICAS);
        v.staleReplicaTimeout = in.path("staleReplicaTimeout").asInt(0);
        if (version.hasDataEngine()) {
            v.dataEngine = in.path("dataEngine").asText("").isEmpty() ? "v1" : in.path("dataEngine").asText();
        }
        for (JsonNode s : in.path("recurringJobSelector")) {
            String p = s.path("isGroup").asBoolean(false) ? LonghornLabels.RECURRING_JOB_GROUP_PREFIX
                    : LonghornLabels.RECURRING_JOB_PREFIX;
            v.labels.put(p + s.path("name").asText(), "enabled");
        }
        SimulatedLonghornRules.addDefaultRecurringJobGroup(v.labels);
        volumes.put(name, v);
        return Reply.json(renderVolume(v));
    }

    private static long parseSize(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Reply pvCreate(SimVol v, String body, String url) {
        JsonNode in = readBody(body);
        if (in == null) {
            return error(500, "failed to read pvCreateInput: EOF", url);
        }
        String prefix = "unable to create PV for volume " + v.name + ": ";
        if (!v.pvName.isEmpty()) {
            return error(500, prefix + "volume already had PV " + v.pvName, url);
        }
        String pvName = in.path("pvName").asText("").isEmpty() ? v.name : in.path("pvName").asText();
        if (pvs.containsKey(pvName)) {
            return error(500, prefix + "persistentvolumes \"" + pvName + "\" already exists", url);
        }
        String sc = version.hasPvCreateStorageClass() ? in.path("storageClassName").asText("") : "";
        if (sc.isEmpty() && version.hasPvCreateStorageClass() && !v.fromBackup.isEmpty()) {
            sc = backupVolumes.values().stream().filter(bv -> bv.volumeName.equals(v.backupVolume))
                    .map(bv -> bv.storageClassName).findFirst().orElse("");
        }
        if (sc.isEmpty()) {
            sc = "longhorn-static";
        }
        String fs = in.path("fsType").asText("").isEmpty() ? "ext4" : in.path("fsType").asText();
        pvs.put(pvName, new SimPv(pvName, v.name, sc, fs, Optional.empty(), "Retain"));
        v.pvName = pvName;
        v.pvStatus = "";
        return Reply.json(renderVolume(v));
    }

    private Reply pvcCreate(SimVol v, String body, String url) {
        JsonNode in = readBody(body);
        if (in == null) {
            return error(500, "failed to read pvcCreateInput: EOF", url);
        }
        String prefix = "unable to create PVC for volume " + v.name + ": ";
        if (v.lastPvcRefAt.isEmpty() && !v.pvcName.isEmpty()) {
            return error(500, prefix + "volume already had PVC " + v.pvcName, url);
        }
        SimPv pv = pvs.get(v.pvName);
        if (v.pvName.isEmpty() || pv == null || v.pvStatus.equals("Bound")) {
            return error(500, prefix + "cannot found PV " + v.pvName + " or the PV status " + v.pvStatus
                    + " is invalid for PVC creation", url);
        }
        String ns = in.path("namespace").asText("");
        String pvcName = in.path("pvcName").asText("").isEmpty() ? v.name : in.path("pvcName").asText();
        if (ns.isEmpty()) {
            return error(500, prefix + "an empty namespace may not be set when a resource name is provided", url);
        }
        PvcRef ref = PvcRef.of(ns, pvcName);
        if (pvcs.containsKey(ref)) {
            return error(500, prefix + "persistentvolumeclaims \"" + pvcName + "\" already exists", url);
        }
        pvcs.put(ref, new SimPvc(ref, pv.name(), pv.storageClassName()));
        return Reply.json(renderVolume(v));
    }

    /**
     * One GET moves the volume one step along its restore ({@link VolumePhase#next}), and lets the PV controller act
     * ({@link SimulatedLonghornRules#decideBinding}, without its fit check).
     */
    private void advance(SimVol v) {
        VolumePhase before = v.phase;
        v.phase = before.next(v.restoreStep >= restorePolls, v.restoreFails);
        switch (before) {
            case NEW -> {
                SimBackup b = backups.get(v.backupName);
                if (b != null) {
                    String ks = b.data.labels().get(LonghornLabels.KUBERNETES_STATUS);
                    if (ks != null) {
                        KubernetesStatus k = KubernetesStatus.parse(ks);
                        v.namespace = k.namespace();
                        v.pvcName = k.pvcName();
                        v.lastPvcRefAt = k.pvcName().isEmpty() ? "" : b.data.snapshotCreated();
                    }
                }
            }
            case ATTACHING -> v.restoreStep = 1;
            case RESTORING -> {
                if (v.phase == VolumePhase.RESTORING) {
                    v.restoreStep++;
                }
            }
            default -> {
                // nothing beyond the phase
            }
        }
        if (!v.pvName.isEmpty() && v.pvStatus.isEmpty()) {
            v.pvStatus = SimulatedLonghornRules.PV_AVAILABLE;
        } else if (!v.pvName.isEmpty() && v.pvStatus.equals(SimulatedLonghornRules.PV_AVAILABLE)) {
            SimPv pv = pvs.get(v.pvName);
            List<ClaimView> claims = pvcs.values().stream().map(c -> new ClaimView(c.ref(), "",
                    Optional.of(c.volumeName()), false, c.storageClassName(), 0, List.of(), "Filesystem")).toList();
            PvView view = new PvView(pv.name(), pv.claimRef(), "", pv.storageClassName(), 0, List.of(), "Filesystem");
            if (SimulatedLonghornRules.decideBinding(view, claims, false) instanceof BindDecision.Bind bind) {
                PvcRef c = bind.claim().ref();
                pvs.put(pv.name(), new SimPv(pv.name(), pv.volumeHandle(), pv.storageClassName(), pv.fsType(),
                        Optional.of(c), pv.reclaimPolicy()));
                v.pvStatus = SimulatedLonghornRules.BOUND;
                v.namespace = c.namespace();
                v.pvcName = c.name();
                v.lastPvcRefAt = "";
            }
        }
    }

    private static String state(SimVol v) {
        return v.phase.state();
    }

    private Map<String, Object> renderVolume(SimVol v) {
        boolean restore = !v.fromBackup.isEmpty();
        boolean fresh = v.phase == VolumePhase.NEW;
        boolean restoring = v.phase.restoring();
        boolean running = v.phase == VolumePhase.RESTORING || v.phase == VolumePhase.IN_USE;
        String robustness = v.phase.robustness();
        Map<String, Object> conditions = new TreeMap<>();
        if (!fresh) {
            SimulatedLonghornRules.Condition restoreCondition = v.phase
                    .restoreCondition(SimulatedLonghornRules.RESTORE_FAILURE_MESSAGE).orElseThrow();
            conditions.put(restoreCondition.type(), condition(restoreCondition.type(), restoreCondition.status(),
                    restoreCondition.reason(), restoreCondition.message()));
            conditions.put("Scheduled", condition("Scheduled", "True", "", ""));
            conditions.put("TooManySnapshots", condition("TooManySnapshots", "False", "", ""));
            conditions.put("WaitForBackingImage", condition("WaitForBackingImage", "False", "", ""));
        }
        Map<String, Object> ks = obj("pvName", v.pvName, "pvStatus", v.pvStatus, "namespace", fresh ? "" : v.namespace,
                "pvcName", fresh ? "" : v.pvcName, "lastPVCRefAt", fresh ? "" : v.lastPvcRefAt,
                "workloadsStatus", v.workloads, "lastPodRefAt", v.lastPodRefAt);
        List<Object> replicaList = new ArrayList<>();
        List<Object> controllers = new ArrayList<>();
        List<Object> restoreStatus = new ArrayList<>();
        if (!fresh && v.phase != VolumePhase.CREATING) {
            for (int i = 0; i < v.replicas; i++) {
                replicaList.add(shapes.replica(v.name, i, running));
            }
            controllers.add(shapes.controller(v.name, running,
                    restore && (v.phase == VolumePhase.DETACHING || v.phase == VolumePhase.DETACHED) ? v.backupName : "",
                    restore ? v.backupName : "", v.size));
        }
        if (v.phase == VolumePhase.RESTORING || v.phase == VolumePhase.DETACHING) {
            int progress = v.phase == VolumePhase.DETACHING ? 100
                    : SimulatedLonghornRules.percent(v.restoreStep, restorePolls + 1);
            for (int i = 0; i < v.replicas; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) replicaList.get(i);
                restoreStatus.add(shapes.restoreStatus((String) r.get("name"), Math.min(100, progress + i),
                        v.phase == VolumePhase.DETACHING ? "complete" : "in_progress", "", v.fromBackup));
            }
        }
        boolean restoreRequired = restore && v.phase.restoreRequired();
        boolean ready = v.phase.ready();
        List<String> actions = fresh ? List.of("attach", "detach") : restoring || v.phase == VolumePhase.DETACHING
                ? BUSY_ACTIONS : v.phase == VolumePhase.FAULTED ? List.of("attach", "detach", "salvage") : DETACHED_ACTIONS;
        return shapes.volume(new LonghornShapes.VolumeView(v.name, v.size, state(v), robustness, ready, restoreRequired,
                restore && !fresh, v.fromBackup, v.staleReplicaTimeout, v.replicas, v.accessMode, v.dataEngine,
                v.target, v.created, conditions, ks, replicaList, controllers, restoreStatus, actions));
    }

    private static String goTime(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(t);
    }

    @Override
    public String toString() {
        return "LonghornSimulator[" + version + " at " + baseUrl() + ", volumes=" + volumeNames() + "]";
    }

    /** For tests that want the ids in Longhorn's sort order. */
    public List<String> backupVolumeIds() {
        synchronized (lock) {
            return new ArrayList<>(backupVolumes.keySet());
        }
    }

}

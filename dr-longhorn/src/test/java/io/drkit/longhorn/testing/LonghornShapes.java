package io.drkit.longhorn.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders resources the way Longhorn's manager writes them for one {@link LonghornVersion}: Rancher envelope
 * ({@code id}, {@code type}, {@code links}, {@code actions}), exactly the fields of that version's structs in
 * {@code api/model.go}, and keys sorted at every level (Longhorn converts resources to Go maps before encoding).
 * Used by {@link LonghornSimulator}; the static fixtures under {@code src/test/resources/longhorn/} have the same
 * shapes, which {@code LonghornSimulatorShapeTest} checks.
 */
public final class LonghornShapes {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final LonghornVersion version;
    private final String host;

    /** Shapes of {@code version}; links point at {@code host} (as Longhorn builds them from the request). */
    public LonghornShapes(LonghornVersion version, String host) {
        this.version = version;
        this.host = host;
    }

    /** A sorted JSON object from alternating keys and values. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** JSON text of a value. */
    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A resource envelope of {@code type} with {@code fields}, self link {@code path}, actions by name. */
    public Map<String, Object> resource(String type, String id, String path, Collection<String> actions,
                                        Map<String, Object> fields) {
        Map<String, Object> m = new TreeMap<>(fields);
        m.put("id", id);
        m.put("type", type);
        m.put("links", obj("self", host + path));
        Map<String, Object> acts = new TreeMap<>();
        for (String a : actions) {
            acts.put(a, host + path + "?action=" + a);
        }
        m.put("actions", acts);
        return m;
    }

    /** A collection ({@code data} always present, possibly empty). */
    public Map<String, Object> collection(String resourceType, List<?> items, String selfPath) {
        return obj("type", "collection", "resourceType", resourceType, "links", obj("self", host + selfPath),
                "data", new ArrayList<>(items));
    }

    /** Longhorn's error envelope. */
    public Map<String, Object> error(int status, String message, String selfPath) {
        String code = switch (status) {
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            default -> "Internal Server Error";
        };
        return obj("actions", obj(), "code", code, "detail", "", "links", obj("self", host + selfPath),
                "message", message, "status", status, "type", "error");
    }

    /** A backup target. */
    public Map<String, Object> backupTarget(String name, String url, String secret, String pollInterval,
                                            boolean available, String message) {
        Map<String, Object> f = obj("backupTargetURL", url, "credentialSecret", secret, "pollInterval", pollInterval,
                "available", available, "message", message);
        List<String> actions = new ArrayList<>();
        if (version.hasSync()) {
            f.put("name", name);
            actions.add("backupTargetSync");
        }
        if (version.hasMultipleTargets()) {
            actions.add("backupTargetUpdate");
        }
        return resource("backupTarget", name, "/v1/backuptargets/" + name, actions, f);
    }

    /** A backup volume; {@code messages} may be null. */
    public Map<String, Object> backupVolume(String id, String volumeName, String target, String size,
                                            Map<String, String> labels, String created, String lastBackupName,
                                            String lastBackupAt, String dataStored, Map<String, String> messages,
                                            String storageClassName) {
        Map<String, Object> f = obj("name", id, "size", size, "labels", labels, "created", created,
                "lastBackupName", lastBackupName, "lastBackupAt", lastBackupAt, "dataStored", dataStored,
                "messages", messages, "backingImageName", "", "backingImageChecksum", "");
        List<String> actions = new ArrayList<>(List.of("backupList", "backupGet", "backupDelete"));
        if (version.hasPvCreateStorageClass()) {
            f.put("storageClassName", storageClassName);
        }
        if (version.hasSync()) {
            actions.add("backupVolumeSync");
        }
        if (version.hasMultipleTargets()) {
            f.put("backupTargetName", target);
            f.put("volumeName", volumeName);
            actions.add("backupListByVolume");
        }
        return resource("backupVolume", id, "/v1/backupvolumes/" + id, actions, f);
    }

    /** A backup. */
    public Map<String, Object> backup(SimBackupData b) {
        boolean done = b.state().equals("Completed");
        Map<String, Object> f = obj("name", b.name(), "state", b.state(), "progress", b.progress(), "error", b.error(),
                "url", done ? b.url() : "", "snapshotName", b.state().isEmpty() ? "" : b.snapshotName(),
                "snapshotCreated", b.snapshotCreated(), "created", done ? b.created() : "",
                "size", done ? Long.toString(b.size()) : "", "labels", b.labels(), "messages", done ? null : obj(),
                "volumeName", b.volumeName(), "volumeSize", b.state().isEmpty() ? "" : Long.toString(b.volumeSize()),
                "volumeCreated", b.state().isEmpty() ? "" : "2026-09-01T10:00:00Z", "volumeBackingImageName", "");
        if (version.hasPvCreateStorageClass()) {
            f.put("compressionMethod", done ? b.compression() : "");
        }
        if (version.hasBackupMode()) {
            f.put("backupMode", b.state().isEmpty() ? "" : "incremental");
            f.put("newlyUploadDataSize", done ? Long.toString(b.newlyUploaded() >= 0 ? b.newlyUploaded() : b.size()) : "");
            f.put("reUploadedDataSize", done ? "0" : "");
        }
        if (version.hasMultipleTargets()) {
            f.put("backupTargetName", b.target());
        }
        return resource("backup", b.name(), "/v1/backups/" + b.name(), List.of(), f);
    }

    /**
     * The data of one backup as the simulator keeps it.
     *
     * @param name            backup name
     * @param volumeName      original volume
     * @param target          backup target name
     * @param state           Longhorn state string
     * @param progress        0-100
     * @param error           error text
     * @param url             backup URL
     * @param snapshotName    snapshot
     * @param snapshotCreated RFC 3339
     * @param created         RFC 3339
     * @param size            bytes
     * @param volumeSize      bytes
     * @param labels          labels
     * @param compression     lz4/gzip/none
     * @param newlyUploaded   {@code newlyUploadDataSize} (1.7+); negative: the backup's size
     */
    public record SimBackupData(String name, String volumeName, String target, String state, int progress, String error,
                                String url, String snapshotName, String snapshotCreated, String created, long size,
                                long volumeSize, Map<String, String> labels, String compression, long newlyUploaded) {
    }

    /** Fields every version's volume has, apart from the version-specific ones added by {@link #volume}. */
    public Map<String, Object> volume(VolumeView v) {
        String image = "longhornio/longhorn-engine:" + version.tag();
        boolean running = v.state().equals("attached");
        Map<String, Object> f = obj("name", v.name(), "size", Long.toString(v.size()), "frontend", "blockdev",
                "disableFrontend", false, "fromBackup", v.fromBackup(), "restoreVolumeRecurringJob", "ignored",
                "dataSource", "", "dataLocality", "disabled", "staleReplicaTimeout", v.staleReplicaTimeout(),
                "state", v.state(), "robustness", v.robustness(), "currentImage", running ? image : "",
                "backingImage", "", "created", v.created(), "lastBackup", "", "lastBackupAt", "", "lastAttachedBy", "",
                "standby", false, "restoreRequired", v.restoreRequired(), "revisionCounterDisabled", false,
                "snapshotDataIntegrity", "ignored", "unmapMarkSnapChainRemoved", "ignored", "diskSelector", List.of(),
                "nodeSelector", List.of(), "recurringJobSelector", null, "numberOfReplicas", v.replicas(),
                "replicaAutoBalance", "ignored", "conditions", v.conditions(), "kubernetesStatus", v.kubernetesStatus(),
                "cloneStatus", version.hasDataEngine()
                        ? obj("sourceVolume", "", "snapshot", "", "state", "", "attemptCount", 0, "nextAllowedAttemptAt", "")
                        : obj("sourceVolume", "", "snapshot", "", "state", ""),
                "ready", v.ready(), "accessMode", v.accessMode(), "shareEndpoint", "", "shareState", "",
                "migratable", false, "encrypted", false, "replicas", v.replicaList(), "controllers", v.controllers(),
                "backupStatus", List.of(), "restoreStatus", v.restoreStatus(), "purgeStatus", null,
                "rebuildStatus", List.of());
        f.put(version.hasDataEngine() ? "image" : "engineImage", image);
        if (version.hasRestoreInitiated()) {
            f.put("restoreInitiated", v.restoreInitiated());
        }
        if (version.hasDataEngine()) {
            f.put("backupCompressionMethod", "lz4");
            f.put("replicaSoftAntiAffinity", "ignored");
            f.put("replicaZoneSoftAntiAffinity", "ignored");
            f.put("replicaDiskSoftAntiAffinity", "ignored");
            f.put("dataEngine", v.dataEngine());
            f.put("snapshotMaxCount", 250);
            f.put("snapshotMaxSize", "0");
            f.put("freezeFilesystemForSnapshot", "ignored");
        }
        if (version.hasVolumeAttachment()) {
            Map<String, Object> att = new TreeMap<>();
            if (v.state().equals("attaching") || v.state().equals("attached")) {
                String id = "volume-restore-controller-" + v.name();
                att.put(id, obj("attachmentID", id, "attachmentType", "volume-restore-controller", "nodeID", "node-1",
                        "parameters", obj("disableFrontend", "true"), "satisfied", running, "conditions", null));
            }
            f.put("volumeAttachment", obj("attachments", att, "volume", v.name()));
        }
        if (version.hasMultipleTargets()) {
            f.put("backupTargetName", v.backupTargetName());
            f.put("offlineRebuilding", "ignored");
        }
        return resource("volume", v.name(), "/v1/volumes/" + v.name(), v.actions(), f);
    }

    /** An engine (controller) entry. */
    public Map<String, Object> controller(String volume, boolean running, String lastRestored, String requested,
                                          long size) {
        String image = "longhornio/longhorn-engine:" + version.tag();
        Map<String, Object> c = obj("name", volume + "-e-0", "hostId", running ? "node-1" : "", "address",
                running ? "10.42.1.17" : "", "running", running, "currentImage", running ? image : "",
                "instanceManagerName", running ? "instance-manager-0a1b2c" : "", "size", Long.toString(size),
                "actualSize", "0", "endpoint", "", "lastRestoredBackup", lastRestored, "requestedBackupRestore",
                requested, "isExpanding", false, "lastExpansionError", "", "lastExpansionFailedAt", "",
                "unmapMarkSnapChainRemovedEnabled", false);
        c.put(version.hasDataEngine() ? "image" : "engineImage", image);
        return c;
    }

    /** A replica entry. */
    public Map<String, Object> replica(String volume, int i, boolean running) {
        String image = "longhornio/longhorn-engine:" + version.tag();
        String id = String.format("%08x", (volume.hashCode() * 31 + i) & 0x7fffffff);
        Map<String, Object> r = obj("name", volume + "-r-" + id, "hostId", "node-" + (i + 1), "address",
                running ? "10.42." + (i + 1) + ".17" : "", "running", running, "currentImage", running ? image : "",
                "instanceManagerName", "instance-manager-" + (i + 1), "diskID", "disk-" + (i + 1), "diskPath",
                "/var/lib/longhorn/", "dataPath", "/var/lib/longhorn/replicas/" + volume + "-" + id, "mode",
                running ? "RW" : "", "failedAt", "");
        r.put(version.hasDataEngine() ? "image" : "engineImage", image);
        if (version.hasDataEngine()) {
            r.put("dataEngine", "v1");
        }
        return r;
    }

    /** A {@code restoreStatus[]} entry. */
    public Map<String, Object> restoreStatus(String replica, int progress, String state, String error, String url) {
        return obj("actions", null, "links", null, "replica", replica, "isRestoring", state.equals("in_progress"),
                "lastRestored", state.equals("complete") ? "done" : "", "progress", progress, "error", error,
                "filename", "volume-snap-restore.img", "state", state, "backupURL", url);
    }

    /** A volume condition. */
    public static Map<String, Object> condition(String type, String status, String reason, String message) {
        return obj("type", type, "status", status, "lastProbeTime", "", "lastTransitionTime", "2026-11-20T09:15:03Z",
                "reason", reason, "message", message);
    }

    /**
     * What the simulator knows of a volume at one moment, ready to render.
     *
     * @param name                name
     * @param size                bytes
     * @param state               state string
     * @param robustness          robustness string
     * @param ready               ready
     * @param restoreRequired     restoreRequired
     * @param restoreInitiated    restoreInitiated
     * @param fromBackup          URL
     * @param staleReplicaTimeout minutes
     * @param replicas            count
     * @param accessMode          rwo/rwx
     * @param dataEngine          v1/v2
     * @param backupTargetName    target
     * @param created             Go time string
     * @param conditions          conditions map
     * @param kubernetesStatus    kubernetesStatus object
     * @param replicaList         replicas
     * @param controllers         controllers
     * @param restoreStatus       restoreStatus entries
     * @param actions             action names
     */
    public record VolumeView(String name, long size, String state, String robustness, boolean ready,
                             boolean restoreRequired, boolean restoreInitiated, String fromBackup,
                             int staleReplicaTimeout, int replicas, String accessMode, String dataEngine,
                             String backupTargetName, String created, Map<String, Object> conditions,
                             Map<String, Object> kubernetesStatus, List<Object> replicaList, List<Object> controllers,
                             List<Object> restoreStatus, List<String> actions) {
    }
}

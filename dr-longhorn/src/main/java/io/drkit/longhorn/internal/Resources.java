package io.drkit.longhorn.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.longhorn.LonghornBackup;
import io.drkit.longhorn.LonghornBackupTarget;
import io.drkit.longhorn.LonghornBackupVolume;
import io.drkit.longhorn.LonghornVolume;
import io.drkit.longhorn.RecurringJobSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns Longhorn's Rancher-style resources (JSON objects with {@code id}, {@code type}, {@code links},
 * {@code actions} and the resource's fields) into the client's records. Fields a version does not have are simply
 * absent; numbers that Longhorn sends as strings are parsed here.
 */
public final class Resources {
    private Resources() {
    }

    /** The {@code data} array of a collection ({@code {"type":"collection","data":[...]}}), empty when absent. */
    public static List<JsonNode> data(JsonNode collection) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode d = collection == null ? null : collection.get("data");
        if (d != null && d.isArray()) {
            d.forEach(out::add);
        }
        return out;
    }

    /** The resource's id, falling back to {@code name}. */
    public static String id(JsonNode n) {
        String id = text(n, "id");
        return id.isEmpty() ? text(n, "name") : id;
    }

    /** A backup target. */
    public static LonghornBackupTarget backupTarget(JsonNode n) {
        String name = text(n, "name");
        if (name.isEmpty()) {
            name = id(n);
        }
        return new LonghornBackupTarget(name.isEmpty() ? LonghornBackupVolume.DEFAULT_TARGET : name,
                text(n, "backupTargetURL"), text(n, "credentialSecret"),
                parse(n, "pollInterval", Values::goDuration), bool(n, "available"), text(n, "message"));
    }

    /**
     * A backup volume.
     *
     * @throws InvalidBackupDataException when a size or time cannot be parsed
     */
    public static LonghornBackupVolume backupVolume(JsonNode n) {
        String id = id(n);
        String where = "backupvolumes/" + id;
        return new LonghornBackupVolume(id, text(n, "volumeName"), opt(n, "backupTargetName"),
                bytes(n, "size", where), strings(n.get("labels")), time(n, "created", where),
                opt(n, "lastBackupName"), time(n, "lastBackupAt", where), bytes(n, "dataStored", where),
                strings(n.get("messages")), opt(n, "storageClassName"), opt(n, "backingImageName"),
                opt(n, "backingImageChecksum"));
    }

    /**
     * A backup.
     *
     * @throws InvalidBackupDataException when a size or time cannot be parsed, or its URL is not a backup URL
     */
    public static LonghornBackup backup(JsonNode n, String backupVolumeId) {
        String name = text(n, "name").isEmpty() ? id(n) : text(n, "name");
        String where = "backupvolumes/" + backupVolumeId + " backup " + name;
        LonghornBackup b = new LonghornBackup(name, text(n, "state"), n.path("progress").asInt(0), opt(n, "error"),
                opt(n, "url"), opt(n, "snapshotName"), time(n, "snapshotCreated", where), time(n, "created", where),
                bytes(n, "size", where), strings(n.get("labels")), strings(n.get("messages")), text(n, "volumeName"),
                bytes(n, "volumeSize", where), time(n, "volumeCreated", where), opt(n, "volumeBackingImageName"),
                opt(n, "compressionMethod"), opt(n, "backupMode"), opt(n, "backupTargetName"),
                optBytes(n, "newlyUploadDataSize", where), optBytes(n, "reUploadedDataSize", where));
        try {
            b.backupUrl(); // the URL text is parsed where it comes in
        } catch (InvalidBackupDataException e) {
            throw new InvalidBackupDataException(where, e.detail(), e);
        }
        return b;
    }

    /** A byte count Longhorn may not report (absent, null or empty: -1). */
    private static long optBytes(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            return -1;
        }
        return bytes(n, field, where);
    }

    /**
     * A volume.
     *
     * @throws InvalidBackupDataException when its size cannot be parsed
     */
    public static LonghornVolume volume(JsonNode n) {
        String name = text(n, "name").isEmpty() ? id(n) : text(n, "name");
        String where = "volumes/" + name;
        List<LonghornVolume.RestoreStatus> restore = new ArrayList<>();
        for (JsonNode r : array(n.get("restoreStatus"))) {
            restore.add(new LonghornVolume.RestoreStatus(text(r, "replica"), bool(r, "isRestoring"),
                    text(r, "lastRestored"), r.path("progress").asInt(0), text(r, "state"), text(r, "error"),
                    text(r, "filename"), text(r, "backupURL")));
        }
        List<LonghornVolume.Controller> controllers = new ArrayList<>();
        for (JsonNode c : array(n.get("controllers"))) {
            controllers.add(new LonghornVolume.Controller(text(c, "name"), text(c, "hostId"), bool(c, "running"),
                    text(c, "endpoint"), text(c, "lastRestoredBackup"), text(c, "requestedBackupRestore")));
        }
        Map<String, LonghornVolume.Condition> conditions = new LinkedHashMap<>();
        JsonNode conds = n.get("conditions");
        if (conds != null && conds.isObject()) {
            conds.properties().forEach(e -> {
                JsonNode c = e.getValue();
                String type = text(c, "type").isEmpty() ? e.getKey() : text(c, "type");
                conditions.put(e.getKey(), new LonghornVolume.Condition(type, text(c, "status"), text(c, "reason"),
                        text(c, "message"), text(c, "lastTransitionTime")));
            });
        } else if (conds != null && conds.isArray()) {
            conds.forEach(c -> conditions.put(text(c, "type"), new LonghornVolume.Condition(text(c, "type"),
                    text(c, "status"), text(c, "reason"), text(c, "message"), text(c, "lastTransitionTime"))));
        }
        Optional<Boolean> restoreInitiated = n.has("restoreInitiated") && !n.get("restoreInitiated").isNull()
                ? Optional.of(bool(n, "restoreInitiated")) : Optional.empty();
        String dataEngine = text(n, "dataEngine").isEmpty() ? text(n, "backendStoreDriver") : text(n, "dataEngine");
        Set<String> actions = new HashSet<>();
        JsonNode a = n.get("actions");
        if (a != null && a.isObject()) {
            a.fieldNames().forEachRemaining(actions::add);
        }
        Optional<Instant> created;
        try {
            created = Values.time(text(n, "created"));
        } catch (IllegalArgumentException e) {
            created = Optional.empty(); // informational only; never fail a volume on its creation time
        }
        return new LonghornVolume(name, bytes(n, "size", where), text(n, "state"), text(n, "robustness"),
                bool(n, "ready"), bool(n, "restoreRequired"), restoreInitiated, bool(n, "standby"),
                text(n, "fromBackup"), text(n, "accessMode"), n.path("numberOfReplicas").asInt(0),
                n.path("staleReplicaTimeout").asInt(0), Optional.of(dataEngine), opt(n, "backupTargetName"),
                text(n, "frontend"), created, restore, controllers, conditions, kubernetesStatus(n.get("kubernetesStatus")),
                actions);
    }

    /** A volume's {@code kubernetesStatus} object (all fields optional). */
    public static KubernetesStatus kubernetesStatus(JsonNode k) {
        if (k == null || !k.isObject()) {
            return new KubernetesStatus("", "", "", "", "", List.of(), "");
        }
        List<KubernetesStatus.Workload> ws = new ArrayList<>();
        for (JsonNode w : array(k.get("workloadsStatus"))) {
            ws.add(new KubernetesStatus.Workload(text(w, "podName"), text(w, "podStatus"), text(w, "workloadName"),
                    text(w, "workloadType")));
        }
        return new KubernetesStatus(text(k, "pvName"), text(k, "pvStatus"), text(k, "namespace"), text(k, "pvcName"),
                text(k, "lastPVCRefAt"), ws, text(k, "lastPodRefAt"));
    }

    /** One entry of {@code recurringJobList}. */
    public static RecurringJobSelector recurringJob(JsonNode n) {
        String name = text(n, "name").isEmpty() ? id(n) : text(n, "name");
        return new RecurringJobSelector(name, bool(n, "isGroup"));
    }

    /** The names in a schema's {@code resourceFields} and {@code resourceActions}. */
    public static Set<String> schemaNames(JsonNode schema, String section) {
        Set<String> out = new HashSet<>();
        JsonNode s = schema == null ? null : schema.get(section);
        if (s != null && s.isObject()) {
            s.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /** A field as text: {@code ""} when missing or null; numbers and booleans as their text. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return "";
        }
        return v.asText("");
    }

    private static Optional<String> opt(JsonNode n, String field) {
        return Optional.of(text(n, field)).filter(s -> !s.isEmpty());
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        return v.isBoolean() ? v.booleanValue() : Boolean.parseBoolean(v.asText());
    }

    private static List<JsonNode> array(JsonNode a) {
        List<JsonNode> out = new ArrayList<>();
        if (a != null && a.isArray()) {
            a.forEach(out::add);
        }
        return out;
    }

    private static Map<String, String> strings(JsonNode m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m != null && m.isObject()) {
            m.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        }
        return out;
    }

    private static long bytes(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v != null && v.isNumber()) {
            return v.asLong();
        }
        try {
            return Values.bytes(text(n, field));
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupDataException(where, "field " + field + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Instant> time(JsonNode n, String field, String where) {
        try {
            return Values.time(text(n, field));
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupDataException(where, "field " + field + ": " + e.getMessage(), e);
        }
    }

    private static <T> Optional<T> parse(JsonNode n, String field, java.util.function.Function<String, Optional<T>> f) {
        try {
            return f.apply(text(n, field));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

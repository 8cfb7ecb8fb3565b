package io.drkit.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.internal.Json;
import io.drkit.core.util.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes side of a volume at backup time, parsed from the {@code KubernetesStatus} backup label that
 * Longhorn's manager writes: the only built-in link from a {@code pvc-<uuid>} volume back to its namespace and PVC.
 *
 * @param pvName       PV name at backup time (may be empty)
 * @param pvStatus     PV phase at backup time ({@code Bound}, {@code Released}, ...)
 * @param namespace    the PVC's namespace (empty when the PV was never bound)
 * @param pvcName      the PVC's name (empty when the PV was never bound)
 * @param lastPvcRefAt empty when the PVC was bound at backup time; otherwise when Longhorn last saw it (RFC 3339)
 * @param workloads    pods that used the volume
 * @param lastPodRefAt empty when a pod used the volume at backup time
 */
public record KubernetesStatus(String pvName, String pvStatus, String namespace, String pvcName, String lastPvcRefAt,
                               List<Workload> workloads, String lastPodRefAt) {

    /**
     * One pod that used the volume, and its owner.
     *
     * @param podName      pod name
     * @param podStatus    pod phase
     * @param workloadName name of the pod's first owner (a Deployment shows up as its ReplicaSet)
     * @param workloadType kind of that owner
     */
    public record Workload(String podName, String podStatus, String workloadName, String workloadType) {
        /** Replaces nulls with empty strings. */
        public Workload {
            podName = Objects.requireNonNullElse(podName, "");
            podStatus = Objects.requireNonNullElse(podStatus, "");
            workloadName = Objects.requireNonNullElse(workloadName, "");
            workloadType = Objects.requireNonNullElse(workloadType, "");
        }
    }

    /** Replaces nulls with empty values and copies the list. */
    public KubernetesStatus {
        pvName = Objects.requireNonNullElse(pvName, "");
        pvStatus = Objects.requireNonNullElse(pvStatus, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        pvcName = Objects.requireNonNullElse(pvcName, "");
        lastPvcRefAt = Objects.requireNonNullElse(lastPvcRefAt, "");
        workloads = List.copyOf(Objects.requireNonNullElse(workloads, List.of()));
        lastPodRefAt = Objects.requireNonNullElse(lastPodRefAt, "");
    }

    /** A status for a volume bound to {@code pvc} through PV {@code pvName} at backup time. */
    public static KubernetesStatus bound(PvcRef pvc, String pvName) {
        return new KubernetesStatus(pvName, "Bound", pvc.namespace(), pvc.name(), "", List.of(), "");
    }

    /**
     * Parses the label value.
     *
     * @throws InvalidBackupDataException when the text is not a JSON object
     */
    public static KubernetesStatus parse(String json) {
        JsonNode n;
        try {
            n = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupDataException("label " + LonghornLabels.KUBERNETES_STATUS,
                    "KubernetesStatus label is not valid JSON: " + e.getMessage(), e);
        }
        if (!n.isObject()) {
            throw new InvalidBackupDataException("label " + LonghornLabels.KUBERNETES_STATUS,
                    "KubernetesStatus label is not a JSON object");
        }
        List<Workload> ws = new ArrayList<>();
        JsonNode arr = n.get("workloadsStatus");
        if (arr != null && arr.isArray()) {
            for (JsonNode w : arr) {
                ws.add(new Workload(Json.text(w, "podName"), Json.text(w, "podStatus"),
                        Json.text(w, "workloadName"), Json.text(w, "workloadType")));
            }
        }
        return new KubernetesStatus(Json.text(n, "pvName"), Json.text(n, "pvStatus"), Json.text(n, "namespace"),
                Json.text(n, "pvcName"), Json.text(n, "lastPVCRefAt"), ws, Json.text(n, "lastPodRefAt"));
    }

    /**
     * The status recorded in {@code labels}, if the label is present.
     *
     * @throws InvalidBackupDataException when the label is present but malformed
     */
    public static Optional<KubernetesStatus> fromLabels(Map<String, String> labels) {
        String v = labels == null ? null : labels.get(LonghornLabels.KUBERNETES_STATUS);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parse(v));
    }

    /** The PVC the volume belonged to, when namespace and name are recorded and valid. */
    public Optional<PvcRef> pvc() {
        if (namespace.isEmpty() || pvcName.isEmpty() || !Names.isDnsLabel(namespace) || !Names.isDnsSubdomain(pvcName)) {
            return Optional.empty();
        }
        return Optional.of(new PvcRef(namespace, pvcName));
    }

    /** Whether the PVC was still bound when the backup was taken (Longhorn leaves {@code lastPVCRefAt} empty then). */
    public boolean pvcBoundAtBackup() {
        return lastPvcRefAt.isEmpty() && pvc().isPresent();
    }

    /** The label value as Longhorn writes it (keys in Longhorn's order). */
    public String toLabelValue() {
        ObjectNode o = Json.object();
        o.put("pvName", pvName);
        o.put("pvStatus", pvStatus);
        o.put("namespace", namespace);
        o.put("pvcName", pvcName);
        o.put("lastPVCRefAt", lastPvcRefAt);
        if (workloads.isEmpty()) {
            o.putNull("workloadsStatus");
        } else {
            ArrayNode a = o.putArray("workloadsStatus");
            for (Workload w : workloads) {
                a.addObject().put("podName", w.podName()).put("podStatus", w.podStatus())
                        .put("workloadName", w.workloadName()).put("workloadType", w.workloadType());
            }
        }
        o.put("lastPodRefAt", lastPodRefAt);
        return Json.write(o);
    }
}

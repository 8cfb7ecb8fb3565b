package io.drkit.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a Longhorn {@code Volume} CR this library reads (longhorn-manager {@code v1beta2/volume.go}).
 *
 * @param name                the volume name
 * @param labels              metadata labels (recurring-job labels among them)
 * @param fromBackup          {@code spec.fromBackup}
 * @param size                {@code spec.size} in bytes (a string in the CR)
 * @param numberOfReplicas    {@code spec.numberOfReplicas}
 * @param staleReplicaTimeout {@code spec.staleReplicaTimeout} in minutes
 * @param accessMode          {@code spec.accessMode} ({@code rwo}/{@code rwx})
 * @param encrypted           {@code spec.encrypted}
 * @param migratable          {@code spec.migratable}
 * @param diskSelector        {@code spec.diskSelector}
 * @param nodeSelector        {@code spec.nodeSelector}
 * @param state               {@code status.state}
 * @param robustness          {@code status.robustness}
 * @param restoreRequired     {@code status.restoreRequired}
 * @param restoreInitiated    {@code status.restoreInitiated}
 * @param conditions          {@code status.conditions} as (type, status, reason, message)
 */
public record VolumeCr(String name, Map<String, String> labels, String fromBackup, long size, int numberOfReplicas,
                       int staleReplicaTimeout, String accessMode, boolean encrypted, boolean migratable,
                       List<String> diskSelector, List<String> nodeSelector, String state, String robustness,
                       boolean restoreRequired, boolean restoreInitiated, List<Condition> conditions) {

    /**
     * One entry of {@code status.conditions}.
     *
     * @param type    e.g. {@code Restore}
     * @param status  {@code True}/{@code False}/{@code Unknown}
     * @param reason  e.g. {@code RestoreFailure}
     * @param message human text
     */
    public record Condition(String type, String status, String reason, String message) {
    }

    /** Copies. */
    public VolumeCr {
        labels = Map.copyOf(labels);
        diskSelector = List.copyOf(diskSelector);
        nodeSelector = List.copyOf(nodeSelector);
        conditions = List.copyOf(conditions);
    }

    /** Reads the CR. */
    public static VolumeCr of(GenericKubernetesResource r) {
        List<Condition> conds = new ArrayList<>();
        Object raw = Cr.get(r, "status", "conditions");
        if (raw instanceof List<?>) {
            for (Map<String, Object> c : Cr.mapList(r, "status", "conditions")) {
                conds.add(condition(c));
            }
        } else if (raw instanceof Map<?, ?> m) {
            // the REST view (and pre-v1beta2 CRs) keep conditions as a map keyed by type
            m.values().forEach(v -> {
                if (v instanceof Map<?, ?> c) {
                    conds.add(condition(Cr.stringMap(c)));
                }
            });
        }
        return new VolumeCr(Cr.name(r), Cr.labels(r), Cr.str(r, "spec", "fromBackup"),
                Cr.number(r, "spec", "size").orElse(0L), Cr.number(r, "spec", "numberOfReplicas").orElse(0L).intValue(),
                Cr.number(r, "spec", "staleReplicaTimeout").orElse(0L).intValue(), Cr.str(r, "spec", "accessMode"),
                Cr.bool(r, "spec", "encrypted"), Cr.bool(r, "spec", "migratable"),
                Cr.stringList(r, "spec", "diskSelector"), Cr.stringList(r, "spec", "nodeSelector"),
                Cr.str(r, "status", "state"), Cr.str(r, "status", "robustness"),
                Cr.bool(r, "status", "restoreRequired"), Cr.bool(r, "status", "restoreInitiated"), conds);
    }

    private static Condition condition(Map<String, ?> c) {
        return new Condition(text(c.get("type")), text(c.get("status")), text(c.get("reason")), text(c.get("message")));
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    /**
     * Whether the restore has finished: {@code restoreInitiated && !restoreRequired && state == detached &&
     * robustness != faulted} (the completion test of longhorn-api.md §4.2, CRD form).
     */
    public boolean restoreFinished() {
        return restoreInitiated && !restoreRequired && "detached".equals(state) && !"faulted".equals(robustness);
    }

    /** Why the restore failed, when the volume is faulted or its {@code Restore} condition says {@code RestoreFailure}. */
    public Optional<String> restoreFailure() {
        Optional<Condition> failed = conditions.stream()
                .filter(c -> "Restore".equals(c.type()) && "RestoreFailure".equals(c.reason())).findFirst();
        if (failed.isPresent()) {
            return Optional.of("RestoreFailure: " + (failed.get().message().isEmpty() ? "no message" : failed.get().message()));
        }
        if ("faulted".equals(robustness)) {
            return Optional.of("volume is faulted");
        }
        return Optional.empty();
    }

    /** A short state description for progress messages and errors. */
    public String describeState() {
        return "state=" + (state.isEmpty() ? "(none)" : state) + " robustness=" + (robustness.isEmpty() ? "(none)" : robustness)
                + " restoreInitiated=" + restoreInitiated + " restoreRequired=" + restoreRequired;
    }
}

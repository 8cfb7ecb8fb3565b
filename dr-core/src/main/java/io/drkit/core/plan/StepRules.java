package io.drkit.core.plan;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.util.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The model rules every restore step obeys, in one place: the planner never plans a step that breaks them, and a
 * plan read back from JSON (a file that may have been edited by hand or by anyone) is refused when a step breaks one.
 *
 * <ul>
 *   <li>names: the Longhorn volume a DNS label of at most {@value Names#LONGHORN_VOLUME_NAME_MAX} characters, the PV
 *       and storage class Kubernetes names, the backup and its volume backupstore names, recurring jobs and groups
 *       label names;</li>
 *   <li>what the plan decides is there: a storage class and at least one access mode (binders apply them; they never
 *       decide them again);</li>
 *   <li>the backup: {@link BackupState#COMPLETED}, with a backup URL ({@link BackupUrl}, parsed where the plan is read)
 *       that names the same backup and volume as {@code backup.name} and {@code backup.volumeName};</li>
 *   <li>sizes: not negative, and the volume at least as large as the backup's volume;</li>
 *   <li>settings from the allowed sets: file system {@link #FS_TYPES}, access modes ({@link AccessMode}), data
 *       engine {@link #DATA_ENGINES}, replicas 0 to {@value #MAX_REPLICAS}, stale replica timeout not negative;</li>
 *   <li>across a plan: no two steps restore into the same volume or the same PV.</li>
 * </ul>
 */
public final class StepRules {
    /** File systems Longhorn's CSI driver formats a restored volume with. */
    public static final Set<String> FS_TYPES = Set.of("ext4", "xfs");
    /** Longhorn data engines. */
    public static final Set<String> DATA_ENGINES = Set.of("v1", "v2");
    /** Most replicas Longhorn accepts for a volume (0 means Longhorn's default replica count). */
    public static final int MAX_REPLICAS = 20;

    /**
     * One broken rule.
     *
     * @param field   the step's field, as its JSON path below the step ({@code backup.url}, {@code accessModes[1]})
     * @param message what is wrong
     */
    public record Violation(String field, String message) {
        /** Validates. */
        public Violation {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(message, "message");
        }

        /** Whether the broken rule is about a name of something the step creates (volume, PV, class, labels). */
        public boolean isName() {
            return field.equals("volumeName") || field.equals("pvName") || field.equals("storageClassName")
                    || field.startsWith("recurringJob");
        }

        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    private StepRules() {
    }

    /** Why {@code name} cannot be the name of a restored Longhorn volume, or null when it can. */
    public static String volumeNameProblem(String name) {
        return Names.isLonghornVolumeName(name) ? null : "volume name '" + name + "' is not a DNS label of at most "
                + Names.LONGHORN_VOLUME_NAME_MAX + " characters, which Longhorn requires";
    }

    /** Why {@code name} cannot be the name of a PV, or null when it can. */
    public static String pvNameProblem(String name) {
        return Names.isDnsSubdomain(name) ? null : "PV name '" + name + "' is not a valid Kubernetes name";
    }

    /** Why {@code fsType} is not allowed, or null when it is. */
    public static String fsTypeProblem(String fsType) {
        return FS_TYPES.contains(fsType) ? null : "file system '" + fsType + "' is not one of " + sorted(FS_TYPES);
    }

    /** Why {@code replicas} is out of range, or null when it is not. */
    public static String replicasProblem(int replicas) {
        return replicas >= 0 && replicas <= MAX_REPLICAS ? null : "replica count " + replicas + " is out of range 0.."
                + MAX_REPLICAS + " (0 = Longhorn's default)";
    }

    /** Every rule {@code step} breaks, in field order; empty when it is a valid step. */
    public static List<Violation> check(RestoreStep step) {
        List<Violation> out = new ArrayList<>();
        add(out, "volumeName", volumeNameProblem(step.volumeName()));
        add(out, "pvName", pvNameProblem(step.pvName()));
        if (step.sizeBytes() < 0) {
            out.add(new Violation("sizeBytes", "size " + step.sizeBytes() + " is negative"));
        } else if (step.sizeBytes() < step.backup().volumeSize()) {
            out.add(new Violation("sizeBytes", "size " + step.sizeBytes() + " is smaller than the backup's volume ("
                    + step.backup().volumeSize() + " bytes): the restored data would not fit"));
        }
        if (step.storageClassName().isEmpty()) {
            out.add(new Violation("storageClassName", "no storage class given: the planner decides the PV's class,"
                    + " and a binder never guesses one"));
        } else if (!Names.isDnsSubdomain(step.storageClassName())) {
            out.add(new Violation("storageClassName", "storage class '" + step.storageClassName()
                    + "' is not a valid Kubernetes name"));
        }
        if (step.accessModes().isEmpty()) {
            out.add(new Violation("accessModes", "no access mode given"));
        }
        add(out, "replicas", replicasProblem(step.replicas()));
        add(out, "fsType", fsTypeProblem(step.fsType()));
        if (step.staleReplicaTimeout() < 0) {
            out.add(new Violation("staleReplicaTimeout", "stale replica timeout " + step.staleReplicaTimeout()
                    + " is negative"));
        }
        if (!DATA_ENGINES.contains(step.dataEngine())) {
            out.add(new Violation("dataEngine", "data engine '" + step.dataEngine() + "' is not one of "
                    + sorted(DATA_ENGINES)));
        }
        labelNames(out, "recurringJobGroups", step.recurringJobGroups());
        labelNames(out, "recurringJobs", step.recurringJobs());
        checkBackup(out, step.backup());
        return List.copyOf(out);
    }

    /**
     * Throws when {@code step} breaks a rule: what a binder needs and the plan lacks is invalid input, never decided
     * again by the binder.
     *
     * @throws InvalidInputException naming the step and every broken rule
     */
    public static void require(RestoreStep step) {
        List<Violation> broken = check(step);
        if (!broken.isEmpty()) {
            throw new InvalidInputException("step " + step.id() + " breaks the plan rules: " + broken.stream()
                    .map(Violation::toString).collect(java.util.stream.Collectors.joining("; ")));
        }
    }

    /**
     * Every rule broken across {@code steps}: two steps that restore into the same Longhorn volume or the same PV.
     * Fields are given as {@code steps[i].volumeName}.
     */
    public static List<Violation> checkAll(List<RestoreStep> steps) {
        List<Violation> out = new ArrayList<>();
        Map<String, Integer> volumes = new HashMap<>();
        Map<String, Integer> pvs = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            RestoreStep s = steps.get(i);
            Integer v = volumes.putIfAbsent(s.volumeName(), i);
            if (v != null) {
                out.add(new Violation("steps[" + i + "].volumeName", "volume " + s.volumeName()
                        + " is already restored by steps[" + v + "] (" + steps.get(v).id() + ")"));
            }
            Integer p = pvs.putIfAbsent(s.pvName(), i);
            if (p != null) {
                out.add(new Violation("steps[" + i + "].pvName", "PV " + s.pvName() + " is already created by steps["
                        + p + "] (" + steps.get(p).id() + ")"));
            }
        }
        return List.copyOf(out);
    }

    private static void checkBackup(List<Violation> out, Backup b) {
        boolean namesOk = true;
        if (!Names.isBackupstoreName(b.name())) {
            out.add(new Violation("backup.name", "backup name '" + b.name() + "' is not a name Longhorn's backupstore"
                    + " accepts"));
            namesOk = false;
        }
        if (!Names.isBackupstoreName(b.volumeName())) {
            out.add(new Violation("backup.volumeName", "volume name '" + b.volumeName() + "' is not a name Longhorn's"
                    + " backupstore accepts"));
            namesOk = false;
        }
        if (b.state() != BackupState.COMPLETED) {
            out.add(new Violation("backup.state", "backup is " + b.state() + ", not COMPLETED: only complete backups"
                    + " are restored"));
        }
        if (b.size() < 0) {
            out.add(new Violation("backup.size", "size " + b.size() + " is negative"));
        }
        if (b.volumeSize() < 0) {
            out.add(new Violation("backup.volumeSize", "volume size " + b.volumeSize() + " is negative"));
        }
        BackupUrl url = b.url().orElseThrow(); // a step's backup always has one
        if (namesOk && (!url.backupName().equals(b.name()) || !url.volumeName().equals(b.volumeName()))) {
            out.add(new Violation("backup.url", "backup URL names backup " + url.backupName() + " of volume "
                    + url.volumeName() + ", but the step's backup is " + b.name() + " of volume " + b.volumeName()));
        }
    }

    /** Why {@code text} is not a Kubernetes access mode, or null when it is one. */
    public static String accessModeProblem(String text) {
        return AccessMode.fromKubernetes(text).isPresent() ? null : "access mode '" + text + "' is not one of "
                + sorted(java.util.Arrays.stream(AccessMode.values()).map(AccessMode::kubernetesName)
                .collect(java.util.stream.Collectors.toSet()));
    }

    private static void labelNames(List<Violation> out, String field, Set<String> names) {
        int i = 0;
        for (String n : names) {
            if (!Names.isLabelName(n)) {
                out.add(new Violation(field + "[" + i + "]", "'" + n + "' is not a valid label name"));
            }
            i++;
        }
    }

    private static void add(List<Violation> out, String field, String problem) {
        if (problem != null) {
            out.add(new Violation(field, problem));
        }
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", new java.util.TreeSet<>(s));
    }
}

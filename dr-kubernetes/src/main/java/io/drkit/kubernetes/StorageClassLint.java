package io.drkit.kubernetes;

import io.drkit.core.model.BackupUrl;
import io.drkit.core.util.Redaction;
import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds Longhorn StorageClasses that pin a backup with a {@code fromBackup} parameter. Longhorn's CSI driver passes
 * that parameter to every volume it provisions for the class, so every new claim of the class becomes a restore of the
 * same old backup instead of an empty volume (and its pods wait for that restore). That suits a one-off restore, not
 * a class that stays in the cluster; a default class with {@code fromBackup} turns every new claim in the cluster into
 * a copy of that backup.
 */
public final class StorageClassLint {
    /** Annotation marking the default StorageClass. */
    static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
    /** The beta spelling, still honoured by Kubernetes. */
    static final String DEFAULT_CLASS_BETA = "storageclass.beta.kubernetes.io/is-default-class";

    /** How serious a finding is. */
    public enum Severity {
        /** A non-default class: claims that name it get the pinned backup. */
        WARNING,
        /** The default class: every claim without a class gets the pinned backup. */
        ERROR
    }

    /**
     * One StorageClass that pins a backup.
     *
     * @param storageClass the class name
     * @param provisioner  its provisioner ({@code driver.longhorn.io})
     * @param fromBackup   the pinned backup URL, password-like options masked
     * @param defaultClass whether it is the cluster's default class
     * @param severity     {@link Severity#ERROR} for the default class
     * @param risk         what goes wrong
     * @param replacement  what to do instead
     */
    public record Finding(String storageClass, String provisioner, String fromBackup, boolean defaultClass,
                          Severity severity, String risk, String replacement) {
        /** Validates. */
        public Finding {
            Objects.requireNonNull(storageClass, "storageClass");
            Objects.requireNonNull(severity, "severity");
        }
    }

    private StorageClassLint() {
    }

    /** Lints every StorageClass of the cluster (needs {@code list} on {@code storageclasses}). */
    public static List<Finding> lint(KubernetesClient client) {
        return lint(KubeErrors.call("list StorageClasses", () -> client.storage().v1().storageClasses().list().getItems()));
    }

    /** Lints the given classes (for example parsed from a GitOps repository), sorted by name. */
    public static List<Finding> lint(Collection<StorageClass> classes) {
        List<Finding> out = new ArrayList<>();
        for (StorageClass sc : classes) {
            String provisioner = Objects.requireNonNullElse(sc.getProvisioner(), "");
            if (!Longhorn.isLonghornDriver(provisioner) && !"rancher.io/longhorn".equals(provisioner)) {
                continue;
            }
            Map<String, String> params = sc.getParameters() == null ? Map.of() : sc.getParameters();
            String fromBackup = params.getOrDefault("fromBackup", "");
            if (fromBackup.isBlank()) {
                continue;
            }
            String name = sc.getMetadata().getName();
            Map<String, String> ann = sc.getMetadata().getAnnotations() == null ? Map.of() : sc.getMetadata().getAnnotations();
            boolean isDefault = "true".equalsIgnoreCase(ann.get(DEFAULT_CLASS)) || "true".equalsIgnoreCase(ann.get(DEFAULT_CLASS_BETA));
            String shown = shown(fromBackup);
            String risk = "every PersistentVolumeClaim provisioned from StorageClass " + name + " becomes a restore of "
                    + shown + ": Longhorn's CSI driver passes fromBackup to each new volume, so new claims (StatefulSet "
                    + "replicas, Helm charts, scratch volumes) get that old data instead of an empty disk, and their pods "
                    + "wait until each restore has finished"
                    + (isDefault ? "; it is the default class, so this hits every claim that names no class" : "");
            String replacement = "restore once instead: create the Longhorn volume from the backup and a PV pre-bound to "
                    + "the claim (drkit's KubernetesVolumeBinder, or Longhorn's UI 'Create PV/PVC'), keep a class without "
                    + "fromBackup for new claims, and delete " + name + " once the restore is done";
            out.add(new Finding(name, provisioner, safeUrl(fromBackup), isDefault, isDefault ? Severity.ERROR : Severity.WARNING, risk,
                    replacement));
        }
        out.sort(Comparator.comparing(Finding::storageClass));
        return List.copyOf(out);
    }

    private static String safeUrl(String url) {
        return Redaction.url(url);
    }

    private static String shown(String url) {
        return BackupUrl.find(url).map(u -> "backup " + u.backupName() + " of volume " + u.volumeName() + " ("
                + u.target().baseUrl() + ")").orElseGet(() -> Redaction.url(url));
    }
}

package io.drkit.kubernetes.internal;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Longhorn's CRD coordinates, label keys and defaults, in one place (facts from longhorn-manager
 * {@code k8s/pkg/apis/longhorn/v1beta2}, {@code types/types.go} and {@code datastore/kubernetes.go}, 1.4 to 1.9).
 */
public final class Longhorn {
    /** API group of every Longhorn CRD. */
    public static final String GROUP = "longhorn.io";
    /** The storage version since Longhorn 1.4 (the only one served from 1.9). */
    public static final String VERSION = "v1beta2";
    /** {@code apiVersion} of Longhorn resources. */
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** Where Longhorn keeps its resources unless installed elsewhere. */
    public static final String DEFAULT_NAMESPACE = "longhorn-system";
    /** Longhorn's CSI driver name. */
    public static final String CSI_DRIVER = "driver.longhorn.io";
    /** The CSI driver name of Longhorn before 1.0, still recognised on PVs. */
    public static final String LEGACY_CSI_DRIVER = "io.rancher.longhorn";
    /** Name of the backup target every Longhorn version has. */
    public static final String DEFAULT_BACKUP_TARGET = "default";
    /** Engine and replica label naming their volume ({@code types.LonghornLabelVolume}). */
    public static final String LABEL_VOLUME = "longhornvolume";
    /** Value of enabled recurring-job labels. */
    public static final String ENABLED = "enabled";
    /** Setting holding the running Longhorn version (all versions). */
    public static final String SETTING_CURRENT_VERSION = "current-longhorn-version";
    /** Setting naming the storage class {@code pvCreate} uses when none is given. */
    public static final String SETTING_STATIC_STORAGE_CLASS = "default-longhorn-static-storage-class";
    /** Default of {@link #SETTING_STATIC_STORAGE_CLASS}. */
    public static final String DEFAULT_STATIC_STORAGE_CLASS = "longhorn-static";
    /** Label drkit puts on the objects it creates. */
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    /** Value of {@link #LABEL_MANAGED_BY}. */
    public static final String MANAGED_BY = "drkit";
    /** Annotation naming the claim a drkit-created volume or PV was restored for. */
    public static final String ANNOTATION_PVC = "drkit.io/pvc";
    /** Annotation naming the backup a drkit-created volume was restored from. */
    public static final String ANNOTATION_BACKUP = "drkit.io/backup";

    /** {@code volumes.longhorn.io}. */
    public static final ResourceDefinitionContext VOLUMES = context("Volume", "volumes");
    /** {@code engines.longhorn.io}. */
    public static final ResourceDefinitionContext ENGINES = context("Engine", "engines");
    /** {@code backups.longhorn.io}. */
    public static final ResourceDefinitionContext BACKUPS = context("Backup", "backups");
    /** {@code backupvolumes.longhorn.io}. */
    public static final ResourceDefinitionContext BACKUP_VOLUMES = context("BackupVolume", "backupvolumes");
    /** {@code backuptargets.longhorn.io}. */
    public static final ResourceDefinitionContext BACKUP_TARGETS = context("BackupTarget", "backuptargets");
    /** {@code recurringjobs.longhorn.io}. */
    public static final ResourceDefinitionContext RECURRING_JOBS = context("RecurringJob", "recurringjobs");
    /** {@code settings.longhorn.io}. */
    public static final ResourceDefinitionContext SETTINGS = context("Setting", "settings");

    private Longhorn() {
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** Whether {@code driver} names Longhorn's CSI driver (current or legacy name). */
    public static boolean isLonghornDriver(String driver) {
        return CSI_DRIVER.equals(driver) || LEGACY_CSI_DRIVER.equals(driver);
    }
}

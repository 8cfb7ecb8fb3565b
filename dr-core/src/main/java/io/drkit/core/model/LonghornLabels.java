package io.drkit.core.model;

/** Label keys Longhorn writes on backups and volumes, in one place. */
public final class LonghornLabels {
    /** Backup label: JSON text of the source volume's Kubernetes status (PV, PVC, namespace, workloads). */
    public static final String KUBERNETES_STATUS = "KubernetesStatus";
    /** Backup label: name of the recurring job that made the backup. */
    public static final String RECURRING_JOB = "RecurringJob";
    /** Backup label: JSON map of the volume's recurring jobs and the groups they came from (Longhorn 1.4+). */
    public static final String VOLUME_RECURRING_JOB_INFO = "VolumeRecurringJobInfo";
    /** Backup label: access mode of the source volume ({@code rwo}, {@code rwop}, {@code rwx}). */
    public static final String VOLUME_ACCESS_MODE = "longhorn.io/volume-access-mode";
    /** Backup label: {@code enabled} when the source volume was encrypted (Longhorn 1.12+). */
    public static final String VOLUME_ENCRYPTED = "longhorn.io/volume-encrypted";
    /** Volume/Backup CR label naming the original volume a restored volume or backup belongs to. */
    public static final String BACKUP_VOLUME = "backup-volume";
    /** Volume/Backup CR label naming the backup target (Longhorn 1.8+). */
    public static final String BACKUP_TARGET = "backup-target";
    /** Prefix of a Longhorn volume label that selects one recurring job: {@code recurring-job.longhorn.io/<job>}. */
    public static final String RECURRING_JOB_PREFIX = "recurring-job.longhorn.io/";
    /** Prefix of a Longhorn volume label that selects a recurring-job group: {@code recurring-job-group.longhorn.io/<group>}. */
    public static final String RECURRING_JOB_GROUP_PREFIX = "recurring-job-group.longhorn.io/";
    /** PVC label that makes Longhorn copy the PVC's recurring-job labels to its volume (1.5+). */
    public static final String RECURRING_JOB_SOURCE = "recurring-job.longhorn.io/source";

    private LonghornLabels() {
    }
}

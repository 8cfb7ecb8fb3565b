package io.drkit.longhorn.testing;

/**
 * The Longhorn manager versions whose REST API the test fixtures and {@link LonghornSimulator} reproduce, with the
 * differences that matter to a client (from {@code api/model.go} and {@code api/router.go} at each tag).
 */
public enum LonghornVersion {
    /** v1.4.4: no {@code restoreInitiated}, no data engine, no sync endpoints, {@code engineImage}. */
    V1_4("1.4", "v1.4.4"),
    /** v1.7.3: {@code restoreInitiated}, {@code dataEngine}, sync endpoints, {@code backupMode}, one target. */
    V1_7("1.7", "v1.7.3"),
    /** v1.9.3: several backup targets, hashed BackupVolume names, {@code volumeName}/{@code backupTargetName}. */
    V1_9("1.9", "v1.9.3");

    private final String folder;
    private final String tag;

    LonghornVersion(String folder, String tag) {
        this.folder = folder;
        this.tag = tag;
    }

    /** The fixture folder under {@code src/test/resources/longhorn/}. */
    public String folder() {
        return folder;
    }

    /** The longhorn-manager tag the shapes come from. */
    public String tag() {
        return tag;
    }

    /** The volume resource reports {@code restoreInitiated} (1.5+). */
    public boolean hasRestoreInitiated() {
        return this != V1_4;
    }

    /** Volumes have {@code dataEngine} and {@code image} instead of {@code engineImage} (1.6+). */
    public boolean hasDataEngine() {
        return this != V1_4;
    }

    /** {@code pvCreate} honours {@code storageClassName}; backups have {@code compressionMethod} (1.5+). */
    public boolean hasPvCreateStorageClass() {
        return this != V1_4;
    }

    /** The sync endpoints exist (1.6.2+). */
    public boolean hasSync() {
        return this != V1_4;
    }

    /** Backups have {@code backupMode}, {@code newlyUploadDataSize}, {@code reUploadedDataSize} (1.7+). */
    public boolean hasBackupMode() {
        return this != V1_4;
    }

    /** Several targets, {@code volumeName}/{@code backupTargetName} on backup volumes, hashed ids (1.8+/1.9.1+). */
    public boolean hasMultipleTargets() {
        return this == V1_9;
    }

    /** The volume resource has {@code volumeAttachment} (1.5+). */
    public boolean hasVolumeAttachment() {
        return this != V1_4;
    }

    /** The resource path of a classpath fixture, e.g. {@code longhorn/1.9/volumes.json}. */
    public String fixture(String file) {
        return "longhorn/" + folder + "/" + file;
    }
}

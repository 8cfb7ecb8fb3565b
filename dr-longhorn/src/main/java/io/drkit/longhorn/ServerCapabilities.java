package io.drkit.longhorn;

import java.util.ArrayList;
import java.util.List;

/**
 * What the Longhorn manager behind a {@link LonghornClient} supports, detected once from its Rancher schemas
 * ({@code GET /v1/schemas/{id}}) rather than from a version string, so that patched and in-between releases are
 * handled by what they actually serve.
 *
 * @param restoreInitiatedField  the volume resource reports {@code restoreInitiated} (1.5+)
 * @param dataEngineField        volumes take {@code dataEngine} (1.6+)
 * @param backendStoreDriverField volumes take {@code backendStoreDriver}, 1.5's name for the data engine
 * @param pvCreateStorageClass   {@code pvCreate} accepts {@code storageClassName} (1.5+)
 * @param backupVolumeSync       {@code backupVolumeSync} and {@code PUT /v1/backupvolumes} exist (1.6.2+)
 * @param backupTargetSync       {@code backupTargetSync} and {@code PUT /v1/backuptargets} exist (1.6.2+)
 * @param multipleBackupTargets  backup volumes carry {@code volumeName}/{@code backupTargetName} and may have hashed
 *                               or random ids (1.8+)
 */
public record ServerCapabilities(boolean restoreInitiatedField, boolean dataEngineField,
                                 boolean backendStoreDriverField, boolean pvCreateStorageClass,
                                 boolean backupVolumeSync, boolean backupTargetSync, boolean multipleBackupTargets) {

    /** What Longhorn 1.4 serves: the oldest behaviour, assumed when the schemas cannot be read. */
    public static ServerCapabilities longhorn14() {
        return new ServerCapabilities(false, false, false, false, false, false, false);
    }

    /** Whether Longhorn can be asked to re-read its backup target right now (1.6.2+). */
    public boolean canSync() {
        return backupVolumeSync || backupTargetSync;
    }

    /** The release range these capabilities correspond to, for messages ({@code "1.8+"}, {@code "1.6.2-1.7"}, ...). */
    public String versionRange() {
        if (multipleBackupTargets) {
            return "1.8+";
        }
        if (backupVolumeSync) {
            return "1.6.2-1.7";
        }
        if (dataEngineField) {
            return "1.6.0-1.6.1";
        }
        if (restoreInitiatedField || backendStoreDriverField || pvCreateStorageClass) {
            return "1.5";
        }
        return "1.4";
    }

    /** A one-line summary. */
    @Override
    public String toString() {
        List<String> f = new ArrayList<>();
        if (restoreInitiatedField) {
            f.add("restoreInitiated");
        }
        if (dataEngineField) {
            f.add("dataEngine");
        }
        if (backendStoreDriverField) {
            f.add("backendStoreDriver");
        }
        if (pvCreateStorageClass) {
            f.add("pvCreate.storageClassName");
        }
        if (backupVolumeSync) {
            f.add("backupVolumeSync");
        }
        if (backupTargetSync) {
            f.add("backupTargetSync");
        }
        if (multipleBackupTargets) {
            f.add("multipleBackupTargets");
        }
        return "Longhorn " + versionRange() + " " + f;
    }
}

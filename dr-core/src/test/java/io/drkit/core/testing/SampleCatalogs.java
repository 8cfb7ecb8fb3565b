package io.drkit.core.testing;

import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.CompressionMethod;

/**
 * Ready-made catalogs for demos, JShell sessions and tests: a homelab cluster's backupstore with the situations a
 * restore plan has to handle.
 */
public final class SampleCatalogs {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private SampleCatalogs() {
    }

    /**
     * A homelab backupstore:
     * <ul>
     *   <li>{@code karakeep/data-pvc} (critical, lz4): daily backups, the newest still in progress;</li>
     *   <li>{@code immich/library} and {@code immich/postgres} (critical);</li>
     *   <li>{@code jellyfin/config} (default group, gzip, pre-1.5 volume) whose last-backup pointer is stale;</li>
     *   <li>{@code vaultwarden/data}: the PVC was recreated after an earlier rebuild without restore, so two backup
     *       volumes map to it and the newest backup is an almost empty volume (the data-loss guard trips);</li>
     *   <li>an orphan volume without a {@code KubernetesStatus} label;</li>
     *   <li>a junk entry the scan skipped.</li>
     * </ul>
     */
    public static InMemoryBackupCatalog homelab() {
        return InMemoryBackupCatalog.builder()
                .volume("pvc-0b7c9c1e-5a8e-4f4c-9d51-6a1f0e0b1c11", v -> v.size(10 * GIB).pvc("karakeep/data-pvc")
                        .group("critical")
                        .backup("backup-1a2b3c4d5e6f7081", "2026-11-23T03:00:00Z", 640 * MIB)
                        .backup("backup-2a2b3c4d5e6f7082", "2026-11-24T03:00:00Z", 652 * MIB)
                        .backup("backup-3a2b3c4d5e6f7083", "2026-11-25T03:00:00Z", 655 * MIB)
                        .inProgressBackup("backup-4a2b3c4d5e6f7084", "2026-11-26T03:00:00Z"))
                .volume("pvc-1c8d0d2f-6b9f-4a5d-8e62-7b2f1f1c2d22", v -> v.size(200 * GIB).pvc("immich/library")
                        .group("critical")
                        .backup("backup-5b3c4d5e6f708192", "2026-11-24T03:10:00Z", 120 * GIB)
                        .backup("backup-6b3c4d5e6f708193", "2026-11-25T03:10:00Z", 121 * GIB))
                .volume("pvc-2d9e1e30-7ca0-4b6e-9f73-8c30202d3e33", v -> v.size(20 * GIB).pvc("immich/postgres")
                        .group("critical")
                        .backup("backup-7c4d5e6f70819203", "2026-11-25T03:20:00Z", 3 * GIB))
                .volume("pvc-3eaf2f41-8db1-4c7f-a084-9d41313e4f44", v -> v.size(5 * GIB).pvc("jellyfin/config")
                        .group("default").compression(CompressionMethod.GZIP).storageClass(null)
                        .backup("backup-8d5e6f7081920314", "2026-11-09T04:00:00Z", 900 * MIB)
                        .backup("backup-9d5e6f7081920315", "2026-11-16T04:00:00Z", 910 * MIB)
                        .backup("backup-ad5e6f7081920316", "2026-11-23T04:00:00Z", 930 * MIB)
                        .lastBackupPointer("backup-9d5e6f7081920315"))
                .volume("pvc-4fb03052-9ec2-4d80-b195-ae52424f5055", v -> v.size(2 * GIB).pvc("vaultwarden/data")
                        .group("critical")
                        .backup("backup-be6f708192031425", "2026-10-30T03:00:00Z", 410 * MIB)
                        .backup("backup-ce6f708192031426", "2026-10-31T03:00:00Z", 412 * MIB))
                .volume("pvc-50c14163-afd3-4e91-c2a6-bf63535a6166", v -> v.size(2 * GIB).pvc("vaultwarden/data")
                        .group("critical")
                        .backup("backup-df70819203142537", "2026-11-25T03:00:00Z", 14 * MIB))
                .volume("pvc-61d25274-b0e4-4fa2-d3b7-c074646b7277", v -> v.size(GIB)
                        .backup("backup-e081920314253648", "2026-08-01T00:00:00Z", 100 * MIB))
                .skipped("backupstore/volumes/2e/7a/.DS_Store", SkippedEntry.Reason.INVALID_NAME,
                        "not a name Longhorn accepts")
                .build();
    }
}

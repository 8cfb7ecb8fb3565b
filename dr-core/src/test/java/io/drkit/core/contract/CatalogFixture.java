package io.drkit.core.contract;

import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The standard data set every {@link BackupCatalogContractTest} subclass materialises in its own backend (a
 * backupstore on S3 or disk, Longhorn REST fixtures, CRs in a mock API server). Values are exactly what a catalog
 * must return, apart from backend-specific fields (backend ids, URLs of the backend's own target).
 *
 * <ul>
 *   <li>{@code pvc-aaa}: 1 GiB, lz4, PVC {@code shop/db-data}, group {@code critical}; backups 1 and 2 complete,
 *       3 in progress; the last-backup pointer names 2.</li>
 *   <li>{@code pvc-bbb}: 2 GiB, gzip, PVC {@code shop/uploads}, group {@code default}; backups 1 and 2 complete;
 *       the pointer names a backup that no longer exists (stale).</li>
 *   <li>{@code pvc-ccc}: 512 MiB, lz4, no {@code KubernetesStatus} (an orphan); one complete backup.</li>
 *   <li>{@code pvc-ddd}: 256 MiB, lz4, PVC {@code media/cache}; no backups left, empty pointer.</li>
 *   <li>{@code pvc-eee}: 128 MiB, lz4, PVC {@code media/photos}; backups 1 and 2 complete; the pointer <em>lags</em>:
 *       it names backup 1, an existing but older complete backup (its rewrite after backup 2 was lost, or the bucket
 *       was copied while backup 2 finished).</li>
 *   <li>{@code pvc-fff}: 64 MiB, gzip, PVC {@code media/thumbs}; backup 1 complete, backup 2 in progress; the pointer
 *       names the in-progress backup 2.</li>
 * </ul>
 *
 * <p>The last three traps are what {@link io.drkit.core.catalog.NewestBackupRule} is for: a catalog that trusts the
 * pointer answers wrongly for {@code pvc-bbb}, {@code pvc-eee} and {@code pvc-fff}.
 *
 * @param target  the target the fixture's backup URLs name
 * @param volumes the volumes, sorted by name
 * @param backups backups by volume name (newest first), in-progress ones included
 */
public record CatalogFixture(BackupTarget target, List<BackupVolume> volumes, Map<String, List<Backup>> backups) {

    /** Time of backup 1 of each volume. */
    public static final Instant T1 = Instant.parse("2026-11-01T03:00:00Z");
    /** Time of backup 2. */
    public static final Instant T2 = Instant.parse("2026-11-08T03:00:00Z");
    /** Time of backup 3 (in progress). */
    public static final Instant T3 = Instant.parse("2026-11-15T03:00:00Z");

    public static final String A1 = "backup-aaaa000000000001";
    public static final String A2 = "backup-aaaa000000000002";
    public static final String A3 = "backup-aaaa000000000003";
    public static final String B1 = "backup-bbbb000000000001";
    public static final String B2 = "backup-bbbb000000000002";
    public static final String B_GONE = "backup-bbbb0000000000ff";
    public static final String C1 = "backup-cccc000000000001";
    public static final String E1 = "backup-eeee000000000001";
    public static final String E2 = "backup-eeee000000000002";
    public static final String F1 = "backup-ffff000000000001";
    public static final String F2 = "backup-ffff000000000002";

    /** The standard fixture for backups addressed through {@code target}. */
    public static CatalogFixture standard(BackupTarget target) {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().target(target)
                .volume("pvc-aaa", v -> v.size(1L << 30).pvc("shop/db-data").group("critical")
                        .compression(CompressionMethod.LZ4)
                        .backup(A1, T1.toString(), 4L << 20)
                        .backup(A2, T2.toString(), 6L << 20)
                        .inProgressBackup(A3, T3.toString()))
                .volume("pvc-bbb", v -> v.size(2L << 30).pvc("shop/uploads").group("default")
                        .compression(CompressionMethod.GZIP).storageClass("longhorn-slow")
                        .backup(B1, T1.toString(), 8L << 20)
                        .backup(B2, T2.toString(), 8L << 20)
                        .lastBackupPointer(B_GONE))
                .volume("pvc-ccc", v -> v.size(512L << 20).compression(CompressionMethod.LZ4)
                        .backup(C1, T1.toString(), 2L << 20))
                .volume("pvc-ddd", v -> v.size(256L << 20).pvc("media/cache").compression(CompressionMethod.LZ4)
                        .lastBackupPointer(""))
                .volume("pvc-eee", v -> v.size(128L << 20).pvc("media/photos").compression(CompressionMethod.LZ4)
                        .backup(E1, T1.toString(), 2L << 20)
                        .backup(E2, T2.toString(), 4L << 20)
                        .lastBackupPointer(E1))
                .volume("pvc-fff", v -> v.size(64L << 20).pvc("media/thumbs").compression(CompressionMethod.GZIP)
                        .backup(F1, T1.toString(), 2L << 20)
                        .inProgressBackup(F2, T2.toString())
                        .lastBackupPointer(F2))
                .build();
        Map<String, List<Backup>> backups = new TreeMap<>();
        for (BackupVolume v : c.listBackupVolumes()) {
            backups.put(v.name(), c.listBackups(v.name()));
        }
        return new CatalogFixture(target, c.listBackupVolumes(), backups);
    }

    /** The standard fixture addressed through {@code s3://backups@us-east-1/}. */
    public static CatalogFixture standard() {
        return standard(BackupTarget.parse("s3://backups@us-east-1/"));
    }

    /** One volume of the fixture. */
    public BackupVolume volume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** The backups of one volume, newest first. */
    public List<Backup> backupsOf(String volume) {
        return backups.getOrDefault(volume, List.of());
    }
}

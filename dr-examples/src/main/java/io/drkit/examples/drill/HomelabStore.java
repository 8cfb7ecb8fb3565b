package io.drkit.examples.drill;

import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.RecurringJobInfo;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A realistic homelab backupstore, written byte for byte the way Longhorn writes it: karakeep, immich (library and
 * postgres), vaultwarden, paperless and jellyfin across namespaces, the {@code critical} and {@code default}
 * recurring-job groups, lz4 and gzip, 2 and 16 MiB blocks, an in-progress backup, a stale last-backup pointer, a claim
 * recreated after an earlier rebuild (two backup volumes, the newest almost empty), an orphan volume and junk. The
 * drill writes it to an embedded S3 server; the JShell script to a directory.
 */
public final class HomelabStore {
    private static final long MIB = 1L << 20;

    private HomelabStore() {
    }

    /**
     * One app of the store and what it must look like after a recovery.
     *
     * @param namespace the claim's namespace
     * @param pvc       the claim's name
     * @param critical  whether the app is in the critical group (its claim is labelled {@code data-tier: critical})
     * @param volume    the Longhorn volume a restore must create for it
     * @param expected  the backup a restore must bring back (empty for apps that are not restored)
     * @param pvcSize   the size its claim requests (0: the app is not deployed, no claim)
     */
    public record App(String namespace, String pvc, boolean critical, String volume, Optional<WrittenBackup> expected,
                       long pvcSize) {
        /** {@code namespace/name} of the claim. */
        public String ref() {
            return namespace + "/" + pvc;
        }
    }

    /** Writes the store into {@code dir} (which will hold {@code backupstore/}); see {@link #write(BackupstoreWriter, boolean)}. */
    public static List<App> writeDirectory(Path dir) {
        return write(BackupstoreWriter.create(DirectoryObjectSource.of(dir), io.drkit.core.model.BackupTarget.directory(dir), 2026), false);
    }

    /**
     * Writes the store with {@code w}; with {@code bitRot}, one stored block of karakeep's newest backup is corrupted.
     *
     * @return the apps, with the backup each must come back as
     */
    public static List<App> write(BackupstoreWriter w, boolean bitRot) {
        List<App> apps = new ArrayList<>();
        Instant day = Instant.parse("2026-11-20T03:00:00Z");

        BackupstoreWriter.VolumeWriter karakeep = w.volume("pvc-karakeep-data").size(32 * MIB)
                .compression(CompressionMethod.LZ4).labels(group("critical")).pvc("karakeep/data-pvc").storageClass("longhorn");
        karakeep.backup("backup-ka00000000000001", day, d -> d.text(0).random(2 * MIB).text(8 * MIB));
        karakeep.backup("backup-ka00000000000002", day.plus(Duration.ofDays(1)), d -> d.mixed(4 * MIB).zero(8 * MIB));
        WrittenBackup karakeepNewest = karakeep.backup("backup-ka00000000000003", day.plus(Duration.ofDays(2)), d -> {
            d.text(2 * MIB).random(20 * MIB);
            if (bitRot) {
                d.storedBytes(20 * MIB, "bit rot: these bytes are not the block".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        });
        karakeep.inProgressBackup("backup-ka00000000000004", day.plus(Duration.ofDays(3)));
        apps.add(new App("karakeep", "data-pvc", true, "pvc-karakeep-data", Optional.of(karakeepNewest), 32 * MIB));

        BackupstoreWriter.VolumeWriter library = w.volume("pvc-immich-library").size(64 * MIB).blockSize(16 * MIB)
                .compression(CompressionMethod.GZIP).labels(group("critical")).pvc("immich/library").storageClass("longhorn");
        library.backup("backup-il00000000000001", day, d -> d.random(0).text(32 * MIB));
        WrittenBackup libraryNewest = library.backup("backup-il00000000000002", day.plus(Duration.ofDays(2)),
                d -> d.mixed(16 * MIB));
        apps.add(new App("immich", "library", true, "pvc-immich-library", Optional.of(libraryNewest), 64 * MIB));

        BackupstoreWriter.VolumeWriter postgres = w.volume("pvc-immich-postgres").size(16 * MIB)
                .compression(CompressionMethod.LZ4).labels(group("critical")).pvc("immich/postgres").storageClass("longhorn");
        WrittenBackup pgOld = postgres.backup("backup-ip00000000000001", day, d -> d.text(0).text(2 * MIB));
        WrittenBackup pgNewest = postgres.backup("backup-ip00000000000002", day.plus(Duration.ofDays(2)),
                d -> d.random(4 * MIB).text(6 * MIB));
        postgres.pointer(pgOld.name()); // a stale last-backup pointer: the listing is the truth
        apps.add(new App("immich", "postgres", true, "pvc-immich-postgres", Optional.of(pgNewest), 16 * MIB));

        // vaultwarden's claim was recreated after an earlier rebuild without restore: a fresh, almost empty volume was
        // backed up on top. The data-loss guard must bring back the real data from the older volume.
        BackupstoreWriter.VolumeWriter vwOld = w.volume("pvc-vaultwarden-old").size(8 * MIB)
                .compression(CompressionMethod.LZ4).labels(group("critical")).pvc("vaultwarden/data").storageClass("longhorn");
        vwOld.backup("backup-vo00000000000001", day, d -> d.text(0).random(2 * MIB).mixed(4 * MIB));
        WrittenBackup vwReal = vwOld.backup("backup-vo00000000000002", day.plus(Duration.ofDays(1)), d -> d.text(6 * MIB));
        BackupstoreWriter.VolumeWriter vwNew = w.volume("pvc-vaultwarden-new").size(8 * MIB)
                .compression(CompressionMethod.LZ4).labels(group("critical")).pvc("vaultwarden/data").storageClass("longhorn");
        vwNew.backup("backup-vn00000000000001", day.plus(Duration.ofDays(2)), d -> d.zero(0));
        apps.add(new App("vaultwarden", "data", true, "pvc-vaultwarden-old", Optional.of(vwReal), 8 * MIB));

        BackupstoreWriter.VolumeWriter paperless = w.volume("pvc-paperless-data").size(16 * MIB)
                .compression(CompressionMethod.GZIP).labels(group("default")).pvc("paperless/data").storageClass("longhorn");
        paperless.backup("backup-pd00000000000001", day, d -> d.text(0));
        apps.add(new App("paperless", "data", false, "pvc-paperless-data", Optional.empty(), 16 * MIB));

        BackupstoreWriter.VolumeWriter jellyfin = w.volume("pvc-jellyfin-config").size(8 * MIB)
                .compression(CompressionMethod.GZIP).labels(group("default")).pvc("jellyfin/config").storageClass("longhorn");
        jellyfin.backup("backup-jc00000000000001", day.plus(Duration.ofDays(1)), d -> d.text(0));
        apps.add(new App("jellyfin", "config", false, "pvc-jellyfin-config", Optional.empty(), 0));

        w.volume("pvc-orphan-0001").size(4 * MIB).backup("backup-or00000000000001", day.minus(Duration.ofDays(90)),
                d -> d.random(0));
        w.dsStore();
        w.tempFile("pvc-karakeep-data");
        return apps;
    }

    /** The recurring-job labels Longhorn records for a volume in group {@code g}. */
    public static Map<String, String> group(String g) {
        String job = g + "-backup";
        return new RecurringJobInfo(Optional.of(job), Map.of(job, new RecurringJobInfo.VolumeJob(job, "backup",
                "critical".equals(g) ? "0 3 * * *" : "0 3 * * 0", "critical".equals(g) ? 7 : 4, List.of(g), List.of(g),
                false))).toLabels();
    }
}

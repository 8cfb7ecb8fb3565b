package io.drkit.examples.cli;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.RecurringJobInfo;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.WritableObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small backupstore written the way Longhorn writes it, for the CLI tests (clock: 2026-11-26T12:00Z).
 * <ul>
 *   <li>{@code pvc-karakeep} → {@code karakeep/data-pvc}, critical, lz4: backups on the 24th and 26th (fresh) and one
 *       in progress;</li>
 *   <li>{@code pvc-immich} → {@code immich/library}, critical, gzip: newest backup on the 22nd (stale for critical);</li>
 *   <li>{@code pvc-jellyfin} → {@code jellyfin/config}, default group, gzip: backup on the 22nd (fresh for weekly);</li>
 *   <li>{@code pvc-orphan}: no PVC recorded.</li>
 * </ul>
 */
final class ExampleStore {
    static final String KARAKEEP_NEWEST = "backup-aaaa000000000002";

    private ExampleStore() {
    }

    static BackupstoreWriter writeDirectory(Path dir) {
        return write(DirectoryObjectSource.of(dir), BackupTarget.directory(dir));
    }

    static BackupstoreWriter write(WritableObjectSource sink, BackupTarget target) {
        BackupstoreWriter w = BackupstoreWriter.create(sink, target, 7);
        BackupstoreWriter.VolumeWriter k = w.volume("pvc-karakeep").size(16L << 20).compression(CompressionMethod.LZ4)
                .labels(group("critical")).pvc("karakeep/data-pvc").storageClass("longhorn");
        k.backup("backup-aaaa000000000001", Instant.parse("2026-11-24T03:00:00Z"), d -> d.text(0).random(2L << 20));
        k.backup(KARAKEEP_NEWEST, Instant.parse("2026-11-26T03:00:00Z"), d -> d.mixed(4L << 20));
        k.inProgressBackup("backup-aaaa000000000003", Instant.parse("2026-11-26T09:00:00Z"));
        BackupstoreWriter.VolumeWriter i = w.volume("pvc-immich").size(8L << 20).compression(CompressionMethod.GZIP)
                .labels(group("critical")).pvc("immich/library").storageClass("longhorn");
        i.backup("backup-bbbb000000000001", Instant.parse("2026-11-22T03:00:00Z"), d -> d.random(0));
        BackupstoreWriter.VolumeWriter j = w.volume("pvc-jellyfin").size(8L << 20).compression(CompressionMethod.GZIP)
                .labels(group("default")).pvc("jellyfin/config").storageClass("longhorn");
        j.backup("backup-cccc000000000001", Instant.parse("2026-11-22T04:00:00Z"), d -> d.text(0));
        w.volume("pvc-orphan").size(4L << 20).backup("backup-dddd000000000001", Instant.parse("2026-08-01T00:00:00Z"),
                d -> d.zero(0));
        w.dsStore();
        return w;
    }

    static Map<String, String> group(String g) {
        return new RecurringJobInfo(Optional.of(g + "-backup"), Map.of(g + "-backup", new RecurringJobInfo.VolumeJob(
                g + "-backup", "backup", "0 3 * * *", 7, List.of(g), List.of(g), false))).toLabels();
    }
}

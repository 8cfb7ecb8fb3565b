package io.drkit.examples.bench;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a directory backupstore holding one volume with one backup of issue 16's data mix, byte for byte the way
 * Longhorn writes it ({@link BackupstoreWriter}): per 2 MiB block (by default) 50 % text-like, 40 % random, 5 %
 * explicit zero blocks and 5 % holes (not listed), in a fixed pseudo-random order. For whole-process restore
 * comparisons such as {@code dr-examples/bench/restore-ab.sh}, where old and new {@code dr} read the same store.
 *
 * <p>Usage (defaults in brackets): {@code RestoreStore --dir DIR [--size-mib 1024] [--block-mib 2] [--codec lz4]
 * [--volume pvc-bench-ab]}. Prints one line: {@code volume backup sha256-of-the-image} (the SHA-256 of the image a
 * restore must write), so a script can check what it restored.
 */
public final class RestoreStore {
    /** The backup's name in the store. */
    static final String BACKUP = "backup-ab00000000000001";

    private RestoreStore() {
    }

    /** Entry point. */
    public static void main(String... args) {
        Path dir = Path.of(arg(args, "--dir", null));
        long size = Long.parseLong(arg(args, "--size-mib", "1024")) << 20;
        int blockSize = Integer.parseInt(arg(args, "--block-mib", "2")) << 20;
        String name = arg(args, "--codec", "lz4");
        CompressionMethod codec = CompressionMethod.parse(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown codec " + name));
        String volume = arg(args, "--volume", "pvc-bench-ab");
        if (Files.exists(dir.resolve("backupstore"))) {
            throw new IllegalArgumentException(dir + " already holds a backupstore; give an empty directory");
        }
        BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(dir), BackupTarget.directory(dir), 2026);
        WrittenBackup b = w.volume(volume).size(size).blockSize(blockSize).compression(codec)
                .backup(BACKUP, Instant.parse("2026-11-01T03:00:00Z"), c -> {
                    SplittableRandom r = new SplittableRandom(16);
                    for (long off = 0; off < size; off += blockSize) {
                        int p = r.nextInt(100);
                        if (p < 50) {
                            c.text(off);
                        } else if (p < 90) {
                            c.random(off);
                        } else if (p < 95) {
                            c.zero(off);
                        } // else a hole: not listed
                    }
                });
        System.out.printf(Locale.ROOT, "%s %s %s%n", volume, BACKUP, b.image().orElseThrow().sha256());
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (def == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return def;
    }
}

package io.drkit.s3;

import io.drkit.core.model.BackupTarget;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * A child JVM for {@link RestoreMemoryBoundTest}: a salvage restore and a full verification of volume
 * {@code pvc-big} in the directory store {@code args[0]}, with the default settings (8 workers wanted, 128 MiB of
 * block buffers), into {@code args[1]}. Prints one line of results; run with a small {@code -Xmx}.
 */
public final class RestoreMemoryChild {
    private RestoreMemoryChild() {
    }

    /** Runs; exit 0 when both finished. */
    public static void main(String... args) {
        Path store = Path.of(args[0]);
        DirectoryObjectSource source = DirectoryObjectSource.of(store);
        BackupTarget target = BackupTarget.directory(store);
        ImageRestoreResult r = VolumeImageRestorer.create(source, target).restoreToFile(BackupSelection.newest("pvc-big"),
                Path.of(args[1]), ImageRestoreOptions.builder().salvage(true).build());
        VerificationResult v = BackupVerifier.builder(source, target).level(VerifyLevel.FULL).build()
                .verifyVolume("pvc-big");
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("workers=" + r.workers() + " damaged=" + r.damagedBlocks().size() + " restored="
                + r.blocksRestored() + " verify=" + v.status() + " peakHeapMiB=" + (peak >> 20));
    }
}

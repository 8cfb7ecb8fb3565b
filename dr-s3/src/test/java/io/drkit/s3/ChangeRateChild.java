package io.drkit.s3;

import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.model.BackupTarget;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * A child JVM for {@link ChangeRateTest}: the change rate of {@code backup-0000000000000002} of volume
 * {@code pvc-huge} in the directory store {@code args[0]}. Prints one line; run with a small {@code -Xmx}.
 */
public final class ChangeRateChild {
    /** Blocks in each of the two lists (about 100 bytes of JSON each: two cfgs of 25 MB; held as objects they would need about 40 MB). */
    static final int BLOCKS = 250_000;

    private ChangeRateChild() {
    }

    /** Runs; exit 0 when the rate was computed. */
    public static void main(String... args) {
        Path store = Path.of(args[0]);
        try (BackupstoreCatalog c = BackupstoreCatalog.builder(DirectoryObjectSource.of(store),
                BackupTarget.directory(store)).concurrency(2).build()) {
            ChangeRate r = c.changeRate("pvc-huge", "backup-0000000000000002");
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("basis=" + r.basis() + " changed=" + r.changedBlocks() + " compared=" + r.comparedBlocks()
                    + " peakHeapMiB=" + (peak >> 20));
        }
    }
}

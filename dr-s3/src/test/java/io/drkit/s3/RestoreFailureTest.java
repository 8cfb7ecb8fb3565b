package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.UnavailableException;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancellation, interrupts and store failures in the middle of a restore leave no file behind; transient ones are retried. */
class RestoreFailureTest {
    private static final long MIB = 1 << 20;
    private static Stores.Store store;
    private static WrittenBackup backup;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeStore() {
        store = Stores.S3.create();
        backup = BackupstoreWriter.create(store.source(), store.target(), 5).volume("pvc-long").size(32 * MIB)
                .backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> {
                    for (long off = 0; off < 32 * MIB; off += 2 * MIB) {
                        c.mixed(off);
                    }
                });
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    private static ImageRestoreListener onFirstBlock(Runnable action) {
        return new ImageRestoreListener() {
            @Override
            public void progress(RestoreProgress p) {
                if (p.blocksDone() == 1) {
                    action.run();
                }
            }
        };
    }

    @Test
    void aRestoreCancelledMidwayStopsAndLeavesNoFile() {
        Cancellation cancel = Cancellation.create();
        AtomicReference<RestoreProgress> last = new AtomicReference<>();
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(store.source(), store.target()).concurrency(2)
                .listener(new ImageRestoreListener() {
                    @Override
                    public void progress(RestoreProgress p) {
                        last.set(p);
                        if (p.blocksDone() == 1) {
                            cancel.cancel();
                        }
                    }
                }).build();
        assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-long"), dir.resolve("c.img"),
                ImageRestoreOptions.builder().cancellation(cancel).build()))
                .isInstanceOf(CancelledException.class).hasMessageContaining("pvc-long");
        assertThat(Images.list(dir)).isEmpty();
        assertThat(last.get().blocksDone()).isLessThan(16);
    }

    @Test
    void anInterruptedRestoreLeavesNoFileAndKeepsTheInterruptFlag() {
        Thread caller = Thread.currentThread();
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(store.source(), store.target()).concurrency(2)
                .listener(onFirstBlock(caller::interrupt)).build();
        try {
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-long"), dir.resolve("i.img")))
                    .isInstanceOf(CancelledException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(Images.list(dir)).isEmpty();
    }

    @Test
    void aStoreThatFailsMidwayFailsTheRestoreAndLeavesNoFile() {
        String victim = BackupstoreLayout.of(store.target()).blockKey("pvc-long", backup.blocks().get(20 * MIB));
        FaultyObjectSource faulty = new FaultyObjectSource(store.source()).fail(RequestKind.GET, victim::equals,
                () -> new UnavailableException("access denied", 403, null), -1);
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(faulty, store.target()).concurrency(3).build();
        assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-long"), dir.resolve("f.img")))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("access denied");
        assertThat(Images.list(dir)).isEmpty();
    }

    @Test
    void transientReadFailuresAreRetried() {
        String victim = BackupstoreLayout.of(store.target()).blockKey("pvc-long", backup.blocks().get(4 * MIB));
        FaultyObjectSource faulty = new FaultyObjectSource(store.source()).fail(RequestKind.GET, victim::equals,
                () -> new UnavailableException("connection reset", 503, null), 2);
        ImageRestoreResult r = VolumeImageRestorer.builder(faulty, store.target()).retries(3, Duration.ofMillis(1)).build()
                .restoreToFile(BackupSelection.newest("pvc-long"), dir.resolve("r.img"));
        assertThat(r.intact()).isTrue();
        assertThat(Images.sha256(dir.resolve("r.img"))).isEqualTo(backup.image().orElseThrow().sha256());

        FaultyObjectSource worse = new FaultyObjectSource(store.source()).fail(RequestKind.GET, victim::equals,
                () -> new UnavailableException("connection reset", 503, null), 3);
        assertThatThrownBy(() -> VolumeImageRestorer.builder(worse, store.target()).retries(3, Duration.ofMillis(1)).build()
                .restoreToFile(BackupSelection.newest("pvc-long"), dir.resolve("r2.img")))
                .isInstanceOf(UnavailableException.class);
        assertThat(Images.list(dir)).containsExactly("r.img");
    }

    @Test
    void memoryLimitBoundsTheBlocksInFlight() {
        ImageRestoreResult r = VolumeImageRestorer.builder(store.source(), store.target()).concurrency(16)
                .memoryLimit(28 * MIB).build().restoreToFile(BackupSelection.newest("pvc-long"), dir.resolve("m.img"));
        // each needs a 2 MiB block, the largest acceptable encoding of one (2.2 MiB) and 9 MiB for the slow decoders
        assertThat(r.workers()).isEqualTo(2);
        assertThat(Images.sha256(dir.resolve("m.img"))).isEqualTo(backup.image().orElseThrow().sha256());
    }
}

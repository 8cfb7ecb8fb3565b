package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.s3.internal.BackupstoreLock;
import io.drkit.s3.internal.BackupstoreLock.LockFile;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The opt-in backupstore lock behaves as Longhorn's lock.go: refused by a live deletion lock, refreshed, removed. */
class BackupstoreLockTest {
    private static final long MIB = 1 << 20;
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

    @TempDir
    Path dir;

    private static WrittenBackup volume(Stores.Store store) {
        return BackupstoreWriter.create(store.source(), store.target(), 9).volume("pvc-locked").size(8 * MIB)
                .backup("backup-0000000000000001", T0, c -> c.random(0).text(4 * MIB));
    }

    private static String longhornLock(Stores.Store store, String name, int type, boolean acquired) {
        String key = BackupstoreLayout.of(store.target()).lockKey("pvc-locked", name);
        store.source().put(key, ("{\"Name\":\"" + name + "\",\"Type\":" + type + ",\"Acquired\":" + acquired + "}")
                .getBytes(StandardCharsets.UTF_8));
        return key;
    }

    private static List<LockFile> locks(Stores.Store store) {
        return BackupstoreLock.readLocks(store.source(), BackupstoreLayout.of(store.target()), "pvc-locked");
    }

    private static VolumeImageRestorer.Builder locking(Stores.Store store) {
        return VolumeImageRestorer.builder(store.source(), store.target()).backupstoreLock(true)
                .lockSettleTime(Duration.ofMillis(100));
    }

    @Test
    void aRestoreIsRefusedWhileLonghornHoldsAnUnexpiredDeletionLock() {
        try (Stores.Store store = Stores.S3.create()) {
            volume(store);
            String theirs = longhornLock(store, "lock-00000000deadbeef", 2, true);
            assertThatThrownBy(() -> locking(store).build().restoreToFile(BackupSelection.newest("pvc-locked"),
                    dir.resolve("x.img"))).isInstanceOf(ConflictException.class).hasMessageContaining(theirs)
                    .hasMessageContaining("deletion lock");
            assertThat(Images.list(dir)).isEmpty();
            assertThat(locks(store)).extracting(LockFile::key).containsExactly(theirs); // ours is gone again
        }
    }

    @Test
    void anExpiredDeletionLockAndLonghornsOwnBackupLocksDoNotStopARestore() throws Exception {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            WrittenBackup b = volume(store);
            String stale = longhornLock(store, "lock-00000000000000aa", 2, true);
            Path file = ((DirectoryObjectSource) store.source()).root().resolve(stale);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(600)));
            String backupLock = longhornLock(store, "lock-00000000000000bb", 1, true);
            ImageRestoreResult r = locking(store).build().restoreToFile(BackupSelection.newest("pvc-locked"),
                    dir.resolve("ok.img"));
            assertThat(Images.sha256(dir.resolve("ok.img"))).isEqualTo(b.image().orElseThrow().sha256());
            assertThat(r.lockName()).hasValueSatisfying(n -> assertThat(n).matches("lock-[0-9a-f]{16}"));
            assertThat(locks(store)).extracting(LockFile::key).containsExactlyInAnyOrder(stale, backupLock);
        }
    }

    @Test
    void theLockIsHeldAcquiredDuringTheRestoreAndRemovedAfterItEvenWhenItFails() {
        try (Stores.Store store = Stores.S3.create()) {
            WrittenBackup b = volume(store);
            List<List<LockFile>> seen = new CopyOnWriteArrayList<>();
            VolumeImageRestorer restorer = locking(store).listener(new ImageRestoreListener() {
                @Override
                public void progress(RestoreProgress p) {
                    seen.add(locks(store));
                }
            }).build();
            ImageRestoreResult r = restorer.restoreToFile(BackupSelection.newest("pvc-locked"), dir.resolve("a.img"));
            assertThat(seen).isNotEmpty().allSatisfy(l -> assertThat(l).singleElement().satisfies(lock -> {
                assertThat(lock.name()).isEqualTo(r.lockName().orElseThrow());
                assertThat(lock.type()).isEqualTo(1);
                assertThat(lock.acquired()).isTrue();
            }));
            assertThat(locks(store)).isEmpty();

            store.source().delete(BackupstoreLayout.of(store.target()).blockKey("pvc-locked", b.blocks().get(0L)));
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-locked"), dir.resolve("b.img")))
                    .isInstanceOf(DamagedBlockException.class);
            assertThat(locks(store)).isEmpty();
        }
    }

    @Test
    void theLockIsRewrittenWhileHeldAndGoneOnceClosed() throws Exception {
        try (Stores.Store store = Stores.S3.create()) {
            RecordingObjectSource rec = new RecordingObjectSource(store.source());
            BackupstoreLayout layout = BackupstoreLayout.of(store.target());
            BackupstoreLock lock = BackupstoreLock.acquire(rec, layout, "pvc-locked", BackupstoreLock.BACKUP_OR_RESTORE,
                    Duration.ZERO, Duration.ofMillis(20), Clock.systemUTC(), Cancellation.none());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (rec.keys(RequestKind.PUT, lock.key()::equals).size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            lock.close();
            int puts = rec.keys(RequestKind.PUT, lock.key()::equals).size();
            assertThat(puts).isGreaterThanOrEqualTo(4); // pending, acquired, then refreshes
            assertThat(store.source().head(lock.key())).isEmpty();
            assertThat(rec.keys(RequestKind.PUT, lock.key()::equals)).hasSize(puts); // nothing after close
            assertThat(lock.lapsed()).isFalse();
            lock.close(); // idempotent
        }
    }

    @Test
    void aLockOnAReadOnlySourceIsRefusedAtBuildTime() {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            ObjectSource readOnly = CountingObjectSource.wrap(store.source());
            assertThatThrownBy(() -> VolumeImageRestorer.builder(readOnly, store.target()).backupstoreLock(true).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("writable");
            assertThatThrownBy(() -> VolumeImageRestorer.builder(readOnly, store.target())
                    .lockRefreshInterval(Duration.ofSeconds(150))).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void longhornsClockDecidesExpiry() {
        try (Stores.Store store = Stores.S3.create()) {
            WrittenBackup b = volume(store);
            longhornLock(store, "lock-00000000deadbeef", 2, true);
            // as seen from a clock ten minutes ahead the deletion lock has expired (150 s)
            Clock ahead = Clock.fixed(Instant.now().plusSeconds(600), ZoneOffset.UTC);
            ImageRestoreResult r = locking(store).clock(ahead).build().restoreToFile(BackupSelection.newest("pvc-locked"),
                    dir.resolve("late.img"));
            assertThat(Images.sha256(dir.resolve("late.img"))).isEqualTo(b.image().orElseThrow().sha256());
            assertThat(r.lockName()).isPresent();
        }
    }

    /** Longhorn's compareLocks and canAcquire, as a table: can a type-1 lock (ours) be taken next to theirs? */
    @ParameterizedTest(name = "theirs type {0} acquired {1} at +{2}s named {3}, age {4}s -> ours allowed: {5}")
    @CsvSource({
        // deletion lock, acquired: has priority over our pending lock regardless of time
        "2, true,  5, lock-b, 0,   false",
        // deletion lock, pending, older than ours: priority by server time
        "2, false, -1, lock-b, 0,  false",
        // deletion lock, pending, newer than ours: ours has priority (it will give up)
        "2, false, 1, lock-b, 0,   true",
        // same second: the smaller name wins
        "2, false, 0, lock-0, 0,   false",
        "2, false, 0, lock-z, 0,   true",
        // expired (older than 150 s): ignored
        "2, true, -200, lock-b, 200, true",
        // same type (another backup or restore): compatible
        "1, true,  -1, lock-b, 0,  true"
    })
    void lockPriorityFollowsLonghornsRules(int type, boolean acquired, long secondsAfterOurs, String name,
                                           long ageSeconds, boolean allowed) {
        Instant ours = Instant.parse("2026-11-01T03:00:00Z");
        LockFile mine = new LockFile("lock-m", 1, false, ours, "k1");
        LockFile theirs = new LockFile(name, type, acquired, ours.plusSeconds(secondsAfterOurs), "k2");
        Instant now = theirs.serverTime().plusSeconds(ageSeconds);
        assertThat(theirs.blocks(mine, now)).isEqualTo(!allowed);
    }
}

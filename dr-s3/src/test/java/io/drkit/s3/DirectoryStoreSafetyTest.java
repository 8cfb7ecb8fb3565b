package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory store is read and written only inside its root (issue 11 items 2, 11 and 12): a symbolic link loop
 * anywhere is a skipped entry, not a failed scan; a link leading out of the store is never read (a block behind one is
 * missing), never written through and never deleted; names too long for a file name are invalid names, not an
 * unavailable store.
 */
class DirectoryStoreSafetyTest {
    private static final Instant T1 = Instant.parse("2026-11-01T03:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-02T03:00:00Z");

    @TempDir
    Path base;
    private Path storeDir;
    private Path outside;
    private DirectoryObjectSource source;
    private BackupTarget target;
    private BackupstoreWriter writer;
    private WrittenBackup newest;

    @BeforeEach
    void writeStore() throws Exception {
        storeDir = Files.createDirectories(base.resolve("store"));
        outside = Files.createDirectories(base.resolve("outside"));
        source = DirectoryObjectSource.of(storeDir);
        target = BackupTarget.directory(storeDir);
        writer = BackupstoreWriter.create(source, target, 4);
        BackupstoreWriter.VolumeWriter v = writer.volume("pvc-1").size(8L << 20).pvc("apps/one");
        v.backup("backup-0000000000000001", T1, c -> c.random(0));
        newest = v.backup("backup-0000000000000002", T2, c -> c.text(2L << 20));
        writer.volume("pvc-2").size(8L << 20).pvc("apps/two").backup("backup-0000000000000001", T1, c -> c.mixed(0));
    }

    private Path file(String key) {
        return storeDir.resolve(key);
    }

    @Test
    void aStoreWhoseRootDoesNotExistYetIsCreatedWhereTheCallerSaid() {
        Path fresh = base.resolve("not-yet").resolve("store");
        DirectoryObjectSource s = DirectoryObjectSource.of(fresh);
        BackupstoreWriter.create(s, BackupTarget.directory(fresh), 4).volume("pvc-1").size(4L << 20).pvc("apps/one")
                .backup("backup-0000000000000001", T1, c -> c.random(0));
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s, BackupTarget.directory(fresh)).build()) {
            assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-1");
        }
    }

    @Test
    void aSymlinkLoopAnywhereInTheStoreIsASkippedEntryNotAFailedScan() throws Exception {
        String volumes = writer.layout().volumesRoot();
        Path hashDir = file(volumes).resolve("ab/cd");
        Files.createDirectories(hashDir);
        Files.createSymbolicLink(hashDir.resolve("pvc-loop"), hashDir.resolve("pvc-loop")); // a link to itself
        Path backups = file(writer.layout().backupsDir("pvc-1"));
        Files.createSymbolicLink(backups.resolve("backup_backup-0000000000000009.cfg"),
                backups.resolve("backup_backup-0000000000000009.cfg"));
        Path a = file(volumes).resolve("cd");
        Files.createSymbolicLink(a, file(volumes).resolve("dc"));
        Files.createSymbolicLink(file(volumes).resolve("dc"), a); // two links pointing at each other

        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(source, target).build()) {
            assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-1", "pvc-2");
            assertThat(catalog.newestCompleteBackups()).containsOnlyKeys("pvc-1", "pvc-2");
            assertThat(catalog.newestCompleteBackup("pvc-1")).map(Backup::name).contains(newest.name());
            CatalogScan scan = catalog.scanAll();
            assertThat(scan.backupsOf("pvc-1")).hasSize(2);
            assertThat(scan.skipped()).filteredOn(e -> e.reason() == SkippedEntry.Reason.UNREADABLE)
                    .extracting(SkippedEntry::location)
                    .contains(volumes + "ab/cd/pvc-loop", writer.layout().backupsDir("pvc-1")
                            + "backup_backup-0000000000000009.cfg", volumes + "cd", volumes + "dc")
                    .allSatisfy(l -> assertThat(scan.skipped().stream().filter(e -> e.location().equals(l))
                            .findFirst().orElseThrow().detail()).contains("symbolic link loop"));
        }
        // verification checks every backup, and reports the cfg it cannot read as one it could not check
        VerificationResult verified = BackupVerifier.builder(source, target).build().verifyAll();
        assertThat(verified.backups()).filteredOn(b -> b.status() == VerifyStatus.OK).hasSize(3);
        assertThat(verified.damaged()).singleElement().satisfies(b -> {
            assertThat(b.backupName()).isEqualTo("backup-0000000000000009");
            assertThat(b.problem()).hasValueSatisfying(p -> assertThat(p).contains("symbolic link loop"));
        });
    }

    @Test
    void aBlockLinkedToAFileOutsideTheStoreIsMissingAndNeverRead() throws Exception {
        // the outside file even holds the right bytes: were it read, the restore would silently succeed
        String sum = newest.blocks().get(2L << 20);
        Path blk = file(writer.layout().blockKey("pvc-1", sum));
        Path copy = Files.copy(blk, outside.resolve("stolen.blk"));
        Files.delete(blk);
        Files.createSymbolicLink(blk, copy);

        VolumeImageRestorer restorer = VolumeImageRestorer.create(source, target);
        assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.named("pvc-1", newest.name()),
                base.resolve("out.img")))
                .isInstanceOfSatisfying(DamagedBlockException.class, e -> {
                    assertThat(e.block().problem()).isEqualTo(BlockProblem.MISSING);
                    assertThat(e.block().detail()).contains("symbolic link leading out");
                });
        assertThat(base.resolve("out.img")).doesNotExist();
        for (VerifyLevel level : VerifyLevel.values()) {
            for (PresenceCheck how : List.of(PresenceCheck.LISTING, PresenceCheck.HEAD_PER_BLOCK)) {
                VerificationResult r = BackupVerifier.builder(source, target).level(level).presenceCheck(how).build()
                        .verifyBackup("pvc-1", newest.name());
                assertThat(r.status()).as(level + " " + how).isEqualTo(VerifyStatus.DAMAGED);
                assertThat(r.backups().get(0).missing()).singleElement().satisfies(b -> assertThat(b.checksum()).isEqualTo(sum));
            }
        }
        assertThat(source.head(writer.layout().blockKey("pvc-1", sum))).isEmpty();
    }

    @Test
    void aCfgLinkedOutsideTheStoreIsSkippedNotRead() throws Exception {
        String key = writer.layout().backupCfg("pvc-1", newest.name());
        Path cfg = file(key);
        Path copy = Files.copy(cfg, outside.resolve("backup.cfg"));
        Files.delete(cfg);
        Files.createSymbolicLink(cfg, copy);
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(source, target).build()) {
            assertThat(catalog.newestCompleteBackup("pvc-1")).map(Backup::name).contains("backup-0000000000000001");
            assertThat(catalog.scanAll().skipped()).anySatisfy(e -> {
                assertThat(e.location()).isEqualTo(key);
                assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.UNREADABLE);
                assertThat(e.detail()).contains("leading out of the store");
            });
        }
        assertThatThrownBy(() -> source.get(key)).isInstanceOf(NotFoundException.class).hasMessageContaining("leading out");
    }

    @Test
    void theLockNeverWritesThroughALocksDirectoryLinkedOutsideAndNeverDeletesTheLink() throws Exception {
        Path locks = file(writer.layout().locksDir("pvc-1"));
        Files.createDirectories(locks.getParent());
        Files.deleteIfExists(locks);
        Files.createSymbolicLink(locks, outside);
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(source, target).backupstoreLock(true)
                .lockSettleTime(Duration.ZERO).build();
        assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-1"), base.resolve("locked.img")))
                .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("symbolic link leading out");
        try (var files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
        assertThat(Files.isSymbolicLink(locks)).isTrue();
        assertThat(base.resolve("locked.img")).doesNotExist();
    }

    @Test
    void aSymlinkItDidNotCreateIsNeitherReplacedNorDeleted() throws Exception {
        String key = writer.layout().lockKey("pvc-1", "lock-0123456789abcdef");
        Path lock = file(key);
        Files.createDirectories(lock.getParent());
        Path victim = Files.writeString(outside.resolve("victim"), "keep me");
        Files.createSymbolicLink(lock, victim);
        assertThatThrownBy(() -> source.delete(key)).isInstanceOf(InvalidBackupDataException.class)
                .hasMessageContaining("not deleted");
        assertThatThrownBy(() -> source.put(key, new byte[] {1})).isInstanceOf(InvalidBackupDataException.class);
        assertThat(Files.isSymbolicLink(lock)).isTrue();
        assertThat(Files.readString(victim)).isEqualTo("keep me");
        // a whole directory of the store linked outside: nothing is created or written there either
        Path volumeDir = file(writer.layout().volumeDir("pvc-2"));
        Path moved = outside.resolve("pvc-2");
        Files.move(volumeDir, moved);
        Files.createSymbolicLink(volumeDir, moved);
        assertThatThrownBy(() -> source.put(writer.layout().lockKey("pvc-2", "lock-0000000000000001"), new byte[] {1}))
                .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("leading out");
        assertThat(moved.resolve("locks")).doesNotExist();
        assertThat(Files.exists(volumeDir, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void namesTooLongForAFileNameAreInvalidNamesNotAnUnavailableStore() throws Exception {
        String longName = "pvc-" + "x".repeat(296);
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(source, target).build()) {
            assertThat(catalog.findBackupVolume(longName)).isEmpty();
            assertThatThrownBy(() -> catalog.listBackups(longName)).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("at most 244 characters");
            assertThat(catalog.findBackup("pvc-1", "backup-" + "0".repeat(300))).isEmpty();
            assertThat(catalog.newestCompleteBackups(List.of(longName, "pvc-1"))).containsOnlyKeys("pvc-1");
        }
        assertThatThrownBy(() -> VolumeImageRestorer.create(source, target)
                .restoreToFile(BackupSelection.newest(longName), base.resolve("long.img")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> BackupVerifier.builder(source, target).build().verifyVolume(longName))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> source.get("backupstore/" + "y".repeat(300))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("255");
        // a volume directory with the longest name a file system allows: an invalid name, skipped
        String dirName = "pvc-" + "z".repeat(251);
        String h = BackupstoreLayout.volumeHash(dirName);
        Path d = Files.createDirectories(file(writer.layout().volumesRoot()).resolve(h.substring(0, 2))
                .resolve(h.substring(2, 4)).resolve(dirName));
        Files.writeString(d.resolve("volume.cfg"), "{\"Name\":\"" + dirName + "\",\"Size\":\"8388608\"}");
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(source, target).build()) {
            assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-1", "pvc-2");
            assertThat(catalog.skippedEntries()).anySatisfy(e -> {
                assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.INVALID_NAME);
                assertThat(e.location()).endsWith(dirName + "/");
            });
        }
    }
}

package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BlockCodec;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.BlockContent;
import io.drkit.s3.testing.WrittenBackup;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sampling, the choice between listings and HEADs, whole-store runs, warnings and cancellation. */
class VerificationTest {
    private static final int BLOCK = 64 << 10; // small blocks: many of them, cheaply
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");
    private static Stores.Store store;
    private static WrittenBackup many;
    private static WrittenBackup single;

    @BeforeAll
    static void writeStore() {
        store = Stores.S3.create();
        BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 21);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-many").size(400L * BLOCK).blockSize(BLOCK);
        many = v.backup("backup-0000000000000001", T0, c -> {
            for (int i = 0; i < 200; i++) {
                c.block((long) i * 2 * BLOCK, BlockContent.random(1000 + i));
            }
        });
        single = w.volume("pvc-single").size(8L * BLOCK).blockSize(BLOCK)
                .backup("backup-0000000000000001", T0, c -> c.text(3L * BLOCK));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    private static Set<String> sampledKeys(long seed, double fraction) {
        RecordingObjectSource rec = new RecordingObjectSource(store.source());
        VerificationResult r = BackupVerifier.builder(rec, store.target()).level(VerifyLevel.SAMPLED)
                .sampleFraction(fraction).seed(seed).build().verifyBackup("pvc-many", many.name());
        assertThat(r.status()).isEqualTo(VerifyStatus.OK);
        assertThat(r.seed()).isEqualTo(seed);
        Set<String> keys = new HashSet<>(rec.keys(RequestKind.GET, k -> k.endsWith(".blk")));
        assertThat(r.backups().get(0).contentChecked()).isEqualTo(keys.size());
        assertThat(r.backups().get(0).presenceChecked()).isEqualTo(200);
        return keys;
    }

    @Test
    void sampledVerificationPicksTheSameBlocksForTheSameSeed() {
        Set<String> a = sampledKeys(42, 0.25);
        Set<String> b = sampledKeys(42, 0.25);
        Set<String> c = sampledKeys(43, 0.25);
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        assertThat(a.size()).isBetween(25, 75); // 200 blocks at 1/4: 50 expected
        assertThat(sampledKeys(42, 1.0)).hasSize(200);
    }

    @Test
    void aRandomSeedIsReportedSoThatTheRunCanBeRepeated() {
        BackupVerifier random = BackupVerifier.builder(store.source(), store.target()).level(VerifyLevel.SAMPLED)
                .sampleFraction(0.1).build();
        VerificationResult r = random.verifyBackup("pvc-many", many.name());
        assertThat(r.seed()).isEqualTo(random.seed());
        assertThat(sampledKeys(r.seed(), 0.1)).hasSize((int) r.backups().get(0).contentChecked());
        assertThat(r.summary()).contains("seed " + r.seed());
    }

    @Test
    void existenceOfManyBlocksIsCheckedWithOneListingAndOfOneBlockWithOneHead() {
        VerificationResult m = BackupVerifier.builder(store.source(), store.target()).build()
                .verifyBackup("pvc-many", many.name());
        assertThat(m.backups().get(0).presenceCheck()).isEqualTo(PresenceCheck.LISTING);
        assertThat(m.requests().head()).isZero();
        assertThat(m.requests().get()).isEqualTo(4); // volume.cfg twice, the cfg metadata, the cfg Blocks
        assertThat(m.backups().get(0).presenceChecked()).isEqualTo(200);

        VerificationResult s = BackupVerifier.builder(store.source(), store.target()).build()
                .verifyBackup("pvc-single", single.name());
        assertThat(s.backups().get(0).presenceCheck()).isEqualTo(PresenceCheck.HEAD_PER_BLOCK);
        assertThat(s.requests().head()).isEqualTo(1);
        assertThat(s.requests().list()).isZero();

        VerificationResult forced = BackupVerifier.builder(store.source(), store.target())
                .presenceCheck(PresenceCheck.HEAD_PER_BLOCK).build().verifyBackup("pvc-many", many.name());
        assertThat(forced.backups().get(0).presenceCheck()).isEqualTo(PresenceCheck.HEAD_PER_BLOCK);
        assertThat(forced.requests().head()).isEqualTo(200);
        assertThat(forced.status()).isEqualTo(VerifyStatus.OK);
    }

    @Test
    void aWholeStoreRunReportsUnreadableCfgsAsDamagedAndSkipsInProgressBackups() {
        try (Stores.Store s = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(s.source(), s.target(), 3);
            BackupstoreWriter.VolumeWriter a = w.volume("pvc-a").size(8L * BLOCK).blockSize(BLOCK);
            a.backup("backup-000000000000000a", T0, c -> c.random(0));
            a.inProgressBackup("backup-000000000000000b", T0.plusSeconds(60));
            w.volume("pvc-b").size(8L * BLOCK).blockSize(BLOCK).backup("backup-000000000000000c", T0, c -> c.mixed(BLOCK));
            String broken = w.invalidJsonBackup("pvc-b", "backup-000000000000000d");
            w.systemBackup("v1.10.0", "sb-1", T0);

            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            VerificationResult r = BackupVerifier.builder(s.source(), s.target()).level(VerifyLevel.FULL)
                    .listener(new VerifyListener() {
                        @Override
                        public void verificationStarted(VerifyLevel level, int volumes, int backups) {
                            events.add("started " + volumes + " " + backups);
                        }

                        @Override
                        public void backupVerified(BackupVerification report) {
                            events.add(report.backupName() + " " + report.status());
                        }
                    }).build().verifyAll();
            assertThat(r.status()).isEqualTo(VerifyStatus.DAMAGED);
            assertThat(r.backups()).extracting(BackupVerification::backupName).containsExactlyInAnyOrder(
                    "backup-000000000000000a", "backup-000000000000000c", "backup-000000000000000d");
            BackupVerification d = r.find("pvc-b", "backup-000000000000000d").orElseThrow();
            assertThat(d.status()).isEqualTo(VerifyStatus.DAMAGED);
            assertThat(d.problem()).hasValueSatisfying(p -> assertThat(p).contains(broken));
            assertThat(d.restorable()).isFalse();
            assertThat(r.find("pvc-a", "backup-000000000000000a").orElseThrow().status()).isEqualTo(VerifyStatus.OK);
            assertThat(r.skipped()).extracting(SkippedEntry::reason).contains(SkippedEntry.Reason.IN_PROGRESS,
                    SkippedEntry.Reason.NOT_A_VOLUME_BACKUP);
            assertThat(r.skipped()).extracting(SkippedEntry::location).doesNotContain(broken);
            assertThat(r.distinctBlocks()).isEqualTo(2);
            assertThat(r.bytesDownloaded()).isPositive();
            assertThat(events).first().isEqualTo("started 2 3");
            assertThat(events).hasSize(4);
        }
    }

    @Test
    void aBlockReadableOnlyThroughAnotherCodecIsAWarning() {
        try (Stores.Store s = Stores.DIRECTORY.create()) {
            byte[] data = BlockContent.text(8).bytes(BLOCK);
            BackupstoreWriter.create(s.source(), s.target(), 3).volume("pvc-7687").size(4L * BLOCK).blockSize(BLOCK)
                    .compression(CompressionMethod.LZ4).backup("backup-0000000000000001", T0, c -> c
                            .block(0, BlockContent.exact(data)).storedBytes(0, BlockCodec.compress(CompressionMethod.GZIP, data))
                            .random(BLOCK));
            VerificationResult r = BackupVerifier.builder(s.source(), s.target()).level(VerifyLevel.FULL).build()
                    .verifyVolume("pvc-7687");
            assertThat(r.status()).isEqualTo(VerifyStatus.WARNING);
            assertThat(r.exitCode()).isZero();
            assertThat(r.exitCode(true)).isEqualTo(3);
            assertThat(r.backups().get(0).codecFallbacks()).isEqualTo(1);
            assertThat(r.backups().get(0).restorable()).isTrue();
        }
    }

    @Test
    void verificationProgressOnlyGrowsAndEndsAtItsTotal() {
        List<long[]> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupVerifier.builder(store.source(), store.target()).level(VerifyLevel.SAMPLED).sampleFraction(0.2).seed(7)
                .listener(new VerifyListener() {
                    @Override
                    public void blocksChecked(String volume, long done, long total, long bytes) {
                        seen.add(new long[] {done, total, bytes});
                    }
                }).build().verifyBackup("pvc-many", many.name());
        assertThat(seen).isNotEmpty();
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).isGreaterThanOrEqualTo(seen.get(i - 1)[0]);
            assertThat(seen.get(i)[2]).isGreaterThanOrEqualTo(seen.get(i - 1)[2]);
        }
        long[] last = seen.get(seen.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]).isGreaterThan(200); // 200 existence checks plus the sample
        assertThat(last[2]).isPositive();
    }

    @Test
    void verifyingWhatDoesNotExistIsNotFound() {
        BackupVerifier v = BackupVerifier.builder(store.source(), store.target()).build();
        assertThatThrownBy(() -> v.verifyVolume("pvc-nope")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> v.verifyBackup("pvc-many", "backup-0000000000000009")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("backup-0000000000000009");
    }

    @Test
    void aVerificationStopsWhenCancelled() {
        Cancellation cancel = Cancellation.create();
        BackupVerifier v = BackupVerifier.builder(store.source(), store.target()).level(VerifyLevel.FULL).concurrency(2)
                .listener(new VerifyListener() {
                    @Override
                    public void blocksChecked(String volume, long done, long total, long bytes) {
                        if (done >= 5) {
                            cancel.cancel();
                        }
                    }
                }).build();
        assertThatThrownBy(() -> v.verifyVolume("pvc-many", cancel)).isInstanceOf(CancelledException.class);
    }
}

package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BlockCodec;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.BlockContent;
import io.drkit.s3.testing.ExpectedImage;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One bad block shared by two backups (at two offsets in each): verification reports it exactly, with its blast
 * radius; a restore fails naming it and leaves no file; a salvage restore completes and lists the damaged ranges.
 */
class DamagedBlocksTest {
    private static final int MIB = 1 << 20;
    private static final int BLOCK = 2 * MIB;
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");
    private static final BlockContent SHARED = BlockContent.text(77);

    /** Ways a stored block goes bad, with the codec of the volume and what verification must call it. */
    enum Damage {
        MISSING(CompressionMethod.LZ4, BlockProblem.MISSING, true, null),
        CHECKSUM_MISMATCH(CompressionMethod.LZ4, BlockProblem.CHECKSUM_MISMATCH, false,
                data -> BlockCodec.compress(CompressionMethod.LZ4, BlockContent.text(78).bytes(BLOCK))),
        TRUNCATED_LZ4_FRAME(CompressionMethod.LZ4, BlockProblem.BAD_FRAME, false, data -> {
            byte[] f = BlockCodec.compress(CompressionMethod.LZ4, data);
            return Arrays.copyOf(f, f.length / 2);
        }),
        GZIP_CRC_ERROR(CompressionMethod.GZIP, BlockProblem.BAD_FRAME, false, data -> {
            byte[] g = BlockCodec.compress(CompressionMethod.GZIP, data);
            g[g.length - 6] ^= 0x55; // CRC32 in the trailer
            return g;
        }),
        WRONG_CODEC(CompressionMethod.LZ4, BlockProblem.WRONG_CODEC, false, data -> {
            byte[] zstd = new byte[4096]; // a codec Longhorn never writes (zstd magic)
            new SplittableRandom(5).nextBytes(zstd);
            zstd[0] = 0x28;
            zstd[1] = (byte) 0xb5;
            zstd[2] = 0x2f;
            zstd[3] = (byte) 0xfd;
            return zstd;
        }),
        EMPTY_OBJECT(CompressionMethod.GZIP, BlockProblem.WRONG_SIZE, true, data -> new byte[0]);

        final CompressionMethod codec;
        final BlockProblem problem;
        final boolean visibleToMetadata;
        final Function<byte[], byte[]> stored;

        Damage(CompressionMethod codec, BlockProblem problem, boolean visibleToMetadata, Function<byte[], byte[]> stored) {
            this.codec = codec;
            this.problem = problem;
            this.visibleToMetadata = visibleToMetadata;
            this.stored = stored;
        }
    }

    @TempDir
    Path dir;

    /** The store: backups 1 and 2 use the bad block at 2 MiB and 12 MiB, backup 3 rewrote both. */
    private record Fixture(Stores.Store store, String checksum, String key, WrittenBackup b1, WrittenBackup b2,
                           WrittenBackup b3) {
    }

    /** Fixtures on S3 are shared by the tests of one kind of damage (they only read the store). */
    private static final java.util.Map<Damage, Fixture> ON_S3 = new java.util.EnumMap<>(Damage.class);

    private static synchronized Fixture onS3(Damage damage) {
        return ON_S3.computeIfAbsent(damage, d -> write(Stores.S3, d));
    }

    @org.junit.jupiter.api.AfterAll
    static synchronized void closeStores() {
        ON_S3.values().forEach(f -> f.store().close());
        ON_S3.clear();
    }

    private static Fixture write(Stores kind, Damage damage) {
        Stores.Store store = kind.create();
        BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 11);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-damaged").size(16L * MIB).compression(damage.codec);
        WrittenBackup b1 = v.backup("backup-0000000000000001", T0, c -> {
            c.random(0).block(2L * MIB, SHARED).mixed(4L * MIB).block(12L * MIB, SHARED);
            if (damage.stored != null) {
                c.storedBytes(2L * MIB, damage.stored.apply(SHARED.bytes(BLOCK)));
            }
        });
        WrittenBackup b2 = v.backup("backup-0000000000000002", T0.plusSeconds(3600), c -> c.random(6L * MIB));
        WrittenBackup b3 = v.backup("backup-0000000000000003", T0.plusSeconds(7200),
                c -> c.text(2L * MIB).mixed(12L * MIB));
        String checksum = b1.blocks().get(2L * MIB);
        String key = w.layout().blockKey("pvc-damaged", checksum);
        if (damage == Damage.MISSING) {
            store.source().delete(key);
        }
        return new Fixture(store, checksum, key, b1, b2, b3);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Damage.class)
    void fullVerificationReportsTheBadBlockWithItsOffsetsAndBlastRadius(Damage damage) {
        Fixture f = onS3(damage);
        Stores.Store store = f.store();
        BackupVerifier verifier = BackupVerifier.builder(store.source(), store.target()).level(VerifyLevel.FULL).build();
        VerificationResult one = verifier.verifyBackup("pvc-damaged", f.b1().name());
        assertThat(one.status()).isEqualTo(VerifyStatus.DAMAGED);
        assertThat(one.exitCode()).isEqualTo(3);
        assertThat(one.exitCode(true)).isEqualTo(3);
        BackupVerification r = one.backups().get(0);
        assertThat(r.blocksReferenced()).isEqualTo(4);
        assertThat(r.contentChecked()).isEqualTo(4);
        assertThat(r.presenceCheck()).isEqualTo(PresenceCheck.DOWNLOAD);
        List<BadBlock> bad = damage == Damage.MISSING ? r.missing() : r.corrupt();
        assertThat(damage == Damage.MISSING ? r.corrupt() : r.missing()).isEmpty();
        assertThat(bad).hasSize(1);
        BadBlock b = bad.get(0);
        assertThat(b.checksum()).isEqualTo(f.checksum());
        assertThat(b.key()).isEqualTo(f.key());
        assertThat(b.problem()).isEqualTo(damage.problem);
        assertThat(b.offsets()).containsExactly(2L * MIB, 12L * MIB);
        assertThat(b.alsoReferencedBy()).containsExactly(f.b2().name());
        assertThat(b.detail()).isNotEmpty();

        VerificationResult all = verifier.verifyVolume("pvc-damaged");
        assertThat(all.backups()).extracting(BackupVerification::backupName, BackupVerification::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(f.b3().name(), VerifyStatus.OK),
                org.assertj.core.groups.Tuple.tuple(f.b2().name(), VerifyStatus.DAMAGED),
                org.assertj.core.groups.Tuple.tuple(f.b1().name(), VerifyStatus.DAMAGED));
        BadBlock inB2 = all.find("pvc-damaged", f.b2().name()).orElseThrow().badBlocks().get(0);
        assertThat(inB2.offsets()).containsExactly(2L * MIB, 12L * MIB);
        assertThat(inB2.alsoReferencedBy()).containsExactly(f.b1().name());
        assertThat(all.damaged()).hasSize(2);
        // each distinct block is downloaded once for the whole volume: 3 + 1 + 2
        assertThat(all.distinctBlocks()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Damage.class)
    void metadataVerificationSeesOnlyWhatExistenceReveals(Damage damage) {
        Fixture f = onS3(damage);
        Stores.Store store = f.store();
        VerificationResult r = BackupVerifier.builder(store.source(), store.target()).build().verifyVolume("pvc-damaged");
        assertThat(r.level()).isEqualTo(VerifyLevel.METADATA);
        assertThat(r.bytesDownloaded()).isZero();
        assertThat(r.status()).isEqualTo(damage.visibleToMetadata ? VerifyStatus.DAMAGED : VerifyStatus.OK);
        BackupVerification b1 = r.find("pvc-damaged", f.b1().name()).orElseThrow();
        assertThat(b1.presenceChecked()).isEqualTo(4);
        assertThat(b1.contentChecked()).isZero();
        if (damage.visibleToMetadata) {
            assertThat(b1.badBlocks()).singleElement().satisfies(b -> {
                assertThat(b.problem()).isEqualTo(damage.problem);
                assertThat(b.offsets()).containsExactly(2L * MIB, 12L * MIB);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Damage.class)
    void aRestoreFailsNamingTheBlockAndLeavesNoFile(Damage damage) {
        Fixture f = onS3(damage);
        Stores.Store store = f.store();
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(store.source(), store.target()).concurrency(1).build();
        Path image = dir.resolve("damaged.img");
        assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.named("pvc-damaged", f.b2().name()), image))
                .isInstanceOfSatisfying(DamagedBlockException.class, e -> {
                    assertThat(e).isInstanceOf(InvalidBackupDataException.class);
                    assertThat(e.block().checksum()).isEqualTo(f.checksum());
                    assertThat(e.block().key()).isEqualTo(f.key());
                    assertThat(e.block().offset()).isEqualTo(2L * MIB);
                    assertThat(e.block().problem()).isEqualTo(damage.problem);
                    assertThat(e.location()).contains(f.key());
                    assertThat(e.getMessage()).contains(f.checksum()).contains("offset " + 2 * MIB)
                            .contains(f.b2().name()).contains(f.key());
                });
        assertThat(Images.list(dir)).isEmpty();
        // the newest backup does not use the bad block
        restorer.restoreToFile(BackupSelection.newest("pvc-damaged"), image);
        assertThat(Images.sha256(image)).isEqualTo(f.b3().image().orElseThrow().sha256());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Damage.class, names = {"MISSING", "GZIP_CRC_ERROR", "WRONG_CODEC"})
    void aSalvageRestoreCompletesWithZerosAndListsTheDamagedRanges(Damage damage) throws Exception {
        Fixture f = write(Stores.DIRECTORY, damage);
        try (Stores.Store store = f.store()) {
            Path image = dir.resolve("salvaged.img");
            List<DamagedBlock> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
            ImageRestoreResult r = VolumeImageRestorer.builder(store.source(), store.target())
                    .listener(new ImageRestoreListener() {
                        @Override
                        public void blockDamaged(String volume, String backup, DamagedBlock block) {
                            reported.add(block);
                        }
                    }).build()
                    .restoreToFile(BackupSelection.named("pvc-damaged", f.b2().name()), image,
                            ImageRestoreOptions.builder().salvage(true).build());
            assertThat(r.intact()).isFalse();
            assertThat(r.damagedBlocks()).extracting(DamagedBlock::offset).containsExactly(2L * MIB, 12L * MIB);
            assertThat(r.damagedBlocks()).allSatisfy(d -> {
                assertThat(d.checksum()).isEqualTo(f.checksum());
                assertThat(d.key()).isEqualTo(f.key());
                assertThat(d.problem()).isEqualTo(damage.problem);
            });
            assertThat(r.damagedRanges()).containsExactly(new ByteRange(2L * MIB, BLOCK), new ByteRange(12L * MIB, BLOCK));
            assertThat(reported).hasSize(2);
            assertThat(r.summary()).contains("SALVAGED");
            assertThat(r.blocksRestored()).isEqualTo(r.blocksListed() - 2);
            ExpectedImage expected = f.b2().image().orElseThrow();
            for (long off = 0; off < 16L * MIB; off += BLOCK) {
                byte[] want = off == 2L * MIB || off == 12L * MIB ? new byte[BLOCK] : expected.block(off);
                assertThat(Images.read(image, off, BLOCK)).as("block at %d", off).isEqualTo(want);
            }
            assertThat(Files.size(image)).isEqualTo(16L * MIB);
        }
    }
}

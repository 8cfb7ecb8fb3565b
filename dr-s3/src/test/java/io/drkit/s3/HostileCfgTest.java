package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.testing.BackupstoreWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One hostile value in one cfg never stops a whole-store command: the entry becomes a typed skipped entry
 * ({@code INVALID_DATA}) whose detail names the bound, and every other volume is still listed, planned and verified
 * (issue 11 item 2). Before, Jackson's errors (an {@code IOException}) made the whole scan "unavailable".
 */
class HostileCfgTest {
    private static final Instant T1 = Instant.parse("2026-11-01T03:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-08T03:00:00Z");

    /** What is planted, in which file, and what the skip must say. */
    enum Plant {
        /** The backup cfg of the victim's newest backup. */
        BACKUP_CFG,
        /** The victim's volume.cfg. */
        VOLUME_CFG
    }

    /** A hostile field, inserted right after the opening brace, and the words the skip's detail must contain. */
    record Hostile(String name, String field, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Hostile tooBigForALong() {
        return new Hostile("integer too big for a long", "\"Size\":99999999999999999999999,", "64-bit integer");
    }

    static Hostile thousandDigits() {
        return new Hostile("number of 1,200 digits", "\"Unknown\":" + "7".repeat(1200) + ",", "Number value length");
    }

    static Hostile deepNesting() {
        return new Hostile("JSON nested 1,500 deep in an unknown field", "\"Unknown\":" + "[".repeat(1500)
                + "]".repeat(1500) + ",", "nesting depth");
    }

    static Hostile hugeLabels(int count) {
        StringBuilder sb = new StringBuilder("\"Labels\":{");
        String value = "x".repeat(1 << 20);
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ",").append("\"label-").append(i).append("\":\"").append(value).append('"');
        }
        return new Hostile(count + " labels of 1 MiB", sb.append("},").toString(), "Labels is larger than");
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Stores kind : Stores.values()) {
            for (Plant where : Plant.values()) {
                b.add(Arguments.of(kind, where, tooBigForALong()));
                b.add(Arguments.of(kind, where, thousandDigits()));
                b.add(Arguments.of(kind, where, deepNesting()));
                // 100 MiB of labels on disk; 3 MiB over S3 (the in-process server holds objects in memory)
                b.add(Arguments.of(kind, where, hugeLabels(kind == Stores.DIRECTORY ? 100 : 3)));
            }
        }
        return b.build();
    }

    private static String write(Stores.Store s, Plant where, Hostile hostile) {
        BackupstoreWriter w = BackupstoreWriter.create(s.source(), s.target(), 5);
        for (String name : List.of("pvc-good-1", "pvc-victim", "pvc-good-2")) {
            BackupstoreWriter.VolumeWriter v = w.volume(name).size(8L << 20).pvc("apps/" + name);
            v.backup("backup-" + name.substring(4, 8) + "00000000001", T1, c -> c.text(0));
            v.backup("backup-" + name.substring(4, 8) + "00000000002", T2, c -> c.random(2L << 20));
        }
        String key = where == Plant.VOLUME_CFG ? w.layout().volumeCfg("pvc-victim")
                : w.layout().backupCfg("pvc-victim", "backup-vict00000000002");
        String text;
        try (ObjectStream in = s.source().get(key)) {
            text = new String(in.readAllBytesUnchecked(), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] field = hostile.field().getBytes(StandardCharsets.UTF_8);
        out.write('{');
        out.write(field, 0, field.length);
        byte[] rest = text.substring(1).getBytes(StandardCharsets.UTF_8);
        out.write(rest, 0, rest.length);
        s.source().put(key, out.toByteArray());
        return key;
    }

    private static void assertSkipped(List<SkippedEntry> skipped, String key, Hostile hostile) {
        assertThat(skipped).filteredOn(e -> e.location().equals(key)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
            assertThat(e.detail()).containsIgnoringCase(hostile.mentions()).doesNotContain("(at " + key + ")");
            assertThat(e.detail().length()).isLessThan(2000);
        });
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("cases")
    void oneHostileCfgBecomesASkippedEntryAndEveryOtherVolumeIsStillRead(Stores kind, Plant where, Hostile hostile) {
        try (Stores.Store s = kind.create()) {
            String key = write(s, where, hostile);
            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).concurrency(4).build()) {
                // dr volumes / dr audit / dr plan
                List<BackupVolume> volumes = catalog.listBackupVolumes();
                Map<String, Backup> newest = catalog.newestCompleteBackupsOf(volumes);
                assertThat(newest.get("pvc-good-1").name()).isEqualTo("backup-good00000000002");
                assertThat(newest.get("pvc-good-2").name()).isEqualTo("backup-good00000000002");
                if (where == Plant.VOLUME_CFG) {
                    assertThat(volumes).extracting(BackupVolume::name).containsExactly("pvc-good-1", "pvc-good-2");
                } else {
                    // the rule over the readable backups
                    assertThat(newest.get("pvc-victim").name()).isEqualTo("backup-vict00000000001");
                }
                assertSkipped(catalog.skippedEntries(), key, hostile);
                // the whole-store scan
                CatalogScan scan = catalog.scanAll();
                assertThat(scan.backupsOf("pvc-good-2")).hasSize(2);
                assertSkipped(scan.skipped(), key, hostile);
            }
            // dr verify (whole store): the other volumes are verified, the hostile cfg is reported
            VerificationResult verified = BackupVerifier.builder(s.source(), s.target()).build().verifyAll();
            assertThat(verified.backups()).filteredOn(b -> b.volumeName().startsWith("pvc-good"))
                    .hasSize(4).allMatch(b -> b.status() == VerifyStatus.OK);
            if (where == Plant.BACKUP_CFG) {
                assertThat(verified.damaged()).singleElement().satisfies(b -> assertThat(b.problem()).hasValueSatisfying(
                        p -> assertThat(p).containsIgnoringCase(hostile.mentions())));
            } else {
                assertSkipped(verified.skipped(), key, hostile);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Stores.class)
    void aVolumeAskedForByNameWithAHostileCfgIsBadDataNotAbsent(Stores kind) {
        try (Stores.Store s = kind.create();
             BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            String key = write(s, Plant.VOLUME_CFG, tooBigForALong());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.getBackupVolume("pvc-victim"))
                    .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("64-bit integer")
                    .hasMessageEndingWith("(at " + key + ")");
        }
    }
}

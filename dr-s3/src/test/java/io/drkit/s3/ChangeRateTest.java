package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRates;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.plan.RestoreSet;
import io.drkit.s3.testing.BackupstoreWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exact change rates from written backupstores' block lists, and the planner's change-rate guard and restore sets on
 * them.
 */
class ChangeRateTest {
    private static final long MIB = 1L << 20;
    private static final int BLOCKS = 40;
    private static final Instant DAY0 = Instant.parse("2026-11-10T03:00:00Z");
    private static final PvcRef DB = PvcRef.of("shop", "db");
    private static final PvcRef CACHE = PvcRef.of("shop", "cache");

    @TempDir
    Path dir;

    private static String name(String prefix, int day) {
        return String.format("backup-%s%012d", prefix, day);
    }

    private static Instant day(int d) {
        return DAY0.plus(Duration.ofDays(d));
    }

    /**
     * {@code pvc-db}: 40 blocks of data in a 128 MiB volume, backed up daily for 12 days changing 1 or 2 blocks a
     * day; backup 12 rewrote every block. {@code pvc-cache}: rewrites 32 of its 40 blocks every day.
     */
    private static BackupstoreWriter write(WritableObjectSource source, BackupTarget target, boolean sorted) {
        BackupstoreWriter w = BackupstoreWriter.create(source, target, 5);
        BackupstoreWriter.VolumeWriter db = w.volume("pvc-db").size(128 * MIB).pvc("shop/db").metadataOnly();
        BackupstoreWriter.VolumeWriter cache = w.volume("pvc-cache").size(128 * MIB).pvc("shop/cache").metadataOnly();
        if (!sorted) {
            db.unsortedBlockLists();
            cache.unsortedBlockLists();
        }
        db.backup(name("db", 0), day(0), c -> {
            for (int i = 0; i < BLOCKS; i++) {
                c.text(i * 2 * MIB);
            }
        });
        cache.backup(name("ca", 0), day(0).plusSeconds(600), c -> {
            for (int i = 0; i < BLOCKS; i++) {
                c.random(i * 2 * MIB);
            }
        });
        for (int d = 1; d <= 11; d++) {
            int day = d;
            db.backup(name("db", d), day(d), c -> {
                c.random((day % BLOCKS) * 2 * MIB);
                if (day % 2 == 0) {
                    c.random(((day + 20) % BLOCKS) * 2 * MIB);
                }
            });
        }
        db.backup(name("db", 12), day(12), BackupstoreWriter.Changes::rewriteAll);
        for (int d = 1; d <= 12; d++) {
            int day = d;
            cache.backup(name("ca", d), day(d).plusSeconds(600), c -> {
                for (int i = 0; i < 32; i++) {
                    c.random(((i + day * 3) % BLOCKS) * 2 * MIB);
                }
            });
        }
        return w;
    }

    private static String read(ObjectSource source, String key) {
        try (ObjectStream in = source.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BackupstoreCatalog catalog(Stores.Store s) {
        return BackupstoreCatalog.builder(s.source(), s.target()).concurrency(4).build();
    }

    private static RestorePlan plan(RestoreRequest r, BackupstoreCatalog c) {
        return RestorePlanner.withClock(Clock.fixed(day(13), ZoneOffset.UTC)).plan(r, c, ClusterState.offline());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void ratesAreCountedExactlyFromTheBlockLists(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog c = catalog(s)) {
            write(s.source(), s.target(), true);
            List<ChangeRate> rates = c.changeRates("pvc-db", name("db", 12), 13);
            assertThat(rates).hasSize(13);
            assertThat(rates.get(0)).satisfies(r -> {
                assertThat(r.basis()).isEqualTo(ChangeRate.Basis.EXACT);
                assertThat(r.changedBlocks()).isEqualTo(BLOCKS);
                assertThat(r.comparedBlocks()).isEqualTo(BLOCKS);
                assertThat(r.previousBackup()).contains(name("db", 11));
            });
            assertThat(rates.get(1).changedBlocks()).isEqualTo(1); // day 11: one block
            assertThat(rates.get(2).changedBlocks()).isEqualTo(2); // day 10: two blocks
            assertThat(rates.get(2).fraction()).isEqualTo(2.0 / BLOCKS);
            assertThat(rates.get(12).isKnown()).isFalse(); // day 0: the first backup
            assertThat(c.changeRate("pvc-cache", name("ca", 5)).changedBlocks()).isEqualTo(32);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aQuietVolumeWhoseNewestBackupRewroteEveryBlockIsAnAnomalyAndACacheIsNot(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog c = catalog(s)) {
            write(s.source(), s.target(), true);
            RestorePlan warn = plan(RestoreRequest.builder().namespace("shop").build(), c);
            assertThat(warn.getStep(DB).backup().name()).isEqualTo(name("db", 12));
            assertThat(warn.warnings(PlanWarning.Kind.CHANGE_RATE_ANOMALY)).singleElement().satisfies(w -> {
                assertThat(w.pvc()).contains(DB);
                assertThat(w.message()).contains(name("db", 12)).contains("changed 100.0% of its blocks (exact)")
                        .contains("usually changes 3.8%");
            });
            assertThat(warn.getStep(CACHE).backup().name()).isEqualTo(name("ca", 12));

            RestorePlan previous = plan(RestoreRequest.builder().namespace("shop").onAnomaly(AnomalyPolicy.PREVIOUS)
                    .build(), c);
            assertThat(previous.getStep(DB).backup().name()).isEqualTo(name("db", 11));
            assertThat(previous.getStep(CACHE).backup().name()).isEqualTo(name("ca", 12));

            RestorePlan hold = plan(RestoreRequest.builder().namespace("shop").onAnomaly(AnomalyPolicy.HOLD).build(), c);
            assertThat(hold.findStep(DB)).isEmpty();
            assertThat(hold.skips(PlanSkip.SkipReason.CHANGE_RATE_ANOMALY)).extracting(PlanSkip::subject)
                    .containsExactly("shop/db");
            assertThat(hold.getStep(CACHE).backup().name()).isEqualTo(name("ca", 12));

            ChangeRates.VolumeChangeRates table = ChangeRates.of(c).rates("pvc-db");
            assertThat(table.anomalies()).extracting(v -> v.rate().backupName()).containsExactly(name("db", 12));
            assertThat(ChangeRates.of(c).rates("pvc-cache").anomalies()).isEmpty();
        }
    }

    @Test
    void setsAndTheGuardWorkTogetherOnAWrittenStore() {
        try (Stores.Store s = Stores.DIRECTORY.create(); BackupstoreCatalog c = catalog(s)) {
            write(s.source(), s.target(), true);
            RestorePlan p = plan(RestoreRequest.builder().namespace("shop").consistentBy("namespace")
                    .consistencyWindow(Duration.ofMinutes(30)).onAnomaly(AnomalyPolicy.PREVIOUS).build(), c);
            RestoreSet set = p.findSet("namespace=shop").orElseThrow();
            assertThat(set.status()).isEqualTo(RestoreSet.Status.CONSISTENT);
            assertThat(set.consistentAt()).contains(day(11).plusSeconds(600));
            assertThat(set.skew()).isEqualTo(Duration.ofMinutes(10));
            assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 11));
            assertThat(p.getStep(CACHE).backup().name()).isEqualTo(name("ca", 11));
            assertThat(RestorePlan.fromJson(p.toJson())).isEqualTo(p);
        }
    }

    @Test
    void unsortedBlockListsGiveTheSameRatesAsSortedOnes() {
        try (Stores.Store sorted = Stores.DIRECTORY.create(); Stores.Store unsorted = Stores.DIRECTORY.create();
             BackupstoreCatalog a = catalog(sorted); BackupstoreCatalog b = catalog(unsorted)) {
            write(sorted.source(), sorted.target(), true);
            write(unsorted.source(), unsorted.target(), false);
            String cfg = read(unsorted.source(), b.layout().backupCfg("pvc-db", name("db", 3)));
            assertThat(cfg.indexOf("\"Offset\":0,")).as("written in descending order")
                    .isGreaterThan(cfg.indexOf("\"Offset\":2097152,"));
            for (String v : List.of("pvc-db", "pvc-cache")) {
                String newest = a.newestCompleteBackup(v).orElseThrow().name();
                assertThat(b.changeRates(v, newest, 13)).isEqualTo(a.changeRates(v, newest, 13));
            }
        }
    }

    @Test
    void eachBlockListIsReadOnceAndRatesAreCached() {
        try (Stores.Store s = Stores.DIRECTORY.create()) {
            write(s.source(), s.target(), true);
            RecordingObjectSource rec = new RecordingObjectSource(s.source());
            try (BackupstoreCatalog c = BackupstoreCatalog.builder(rec, s.target()).concurrency(2).build()) {
                c.listBackups("pvc-db"); // metadata reads, as the planner does first
                int before = rec.calls().size();
                c.changeRates("pvc-db", name("db", 12), 4);
                List<String> cfgReads = rec.calls().subList(before, rec.calls().size()).stream()
                        .filter(x -> x.startsWith("GET ") && x.contains("/backups/backup_")).toList();
                assertThat(cfgReads).hasSize(5).doesNotHaveDuplicates(); // 4 rates: 5 lists, each once
                int again = rec.calls().size();
                c.changeRates("pvc-db", name("db", 12), 4);
                assertThat(rec.calls().subList(again, rec.calls().size()))
                        .noneMatch(x -> x.startsWith("GET ") && x.contains("/backups/backup_"));
            }
        }
    }

    @Test
    void thePlannersGuardComparesTheBackupsItListedWithoutListingThemAgain() {
        try (Stores.Store s = Stores.DIRECTORY.create()) {
            write(s.source(), s.target(), true);
            RecordingObjectSource rec = new RecordingObjectSource(s.source());
            // no cfg cache: every cfg asked for twice would be read twice, as on a store larger than the cache budget
            try (BackupstoreCatalog c = BackupstoreCatalog.builder(rec, s.target()).concurrency(2).cacheBudgetBytes(0)
                    .build()) {
                RestorePlan off = plan(RestoreRequest.builder().namespace("shop").onAnomaly(AnomalyPolicy.OFF).build(), c);
                List<String> withoutGuard = rec.calls();
                RestorePlan guarded = plan(RestoreRequest.builder().namespace("shop").build(), c);
                List<String> withGuard = rec.calls().subList(withoutGuard.size(), rec.calls().size());

                assertThat(guarded.steps()).hasSize(2);
                assertThat(off.steps()).hasSize(2);
                // the guard adds the block-list reads it needs and nothing else: no second listing of a volume's
                // backups, no second metadata read of its cfgs
                assertThat(withGuard.stream().filter(x -> x.startsWith("LIST ")).toList())
                        .containsExactlyInAnyOrderElementsOf(withoutGuard.stream().filter(x -> x.startsWith("LIST ")).toList());
                // per volume: the 12 cfgs of its 11 rates streamed for their block lists, and its volume.cfg (for its
                // size; read again only because this catalog caches nothing). Listing again would add a LIST and 13
                // metadata reads per volume.
                assertThat(withGuard.size() - withoutGuard.size()).isEqualTo(2 * (12 + 1));
            }
        }
    }

    @Test
    void aMalformedBlockListMakesTheRatesThatNeedItUnknown() {
        try (Stores.Store s = Stores.DIRECTORY.create(); BackupstoreCatalog c = catalog(s)) {
            BackupstoreWriter w = write(s.source(), s.target(), true);
            String key = w.layout().backupCfg("pvc-db", name("db", 10));
            String cfg = read(s.source(), key);
            s.source().put(key, cfg.replaceFirst("\"Offset\":2097152", "\"Offset\":2097153")
                    .getBytes(StandardCharsets.UTF_8));
            List<ChangeRate> rates = c.changeRates("pvc-db", name("db", 12), 4);
            assertThat(rates.get(0).isKnown()).isTrue();
            assertThat(rates.get(1).isKnown()).isFalse(); // 11 against 10
            assertThat(rates.get(1).detail()).contains(name("db", 10)).contains("malformed");
            assertThat(rates.get(2).isKnown()).isFalse(); // 10 against 9
            assertThat(rates.get(3).isKnown()).isTrue();
        }
    }

    @Test
    void twoHugeBlockListsAreComparedInASmallHeap() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        BackupstoreWriter.VolumeWriter v = BackupstoreWriter.create(DirectoryObjectSource.of(store),
                BackupTarget.directory(store), 9).volume("pvc-huge").size(1L << 40);
        v.largeSyntheticBackup("backup-0000000000000001", DAY0, ChangeRateChild.BLOCKS);
        v.largeSyntheticBackup("backup-0000000000000002", day(1), ChangeRateChild.BLOCKS);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx32m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), ChangeRateChild.class.getName(), store.toString())
                .redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("changed=" + ChangeRateChild.BLOCKS + " compared=" + ChangeRateChild.BLOCKS);
        System.out.println("two lists of " + ChangeRateChild.BLOCKS + " blocks, -Xmx32m: " + output.strip());
    }
}

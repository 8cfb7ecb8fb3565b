package io.drkit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.Cancellation;
import io.drkit.core.audit.AuditEntry;
import io.drkit.core.audit.AuditReport;
import io.drkit.core.audit.FreshnessAudit;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.ChangeRates;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.PlanSkip.SkipReason;
import io.drkit.core.plan.PlanWarning.Kind;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The change-rate guard in the planner and the audit, on the in-memory catalog's described block changes. */
class ChangeRateGuardTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final PvcRef DB = PvcRef.of("shop", "db");
    private static final PvcRef CACHE = PvcRef.of("shop", "cache");
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Instant DAY0 = Instant.parse("2026-11-10T03:00:00Z");

    private final RestorePlanner planner = RestorePlanner.withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private static String name(String prefix, int day) {
        return String.format("backup-%s%012d", prefix, day);
    }

    /** 600 MiB of data (300 blocks of 2 MiB), backed up daily, changing 1 or 2 blocks a day. */
    private static Consumer<InMemoryBackupCatalog.VolumeSpec> quietDb(int days, long... lastChanges) {
        return v -> {
            v.size(10 * GIB).pvc("shop/db");
            v.backup(name("db", 0), DAY0.toString(), 600 * MIB);
            for (int d = 1; d < days; d++) {
                v.backup(name("db", d), DAY0.plus(Duration.ofDays(d)).toString(), 600 * MIB, 1 + d % 2);
            }
            for (int i = 0; i < lastChanges.length; i++) {
                int d = days + i;
                v.backup(name("db", d), DAY0.plus(Duration.ofDays(d)).toString(), 600 * MIB, lastChanges[i]);
            }
        };
    }

    /** A cache rewriting 80-95 % of its 300 blocks every day. */
    private static Consumer<InMemoryBackupCatalog.VolumeSpec> cache(int days) {
        return v -> {
            v.size(GIB).pvc("shop/cache");
            v.backup(name("ca", 0), DAY0.toString(), 600 * MIB);
            for (int d = 1; d < days; d++) {
                v.backup(name("ca", d), DAY0.plus(Duration.ofDays(d)).toString(), 600 * MIB, 240 + (d * 37) % 45);
            }
            v.backup(name("ca", days), DAY0.plus(Duration.ofDays(days)).toString(), 600 * MIB, 300);
        };
    }

    private RestorePlan plan(RestoreRequest r, BackupCatalog c) {
        return planner.plan(r, c, ClusterState.offline());
    }

    @Test
    void aQuietVolumeWhoseNewestBackupRewroteEveryBlockIsFlaggedAndPlannedWithAWarning() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build();
        RestorePlan p = plan(RestoreRequest.of(DB), c);
        assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 12));
        assertThat(p.warnings(Kind.CHANGE_RATE_ANOMALY)).singleElement().satisfies(w -> {
            assertThat(w.pvc()).contains(DB);
            assertThat(w.message()).contains(name("db", 12)).contains("changed 100.0% of its blocks (exact)")
                    .contains("usually changes 0.5%").contains("planned it anyway");
        });
    }

    @Test
    void previousPlansTheNewestBackupBeforeTheAnomaly() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build();
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.PREVIOUS).build(), c);
        RestoreStep s = p.getStep(DB);
        assertThat(s.backup().name()).isEqualTo(name("db", 11));
        assertThat(s.reason()).contains("before the change-rate anomaly of " + name("db", 12));
        assertThat(s.notes()).anyMatch(n -> n.startsWith("change-rate guard: backup " + name("db", 11)));
        assertThat(p.warnings(Kind.CHANGE_RATE_ANOMALY)).singleElement().satisfies(w -> assertThat(w.message())
                .contains("planned pvc-db/" + name("db", 11) + ", the newest backup before it"));
    }

    @Test
    void previousWalksBackOverConsecutiveAnomalies() {
        // ransomware over two nights: 60 % then the remaining 40 %
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 180, 120)).build();
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly("previous").build(), c);
        assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 11));
        assertThat(p.warnings(Kind.CHANGE_RATE_ANOMALY).get(0).message()).contains(name("db", 13)).contains(name("db", 12));
    }

    @Test
    void holdSkipsTheClaimWithATypedReason() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build();
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build(), c);
        assertThat(p.findStep(DB)).isEmpty();
        assertThat(p.skips(SkipReason.CHANGE_RATE_ANOMALY)).singleElement().satisfies(s -> {
            assertThat(s.pvc()).contains(DB);
            assertThat(s.detail()).contains(name("db", 12)).contains("100.0%").contains("held for a human decision");
        });
        assertThat(p.isNothingToRestore()).isTrue();
    }

    @Test
    void aScanSeenAsACatalogReadsChangeRatesFromTheCatalogItWasMadeFrom() {
        // the restore Job plans from its full scan: the guard must still see the change rates
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build();
        var scan = c.scanAll(null, Cancellation.none());
        RestoreRequest hold = RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build();

        BackupCatalog withRates = scan.asCatalog(c);
        assertThat(withRates).isInstanceOf(ChangeRateSource.class);
        assertThat(withRates.describe()).isEqualTo(c.describe());
        RestorePlan p = plan(hold, withRates);
        assertThat(p.findStep(DB)).isEmpty();
        assertThat(p.heldSkips()).extracting(PlanSkip::reason).containsExactly(SkipReason.CHANGE_RATE_ANOMALY);

        assertThat(scan.asCatalog("only the scan")).as("a bare scan cannot tell change rates")
                .isNotInstanceOf(ChangeRateSource.class);
    }

    @Test
    void aSteadyHighChangeRateIsNotFlagged() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-cache", cache(12)).build();
        for (AnomalyPolicy policy : List.of(AnomalyPolicy.WARN, AnomalyPolicy.PREVIOUS, AnomalyPolicy.HOLD)) {
            RestorePlan p = plan(RestoreRequest.builder().pvc(CACHE).onAnomaly(policy).build(), c);
            assertThat(p.warnings(Kind.CHANGE_RATE_ANOMALY)).isEmpty();
            assertThat(p.getStep(CACHE).backup().name()).isEqualTo(name("ca", 12));
            assertThat(p.getStep(CACHE).notes()).anyMatch(n -> n.contains("changed 100.0%")
                    && n.contains("too high for any backup to be flagged"));
        }
    }

    @Test
    void anOrdinaryDayIsNotFlagged() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 20)).build();
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build(), c);
        assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 12));
        assertThat(p.getStep(DB).notes()).anyMatch(n -> n.contains("flagged from 25.0%"));
    }

    @Test
    void tooLittleHistoryIsNotJudged() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(3, 300)).build();
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build(), c);
        assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 3));
        assertThat(p.getStep(DB).notes()).anyMatch(n -> n.contains("not judged: 2 earlier backup(s) with a known rate, 3 needed"));
    }

    @Test
    void thresholdsAreConfigurableInTheRequest() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 20)).build();
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD)
                .changeRateRule(io.drkit.core.catalog.ChangeRateRule.builder().floor(0.05).build()).build(), c);
        assertThat(p.skips(SkipReason.CHANGE_RATE_ANOMALY)).hasSize(1); // 20 of 300 blocks = 6.7 % >= 5 %
        assertThat(RestorePlan.fromJson(p.toJson()).request().changeRateRule().floor()).isEqualTo(0.05);
    }

    @Test
    void offReadsNoChangeRates() {
        CountingCatalog c = new CountingCatalog(InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build());
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.OFF).build(), c);
        assertThat(p.warnings(Kind.CHANGE_RATE_ANOMALY)).isEmpty();
        assertThat(c.calls.get()).isZero();
        plan(RestoreRequest.of(DB), c);
        assertThat(c.calls.get()).isEqualTo(1);
    }

    @Test
    void catalogsThatCannotTellChangeRatesPlanAsBefore() {
        InMemoryBackupCatalog inner = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build();
        BackupCatalog plain = new PlainCatalog(inner);
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).onAnomaly(AnomalyPolicy.HOLD).build(), plain);
        assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 12));
        assertThat(ChangeRates.of(plain).supported()).isFalse();
        assertThat(ChangeRates.of(plain).rates("pvc-db").rates()).allMatch(r -> !r.isKnown());
    }

    @Test
    void theGuardAppliesPerClaimBeforeTheRestoreSet() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-db", quietDb(12, 300))
                .volume("pvc-cache", cache(12))
                .build();
        RestorePlan p = plan(RestoreRequest.builder().namespace("shop").consistentBy("namespace")
                .onAnomaly(AnomalyPolicy.PREVIOUS).build(), c);
        RestoreSet set = p.findSet("namespace=shop").orElseThrow();
        // db's anomalous day 12 is no candidate: the set's point is day 11, the cache gives up its day 12
        assertThat(set.consistentAt()).contains(DAY0.plus(Duration.ofDays(11)));
        assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 11));
        assertThat(p.getStep(CACHE).backup().name()).isEqualTo(name("ca", 11));
        assertThat(set.findMember(CACHE).orElseThrow().cost()).isEqualTo(Duration.ofDays(1));

        RestorePlan held = plan(RestoreRequest.builder().namespace("shop").consistentBy("namespace")
                .onAnomaly(AnomalyPolicy.HOLD).build(), c);
        RestoreSet s2 = held.findSet("namespace=shop").orElseThrow();
        assertThat(s2.findMember(DB).orElseThrow().skipped()).contains(SkipReason.CHANGE_RATE_ANOMALY);
        assertThat(held.getStep(CACHE).backup().name()).isEqualTo(name("ca", 12));
    }

    @Test
    void theAuditFlagsAnAnomalousNewestBackupButNotASteadyCache() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-db", quietDb(12, 300))
                .volume("pvc-cache", cache(12))
                .build();
        AuditReport r = FreshnessAudit.builder().clock(Clock.fixed(DAY0.plus(Duration.ofDays(12)).plusSeconds(3600),
                ZoneOffset.UTC)).build().audit(c, ClusterState.offline());
        AuditEntry db = r.entries().stream().filter(e -> e.subject().equals("shop/db")).findFirst().orElseThrow();
        assertThat(db.status()).isEqualTo(AuditEntry.Status.CHANGE_RATE_ANOMALY);
        assertThat(db.status().isViolation()).isTrue();
        assertThat(db.detail()).contains(name("db", 12)).contains("100.0%");
        assertThat(db.changeRate()).hasValueSatisfying(v -> assertThat(v.isAnomaly()).isTrue());
        AuditEntry cache = r.entries().stream().filter(e -> e.subject().equals("shop/cache")).findFirst().orElseThrow();
        assertThat(cache.status()).isEqualTo(AuditEntry.Status.OK);
        assertThat(r.passed()).isFalse();
        assertThat(r.toTable()).contains("CHANGE_RATE_ANOMALY");

        AuditReport off = FreshnessAudit.builder().checkChangeRates(false).clock(Clock.fixed(
                DAY0.plus(Duration.ofDays(12)).plusSeconds(3600), ZoneOffset.UTC)).build().audit(c, ClusterState.offline());
        assertThat(off.passed()).isTrue();
    }

    @Test
    void changeRatesAreAShortTableInJShell() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder().volume("pvc-db", quietDb(12, 300)).build();
        ChangeRates.VolumeChangeRates rates = ChangeRates.of(c).rates("pvc-db");
        assertThat(rates.rates()).hasSize(11);
        assertThat(rates.rates().get(0).fraction()).isEqualTo(1.0);
        assertThat(rates.anomalies()).extracting(v -> v.rate().backupName()).containsExactly(name("db", 12));
        assertThat(rates.toString()).contains("Change rates of pvc-db").contains("ANOMALY").contains("100.0%")
                .contains("exact");
        assertThat(ChangeRates.of(c).judgeNewest("pvc-db")).hasValueSatisfying(v -> assertThat(v.isAnomaly()).isTrue());
        assertThat(c.changeRate("pvc-db", name("db", 0)).isKnown()).isFalse();
        assertThat(c.changeRate("pvc-db", name("db", 0)).detail()).contains("nothing to compare with");
    }

    /** Counts change-rate reads. */
    private static final class CountingCatalog extends PlainCatalog implements ChangeRateSource {
        final AtomicInteger calls = new AtomicInteger();

        CountingCatalog(InMemoryBackupCatalog inner) {
            super(inner);
        }

        @Override
        public List<ChangeRate> changeRates(String volumeName, String newestBackup, int count, Cancellation c) {
            calls.incrementAndGet();
            return ((InMemoryBackupCatalog) inner).changeRates(volumeName, newestBackup, count, c);
        }
    }

    /** A catalog that is not a change-rate source. */
    private static class PlainCatalog implements BackupCatalog {
        final BackupCatalog inner;

        PlainCatalog(BackupCatalog inner) {
            this.inner = inner;
        }

        @Override
        public String describe() {
            return "plain " + inner.describe();
        }

        @Override
        public List<BackupVolume> listBackupVolumes() {
            return inner.listBackupVolumes();
        }

        @Override
        public List<Backup> listBackups(String volumeName) {
            return inner.listBackups(volumeName);
        }

        @Override
        public List<SkippedEntry> skippedEntries() {
            return inner.skippedEntries();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}

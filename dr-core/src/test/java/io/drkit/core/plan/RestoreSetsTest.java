package io.drkit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.PlanSkip.SkipReason;
import io.drkit.core.plan.PlanWarning.Kind;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** App-consistent restore sets: the planner's choice of one point in time per set of claims. */
class RestoreSetsTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final String APP = "app.kubernetes.io/instance";
    private static final PvcRef POSTGRES = PvcRef.of("immich", "postgres");
    private static final PvcRef LIBRARY = PvcRef.of("immich", "library");
    private static final PvcRef WIKI = PvcRef.of("wiki", "data");
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private final RestorePlanner planner = RestorePlanner.withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    /**
     * immich: postgres is backed up every 6 h (2026-11-23T00:00 to 2026-11-25T06:00), the media library daily at
     * 16:00 (2026-11-23 and 2026-11-24): their newest backups are 14 h apart. wiki: one daily backup.
     */
    private static InMemoryBackupCatalog immich() {
        return InMemoryBackupCatalog.builder()
                .volume("pvc-pg", v -> {
                    v.size(20 * GIB).pvc("immich/postgres").label(APP, "immich");
                    Instant t = Instant.parse("2026-11-23T00:00:00Z");
                    for (int i = 0; i < 10; i++) {
                        v.backup(String.format("backup-pg%013d", i), t.plus(Duration.ofHours(6L * i)).toString(), 3 * GIB);
                    }
                })
                .volume("pvc-lib", v -> v.size(200 * GIB).pvc("immich/library").label(APP, "immich")
                        .backup("backup-lib0000000000001", "2026-11-23T16:00:00Z", 120 * GIB)
                        .backup("backup-lib0000000000002", "2026-11-24T16:00:00Z", 121 * GIB))
                .volume("pvc-wiki", v -> v.size(GIB).pvc("wiki/data").label(APP, "wiki")
                        .backup("backup-wk00000000000001", "2026-11-25T05:00:00Z", 100 * MIB))
                .build();
    }

    private RestorePlan plan(RestoreRequest r, InMemoryBackupCatalog c) {
        return planner.plan(r, c, ClusterState.offline());
    }

    @Test
    void aSetWhoseNewestBackupsAre14HoursApartRestoresFromTheNewestCommonPointWithinTwoHours() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("label=" + APP).build(), immich());

        RestoreSet set = p.findSet(APP + "=immich").orElseThrow();
        assertThat(set.status()).isEqualTo(RestoreSet.Status.CONSISTENT);
        assertThat(set.consistentAt()).contains(Instant.parse("2026-11-24T18:00:00Z"));
        assertThat(set.skew()).isEqualTo(Duration.ofHours(2));
        assertThat(set.window()).isEqualTo(Duration.ofHours(2));
        assertThat(p.getStep(POSTGRES).backup().name()).isEqualTo("backup-pg0000000000007"); // 2026-11-24T18:00
        assertThat(p.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000002"); // 2026-11-24T16:00
        RestoreSet.Member pg = set.findMember(POSTGRES).orElseThrow();
        assertThat(pg.newestBackup()).contains("backup-pg0000000000009");
        assertThat(pg.cost()).isEqualTo(Duration.ofHours(12));
        assertThat(set.findMember(LIBRARY).orElseThrow().cost()).isZero();
        assertThat(p.getStep(POSTGRES).reason()).contains("consistent point of restore set " + APP + "=immich")
                .contains("12h 0m newer");
        assertThat(p.warnings(Kind.INCONSISTENT_SET)).isEmpty();

        RestoreSet wiki = p.findSet(APP + "=wiki").orElseThrow();
        assertThat(wiki.status()).isEqualTo(RestoreSet.Status.CONSISTENT);
        assertThat(wiki.members()).extracting(RestoreSet.Member::pvc).containsExactly(WIKI);
        assertThat(p.getStep(WIKI).backup().name()).isEqualTo("backup-wk00000000000001");
    }

    @Test
    void withoutSetsEveryClaimRestoresItsOwnNewestBackup() {
        RestorePlan p = plan(RestoreRequest.all(), immich());
        assertThat(p.sets()).isEmpty();
        assertThat(p.getStep(POSTGRES).backup().name()).isEqualTo("backup-pg0000000000009");
        assertThat(p.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000002");
    }

    @Test
    void aSetWithoutACommonPointRestoresPerClaimWithAWarning() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace")
                .consistencyWindow(Duration.ofMinutes(30)).build(), immich());
        RestoreSet set = p.findSet("namespace=immich").orElseThrow();
        assertThat(set.status()).isEqualTo(RestoreSet.Status.INCONSISTENT);
        assertThat(set.consistentAt()).isEmpty();
        assertThat(p.getStep(POSTGRES).backup().name()).isEqualTo("backup-pg0000000000009");
        assertThat(p.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000002");
        assertThat(set.skew()).isEqualTo(Duration.ofHours(14));
        assertThat(p.warnings(Kind.INCONSISTENT_SET)).singleElement().satisfies(w -> assertThat(w.message())
                .contains("namespace=immich").contains("30m").contains("skew 14h 0m")
                .contains("each claim restores its own newest backup"));
    }

    @Test
    void aStrictSetWithoutACommonPointIsHeld() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace")
                .consistencyWindow(Duration.ofMinutes(30)).consistentStrict(true).build(), immich());
        RestoreSet set = p.findSet("namespace=immich").orElseThrow();
        assertThat(set.status()).isEqualTo(RestoreSet.Status.HELD);
        assertThat(p.findStep(POSTGRES)).isEmpty();
        assertThat(p.findStep(LIBRARY)).isEmpty();
        assertThat(p.skips(SkipReason.INCONSISTENT_SET)).extracting(PlanSkip::subject)
                .containsExactly("immich/library", "immich/postgres");
        assertThat(set.members()).allSatisfy(m -> assertThat(m.skipped()).contains(SkipReason.INCONSISTENT_SET));
        assertThat(p.getStep(WIKI).backup().name()).isEqualTo("backup-wk00000000000001"); // another set
    }

    @Test
    void asOfCombinesWithSets() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace")
                .asOf(Instant.parse("2026-11-24T12:00:00Z")).build(), immich());
        RestoreSet set = p.findSet("namespace=immich").orElseThrow();
        assertThat(set.consistentAt()).contains(Instant.parse("2026-11-23T18:00:00Z"));
        assertThat(p.getStep(POSTGRES).backup().name()).isEqualTo("backup-pg0000000000003");
        assertThat(p.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000001");
        assertThat(set.findMember(POSTGRES).orElseThrow().newestBackup()).contains("backup-pg0000000000006");
        assertThat(set.consistentAt().get()).isBeforeOrEqualTo(p.request().asOf().orElseThrow());
    }

    @Test
    void liveClaimLabelsDecideTheSetOverTheLabelsRecordedInBackups() {
        ClusterState live = ClusterState.builder()
                .pvc(new PvcInfo(POSTGRES, Map.of(APP, "photos"), "Pending", Optional.of("longhorn"), 0, List.of(),
                        Optional.empty()))
                .pvc(new PvcInfo(WIKI, Map.of(APP, "photos"), "Pending", Optional.of("longhorn"), 0, List.of(),
                        Optional.empty()))
                .build();
        RestorePlan p = planner.plan(RestoreRequest.builder().all().consistentBy("label=" + APP).build(), immich(), live);
        assertThat(p.findSet(APP + "=photos").orElseThrow().members()).extracting(RestoreSet.Member::pvc)
                .containsExactly(POSTGRES, WIKI);
        assertThat(p.findSet(APP + "=immich").orElseThrow().members()).extracting(RestoreSet.Member::pvc)
                .containsExactly(LIBRARY); // not in the cluster: the label recorded in its backups
    }

    @Test
    void claimsWithoutTheLabelAreRestoredOnTheirOwnWithANote() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-a", v -> v.pvc("a/a").backup("backup-a1", "2026-11-25T00:00:00Z", MIB))
                .build();
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("label=" + APP).build(), c);
        assertThat(p.sets()).isEmpty();
        assertThat(p.getStep(PvcRef.of("a", "a")).notes()).anyMatch(n -> n.contains("no label " + APP));
    }

    @Test
    void theDataLossGuardAppliesPerClaimBeforeTheSetIsComputed() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-db", v -> v.pvc("shop/db").backup("backup-db1", "2026-11-24T03:00:00Z", 500 * MIB)
                        .backup("backup-db2", "2026-11-25T03:00:00Z", 510 * MIB)
                        .backup("backup-db3", "2026-11-25T09:00:00Z", 5 * MIB)) // emptied: the guard rejects it
                .volume("pvc-up", v -> v.pvc("shop/up").backup("backup-up1", "2026-11-24T03:30:00Z", 2 * GIB)
                        .backup("backup-up2", "2026-11-25T09:30:00Z", 2 * GIB))
                .build();
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace").build(), c);
        assertThat(p.warnings(Kind.DATA_LOSS_GUARD)).hasSize(1);
        RestoreSet set = p.findSet("namespace=shop").orElseThrow();
        // db2 (03:00) has no partner within 2 h (up2 is 09:30), so the set goes back to the 24th
        assertThat(set.consistentAt()).contains(Instant.parse("2026-11-24T03:30:00Z"));
        assertThat(p.getStep(PvcRef.of("shop", "db")).backup().name()).isEqualTo("backup-db1");
        assertThat(p.getStep(PvcRef.of("shop", "up")).backup().name()).isEqualTo("backup-up1");
        assertThat(set.findMember(PvcRef.of("shop", "db")).orElseThrow().newestBackup()).contains("backup-db2");
    }

    @Test
    void aMemberSkippedForItsOwnReasonLeavesTheSetAndIsListedWithTheReason() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace")
                .maxAge(Duration.ofDays(2)).build(), immich());
        RestoreSet set = p.findSet("namespace=immich").orElseThrow();
        // the set goes back to 2026-11-24T18:00; the library's 16:00 backup is within the two days, nothing skipped
        assertThat(set.members()).allSatisfy(m -> assertThat(m.skipped()).isEmpty());
        RestorePlan old = plan(RestoreRequest.builder().all().consistentBy("namespace")
                .asOf(Instant.parse("2026-11-23T12:00:00Z")).build(), immich());
        RestoreSet s = old.findSet("namespace=immich").orElseThrow();
        assertThat(s.findMember(LIBRARY).orElseThrow().skipped()).contains(SkipReason.NO_BACKUP);
        assertThat(s.status()).isEqualTo(RestoreSet.Status.CONSISTENT); // postgres alone
        assertThat(old.getStep(POSTGRES).backup().name()).isEqualTo("backup-pg0000000000002");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theSweepFindsTheSameNewestCommonPointAsComparingEveryCombination(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InMemoryBackupCatalog.Builder b = InMemoryBackupCatalog.builder();
        int claims = 2 + r.nextInt(3);
        List<List<Instant>> times = new ArrayList<>();
        Instant base = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < claims; i++) {
            List<Instant> ts = new ArrayList<>();
            int n = 1 + r.nextInt(12);
            for (int k = 0; k < n; k++) {
                ts.add(base.plus(Duration.ofMinutes(r.nextInt(20 * 24 * 60))));
            }
            times.add(ts);
            int ci = i;
            b.volume("pvc-" + i, v -> {
                v.pvc("app/c" + ci);
                for (int k = 0; k < ts.size(); k++) {
                    v.backup("backup-" + ci + "-" + k, ts.get(k).toString(), MIB);
                }
            });
        }
        Duration window = Duration.ofHours(1 + r.nextInt(48));
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace").consistencyWindow(window).build(),
                b.build());

        // brute force: every backup time as a candidate T, checked against every claim
        Instant expected = null;
        for (List<Instant> ts : times) {
            for (Instant t : ts) {
                boolean all = times.stream().allMatch(other -> other.stream()
                        .anyMatch(o -> !o.isAfter(t) && !o.isBefore(t.minus(window))));
                if (all && (expected == null || t.isAfter(expected))) {
                    expected = t;
                }
            }
        }
        RestoreSet set = p.findSet("namespace=app").orElseThrow();
        assertThat(set.consistentAt()).isEqualTo(Optional.ofNullable(expected));
        if (expected != null) {
            Instant t = expected;
            for (RestoreStep s : p.steps()) {
                Instant at = s.backup().pointInTime().orElseThrow();
                assertThat(at).isBeforeOrEqualTo(t).isAfterOrEqualTo(t.minus(window));
            }
            assertThat(set.skew()).isLessThanOrEqualTo(window);
        }
    }

    @Test
    void setsRoundTripThroughJsonAndTheTableShowsThem() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("label=" + APP)
                .consistencyWindow(Duration.ofHours(3)).consistentStrict(true).build(), immich());
        String json = p.toJson();
        assertThat(json).contains("\"sets\" : [").contains("\"consistentAt\" : \"2026-11-24T18:00:00Z\"")
                .contains("\"grouping\" : \"label=" + APP + "\"");
        RestorePlan back = RestorePlan.fromJson(json);
        assertThat(back).isEqualTo(p);
        assertThat(back.sets()).isEqualTo(p.sets());
        assertThat(p.toTable()).contains("Restore sets").contains(APP + "=immich").contains("CONSISTENT")
                .contains("12h 0m (newest backup-pg0000000000009)");
    }

    @Test
    void aPlanWrittenBeforeSetsExistedIsReadWithNoSets() {
        RestorePlan p = plan(RestoreRequest.all(), immich());
        String json = p.toJson().replaceAll("(?s),\\s*\"sets\" : \\[ \\]", "")
                .replaceAll("(?s),\\s*\"consistency\" : \\{[^}]*\\}", "")
                .replaceAll("(?s),\\s*\"onAnomaly\" : \"warn\"", "")
                .replaceAll("(?s),\\s*\"changeRateRule\" : \\{[^}]*\\}", "");
        assertThat(json).doesNotContain("\"sets\"").doesNotContain("consistency").doesNotContain("onAnomaly");
        RestorePlan back = RestorePlan.fromJson(json);
        assertThat(back.sets()).isEmpty();
        assertThat(back.request().consistency()).isEqualTo(Consistency.none());
        assertThat(back.request().onAnomaly()).isEqualTo(AnomalyPolicy.WARN);
        assertThat(back).isEqualTo(p);
    }

    @Test
    void anEditedStepThatLeavesItsSetsWindowIsRefusedWhenRead() {
        RestorePlan p = plan(RestoreRequest.builder().all().consistentBy("namespace").build(), immich());
        RestoreStep pg = p.getStep(POSTGRES);
        Backup newest = immich().getBackup("pvc-pg", "backup-pg0000000000009");
        List<RestoreStep> steps = new ArrayList<>(p.steps());
        steps.set(steps.indexOf(pg), pg.toBuilder().backup(newest).build());
        RestorePlan edited = new RestorePlan(p.schemaVersion(), p.createdAt(), p.source(), p.clusterAware(), p.request(),
                steps, p.skips(), p.warnings(), p.catalogComplete(), p.sets());
        assertThatThrownBy(() -> RestorePlan.fromJson(edited.toJson())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sets[0].members[1].backup")
                .hasMessageContaining("backup-pg0000000000009");

        String outOfWindow = p.toJson().replace("\"consistentAt\" : \"2026-11-24T18:00:00Z\"",
                "\"consistentAt\" : \"2026-11-25T18:00:00Z\"");
        assertThatThrownBy(() -> RestorePlan.fromJson(outOfWindow)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sets[0].members[0]").hasMessageContaining("not within PT2H");
    }

    @Test
    void badSetFieldsAreNamedByTheirPath() {
        String json = plan(RestoreRequest.builder().all().consistentBy("namespace").build(), immich()).toJson();
        assertThatThrownBy(() -> RestorePlan.fromJson(json.replace("\"status\" : \"CONSISTENT\"", "\"status\" : \"MAYBE\"")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sets[0].status");
        int sets = json.indexOf("\"sets\"");
        String head = json.substring(0, sets);
        String tail = json.substring(sets);
        assertThatThrownBy(() -> RestorePlan.fromJson(head + tail.replaceFirst("\"window\" : \"PT2H\"",
                "\"window\" : \"two hours\"")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sets[0].window");
        assertThatThrownBy(() -> RestorePlan.fromJson(head + tail.replaceFirst("\"pvc\" : \"immich/library\"",
                "\"pvc\" : \"wiki/data\"")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wiki/data");
        assertThatThrownBy(() -> RestorePlan.fromJson(json.replace("\"grouping\" : \"namespace\"", "\"grouping\" : \"pods\"")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("request");
    }

    @Test
    void consistencyOptionsAreValidated() {
        assertThat(Consistency.parse("namespace")).isEqualTo(Consistency.byNamespace());
        assertThat(Consistency.parse("label=" + APP).labelKey()).isEqualTo(APP);
        assertThat(Consistency.parse("none").enabled()).isFalse();
        assertThatThrownBy(() -> Consistency.parse("label=not a key")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("label key");
        assertThatThrownBy(() -> Consistency.parse("pods")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("namespace or label=KEY");
        assertThatThrownBy(() -> RestoreRequest.builder().all().consistencyWindow(Duration.ZERO).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("window");
        assertThat(new TreeSet<>(List.of(SkipReason.values()))).contains(SkipReason.INCONSISTENT_SET);
    }
}

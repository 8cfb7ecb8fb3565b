package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.plan.RestoreSet;
import io.drkit.s3.testing.BackupstoreWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * App-consistent restore sets planned from a written backupstore (S3 and directory): the labels and times the planner
 * groups and sweeps come from the cfgs Longhorn writes, not from an in-memory model.
 */
class RestoreSetsOnStoreTest {
    private static final long MIB = 1L << 20;
    private static final String APP = "app.kubernetes.io/instance";
    private static final PvcRef POSTGRES = PvcRef.of("immich", "postgres");
    private static final PvcRef LIBRARY = PvcRef.of("immich", "library");
    private static final PvcRef WIKI = PvcRef.of("wiki", "data");
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static String pg(int i) {
        return String.format("backup-pg%013d", i);
    }

    /**
     * immich: postgres backed up every 6 h (2026-11-23T00:00 to 2026-11-25T06:00), the media library daily at 16:00
     * (2026-11-23 and 2026-11-24): their newest backups are 14 h apart. wiki: one backup. The set label is recorded on
     * the volumes (as Longhorn records a claim's labels).
     */
    private static void write(Stores.Store s) {
        BackupstoreWriter w = BackupstoreWriter.create(s.source(), s.target(), 11);
        BackupstoreWriter.VolumeWriter p = w.volume("pvc-pg").size(64 * MIB).pvc("immich/postgres").label(APP, "immich")
                .metadataOnly();
        Instant t = Instant.parse("2026-11-23T00:00:00Z");
        for (int i = 0; i < 10; i++) {
            int n = i;
            p.backup(pg(i), t.plus(Duration.ofHours(6L * i)), c -> c.random((n % 8) * 2 * MIB));
        }
        BackupstoreWriter.VolumeWriter l = w.volume("pvc-lib").size(64 * MIB).pvc("immich/library").label(APP, "immich")
                .metadataOnly();
        l.backup("backup-lib0000000000001", Instant.parse("2026-11-23T16:00:00Z"), c -> c.random(0));
        l.backup("backup-lib0000000000002", Instant.parse("2026-11-24T16:00:00Z"), c -> c.random(2 * MIB));
        w.volume("pvc-wiki").size(16 * MIB).pvc("wiki/data").label(APP, "wiki").metadataOnly()
                .backup("backup-wk00000000000001", Instant.parse("2026-11-25T05:00:00Z"), c -> c.text(0));
    }

    private static RestorePlan plan(Stores kind, RestoreRequest r) {
        try (Stores.Store s = kind.create();
             BackupstoreCatalog c = BackupstoreCatalog.builder(s.source(), s.target()).concurrency(4).build()) {
            write(s);
            RestorePlan p = RestorePlanner.withClock(Clock.fixed(NOW, ZoneOffset.UTC)).plan(r, c, ClusterState.offline());
            assertThat(RestorePlan.fromJson(p.toJson())).as("the plan JSON keeps the sets").isEqualTo(p);
            return p;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void newestBackups14HoursApartRestoreFromTheNewestCommonPointWithinTwoHours(Stores kind) {
        RestorePlan p = plan(kind, RestoreRequest.builder().all().consistentBy("label=" + APP).build());

        RestoreSet set = p.findSet(APP + "=immich").orElseThrow();
        assertThat(set.status()).isEqualTo(RestoreSet.Status.CONSISTENT);
        assertThat(set.consistentAt()).contains(Instant.parse("2026-11-24T18:00:00Z"));
        assertThat(set.skew()).isEqualTo(Duration.ofHours(2));
        assertThat(p.getStep(POSTGRES).backup().name()).isEqualTo(pg(7));
        assertThat(p.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000002");
        assertThat(set.findMember(POSTGRES).orElseThrow().cost()).isEqualTo(Duration.ofHours(12));
        assertThat(p.warnings(PlanWarning.Kind.INCONSISTENT_SET)).isEmpty();
        assertThat(p.getStep(WIKI).backup().name()).isEqualTo("backup-wk00000000000001");
        assertThat(p.toTable()).contains("Restore sets").contains(APP + "=immich").contains("2026-11-24T18:00:00Z");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void noCommonPointWarnsOrHoldsWhenStrict(Stores kind) {
        RestoreRequest.Builder r = RestoreRequest.builder().all().consistentBy("namespace")
                .consistencyWindow(Duration.ofMinutes(30));
        RestorePlan warned = plan(kind, r.build());
        assertThat(warned.findSet("namespace=immich").orElseThrow().status()).isEqualTo(RestoreSet.Status.INCONSISTENT);
        assertThat(warned.getStep(POSTGRES).backup().name()).isEqualTo(pg(9));
        assertThat(warned.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000002");
        assertThat(warned.warnings(PlanWarning.Kind.INCONSISTENT_SET)).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("namespace=immich").contains("skew 14h 0m"));
        assertThat(warned.heldSkips()).isEmpty();

        RestorePlan held = plan(kind, r.consistentStrict(true).build());
        assertThat(held.findSet("namespace=immich").orElseThrow().status()).isEqualTo(RestoreSet.Status.HELD);
        assertThat(held.findStep(POSTGRES)).isEmpty();
        assertThat(held.findStep(LIBRARY)).isEmpty();
        assertThat(held.heldSkips()).extracting(PlanSkip::subject).containsExactly("immich/library", "immich/postgres");
        assertThat(held.getStep(WIKI).backup().name()).isEqualTo("backup-wk00000000000001");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void asOfCombinesWithSets(Stores kind) {
        Instant asOf = Instant.parse("2026-11-24T12:00:00Z");
        RestorePlan p = plan(kind, RestoreRequest.builder().all().consistentBy("namespace").asOf(asOf).build());
        RestoreSet set = p.findSet("namespace=immich").orElseThrow();
        assertThat(set.consistentAt()).contains(Instant.parse("2026-11-23T18:00:00Z"));
        assertThat(set.consistentAt().orElseThrow()).isBeforeOrEqualTo(asOf);
        assertThat(p.getStep(POSTGRES).backup().name()).isEqualTo(pg(3));
        assertThat(p.getStep(LIBRARY).backup().name()).isEqualTo("backup-lib0000000000001");
        assertThat(set.findMember(POSTGRES).orElseThrow().newestBackup()).contains(pg(6));
    }
}

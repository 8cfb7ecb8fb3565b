package io.drkit.longhorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Estimated change rates from Longhorn's {@code newlyUploadDataSize}, on the Longhorn REST simulator. */
class LonghornChangeRateTest {
    private static final long MIB = 1L << 20;
    private static final PvcRef DB = PvcRef.of("shop", "db");
    private static final PvcRef CACHE = PvcRef.of("shop", "cache");
    private static final Instant DAY0 = Instant.parse("2026-11-10T03:00:00Z");

    private LonghornSimulator sim;
    private LonghornClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private static String name(String prefix, int day) {
        return String.format("backup-%s%012d", prefix, day);
    }

    /**
     * {@code pvc-db}: 600 MiB of data, about 1 MiB (compressed) of new blocks a day for 12 days, then a backup that
     * uploaded all of it again. {@code pvc-cache}: uploads 400-500 MiB of its 600 MiB every day.
     */
    private LonghornBackupCatalog catalog(LonghornVersion v) {
        sim = LonghornSimulator.start(v);
        for (int d = 0; d <= 12; d++) {
            Instant at = DAY0.plus(Duration.ofDays(d));
            sim.backup("pvc-db", name("db", d)).pvc(DB).volumeSize(10L << 30).size(600 * MIB).snapshotCreated(at)
                    .newlyUploaded(d == 0 || d == 12 ? 600 * MIB : (1 + d % 2) * MIB / 2).publish();
            sim.backup("pvc-cache", name("ca", d)).pvc(CACHE).volumeSize(1L << 30).size(600 * MIB)
                    .snapshotCreated(at.plusSeconds(600)).newlyUploaded((400 + (d * 37) % 100) * MIB).publish();
        }
        client = SimulatedLonghorn.testClient(sim.baseUrl()).build();
        return LonghornBackupCatalog.builder(client).syncWait(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10)).build();
    }

    private static RestorePlan plan(RestoreRequest r, LonghornBackupCatalog c) {
        return RestorePlanner.withClock(Clock.fixed(DAY0.plus(Duration.ofDays(13)), ZoneOffset.UTC))
                .plan(r, c, ClusterState.offline());
    }

    @ParameterizedTest
    @EnumSource(value = LonghornVersion.class, names = {"V1_7", "V1_9"})
    void aBackupThatUploadedTheWholeVolumeAgainIsFlaggedByTheEstimate(LonghornVersion v) {
        try (LonghornBackupCatalog c = catalog(v)) {
            List<ChangeRate> rates = c.changeRates("pvc-db", name("db", 12), 12);
            assertThat(rates).hasSize(12).allMatch(r -> r.basis() == ChangeRate.Basis.ESTIMATE);
            assertThat(rates.get(0).fraction()).isEqualTo(1.0);
            assertThat(rates.get(0).detail()).contains("estimate");
            assertThat(rates.get(1).fraction()).isEqualTo(1.0 / 600); // day 11: 1 MiB of 600

            RestorePlan warn = plan(RestoreRequest.builder().namespace("shop").build(), c);
            assertThat(warn.warnings(PlanWarning.Kind.CHANGE_RATE_ANOMALY)).singleElement().satisfies(w -> {
                assertThat(w.pvc()).contains(DB);
                assertThat(w.message()).contains(name("db", 12)).contains("100.0% of its blocks (estimate)");
            });
            assertThat(plan(RestoreRequest.builder().namespace("shop").onAnomaly(AnomalyPolicy.PREVIOUS).build(), c)
                    .getStep(DB).backup().name()).isEqualTo(name("db", 11));
            RestorePlan hold = plan(RestoreRequest.builder().namespace("shop").onAnomaly(AnomalyPolicy.HOLD).build(), c);
            assertThat(hold.skips(PlanSkip.SkipReason.CHANGE_RATE_ANOMALY)).extracting(PlanSkip::subject)
                    .containsExactly("shop/db");
            assertThat(hold.getStep(CACHE).backup().name()).as("a busy cache is not flagged").isEqualTo(name("ca", 12));
        }
    }

    @Test
    void longhornBefore17CannotTell() {
        try (LonghornBackupCatalog c = catalog(LonghornVersion.V1_4)) {
            ChangeRate r = c.changeRate("pvc-db", name("db", 12));
            assertThat(r.isKnown()).isFalse();
            assertThat(r.detail()).contains("before 1.7");
            RestorePlan p = plan(RestoreRequest.builder().namespace("shop").onAnomaly(AnomalyPolicy.HOLD).build(), c);
            assertThat(p.getStep(DB).backup().name()).isEqualTo(name("db", 12));
            assertThat(p.getStep(DB).notes()).anyMatch(n -> n.contains("change rate unknown"));
        }
    }
}

package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore sets and the change-rate guard on the command line, over a written backupstore: the flags and their
 * {@code DRKIT_*} keys, the sets and anomaly warnings in {@code dr plan} (table and JSON), exit 9 for held claims, the
 * change-rate column of {@code dr backups} and the anomaly verdict of {@code dr audit}.
 */
class DrCliRestoreSetsTest {
    private static final long MIB = 1L << 20;
    private static final int BLOCKS = 20;
    private static final String APP = "app.kubernetes.io/instance";
    private static final Instant DAY0 = Instant.parse("2026-11-12T03:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path store;

    private final CliHarness cli = CliHarness.offline();

    private static String db(int day) {
        return String.format("backup-db%013d", day);
    }

    private static String pg(int i) {
        return String.format("backup-pg%013d", i);
    }

    /**
     * shop/db ({@code pvc-db}): 20 blocks of data, daily backups changing 1-2 blocks; the newest (day 12) rewrote every
     * block. shop/cache: rewrites 16 of its 20 blocks every day. immich/postgres every 6 h, immich/library daily at
     * 16:00: their newest backups are 14 h apart (clock of the harness: 2026-11-26T12:00Z).
     */
    @BeforeEach
    void write() {
        try (DirectoryObjectSource sink = DirectoryObjectSource.of(store)) {
            BackupstoreWriter w = BackupstoreWriter.create(sink, BackupTarget.directory(store), 3);
            BackupstoreWriter.VolumeWriter d = w.volume("pvc-db").size(64 * MIB).pvc("shop/db").metadataOnly();
            BackupstoreWriter.VolumeWriter c = w.volume("pvc-cache").size(64 * MIB).pvc("shop/cache").metadataOnly();
            d.backup(db(0), DAY0, ch -> {
                for (int i = 0; i < BLOCKS; i++) {
                    ch.text(i * 2 * MIB);
                }
            });
            c.backup("backup-ca0000000000000", DAY0.plusSeconds(60), ch -> {
                for (int i = 0; i < BLOCKS; i++) {
                    ch.random(i * 2 * MIB);
                }
            });
            for (int day = 1; day <= 11; day++) {
                int n = day;
                d.backup(db(day), DAY0.plus(Duration.ofDays(day)), ch -> {
                    ch.random((n % BLOCKS) * 2 * MIB);
                    if (n % 2 == 0) {
                        ch.random(((n + 10) % BLOCKS) * 2 * MIB);
                    }
                });
            }
            d.backup(db(12), DAY0.plus(Duration.ofDays(12)), BackupstoreWriter.Changes::rewriteAll);
            for (int day = 1; day <= 12; day++) {
                int n = day;
                c.backup(String.format("backup-ca%013d", day), DAY0.plus(Duration.ofDays(day)).plusSeconds(60), ch -> {
                    for (int i = 0; i < 16; i++) {
                        ch.random(((i + n * 3) % BLOCKS) * 2 * MIB);
                    }
                });
            }
            BackupstoreWriter.VolumeWriter p = w.volume("pvc-pg").size(16 * MIB).pvc("immich/postgres")
                    .label(APP, "immich").metadataOnly();
            for (int i = 0; i < 10; i++) {
                int n = i;
                p.backup(pg(i), Instant.parse("2026-11-23T00:00:00Z").plus(Duration.ofHours(6L * i)),
                        ch -> ch.random((n % 4) * 2 * MIB));
            }
            BackupstoreWriter.VolumeWriter l = w.volume("pvc-lib").size(16 * MIB).pvc("immich/library")
                    .label(APP, "immich").metadataOnly();
            l.backup("backup-lib0000000000001", Instant.parse("2026-11-23T16:00:00Z"), ch -> ch.random(0));
            l.backup("backup-lib0000000000002", Instant.parse("2026-11-24T16:00:00Z"), ch -> ch.random(2 * MIB));
        }
    }

    private CliHarness.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--backupstore", store.toString()));
        return cli.run(all.toArray(String[]::new));
    }

    private static JsonNode json(CliHarness.Result r) {
        try {
            return JSON.readTree(r.out());
        } catch (java.io.IOException e) {
            throw new AssertionError(r.toString(), e);
        }
    }

    private static JsonNode step(JsonNode plan, String pvc) {
        return StreamSupport.stream(plan.get("steps").spliterator(), false).filter(s -> s.get("pvc").asText().equals(pvc))
                .findFirst().orElseThrow(() -> new AssertionError("no step for " + pvc + " in " + plan));
    }

    @Test
    void planShowsTheSetItsPointSkewAndCostInTheTableAndJson() {
        CliHarness.Result table = run("plan", "--offline", "--namespace", "immich", "--consistent", "label=" + APP);
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("Restore sets (label=" + APP + " within 2h").contains(APP + "=immich")
                .contains("CONSISTENT").contains("2026-11-24T18:00:00Z").contains("12h 0m (newest " + pg(9) + ")");

        CliHarness.Result r = run("plan", "--offline", "--namespace", "immich", "--consistent", "label=" + APP, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode plan = json(r);
        JsonNode set = plan.get("sets").get(0);
        assertThat(set.get("key").asText()).isEqualTo(APP + "=immich");
        assertThat(set.get("status").asText()).isEqualTo("CONSISTENT");
        assertThat(set.get("consistentAt").asText()).isEqualTo("2026-11-24T18:00:00Z");
        assertThat(set.get("skew").asText()).isEqualTo("PT2H");
        assertThat(set.get("window").asText()).isEqualTo("PT2H");
        assertThat(set.get("members")).anySatisfy(m -> {
            assertThat(m.get("pvc").asText()).isEqualTo("immich/postgres");
            assertThat(m.get("backup").asText()).isEqualTo(pg(7));
            assertThat(m.get("newestBackup").asText()).isEqualTo(pg(9));
            assertThat(m.get("cost").asText()).isEqualTo("PT12H");
        });
        assertThat(step(plan, "immich/postgres").at("/backup/name").asText()).isEqualTo(pg(7));
        assertThat(plan.at("/request/consistency/grouping").asText()).isEqualTo("label=" + APP);
    }

    @Test
    void noCommonPointWarnsAndStrictHoldsWithExit9() {
        CliHarness.Result warned = run("plan", "--offline", "--namespace", "immich", "--consistent", "namespace",
                "--consistency-window", "30m", "-o", "json");
        assertThat(warned.exitCode()).as(warned.toString()).isZero();
        assertThat(json(warned).get("warnings")).anySatisfy(w -> assertThat(w.get("kind").asText())
                .isEqualTo("INCONSISTENT_SET"));
        assertThat(step(json(warned), "immich/postgres").at("/backup/name").asText()).isEqualTo(pg(9));

        CliHarness.Result held = run("plan", "--offline", "--namespace", "immich", "--consistent", "namespace",
                "--consistency-window", "30m", "--consistent-strict");
        assertThat(held.exitCode()).as(held.toString()).isEqualTo(ExitCodes.HELD);
        assertThat(held.out()).contains("HELD").contains("INCONSISTENT_SET");
        assertThat(held.err()).contains("held for a human decision (exit 9)").contains("immich/postgres (INCONSISTENT_SET)");
    }

    @Test
    void theOptionsAlsoComeFromTheirEnvironmentKeysAndAsOfCombines() {
        CliHarness env = new CliHarness(Map.of("DRKIT_CONSISTENT", "namespace", "DRKIT_CONSISTENCY_WINDOW", "2h"),
                () -> {
                    throw new io.drkit.core.UnavailableException("no cluster in this test");
                });
        CliHarness.Result r = env.run("plan", "--backupstore", store.toString(), "--offline", "--namespace", "immich",
                "--as-of", "2026-11-24T12:00:00Z", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode set = json(r).get("sets").get(0);
        assertThat(set.get("key").asText()).isEqualTo("namespace=immich");
        assertThat(set.get("consistentAt").asText()).isEqualTo("2026-11-23T18:00:00Z");
        assertThat(step(json(r), "immich/postgres").at("/backup/name").asText()).isEqualTo(pg(3));

        CliHarness strict = new CliHarness(Map.of("DRKIT_CONSISTENT", "namespace", "DRKIT_CONSISTENCY_WINDOW", "30m",
                "DRKIT_CONSISTENT_STRICT", "true"), () -> {
                    throw new io.drkit.core.UnavailableException("no cluster in this test");
                });
        assertThat(strict.run("plan", "--backupstore", store.toString(), "--offline", "--namespace", "immich")
                .exitCode()).isEqualTo(ExitCodes.HELD);
    }

    @Test
    void anAnomalousNewestBackupIsWarnedPassedOverOrHeldAsAsked() {
        CliHarness.Result warn = run("plan", "--offline", "--namespace", "shop");
        assertThat(warn.exitCode()).as(warn.toString()).isZero();
        assertThat(warn.out()).contains("CHANGE_RATE_ANOMALY").contains(db(12)).contains("changed 100.0% of its blocks (exact)");
        CliHarness.Result warnJson = run("plan", "--offline", "--namespace", "shop", "-o", "json");
        JsonNode plan = json(warnJson);
        assertThat(step(plan, "shop/db").at("/backup/name").asText()).isEqualTo(db(12));
        assertThat(plan.get("warnings")).filteredOn(w -> w.get("kind").asText().equals("CHANGE_RATE_ANOMALY"))
                .singleElement().satisfies(w -> assertThat(w.get("pvc").asText()).isEqualTo("shop/db"));
        assertThat(plan.at("/request/onAnomaly").asText()).isEqualTo("warn");

        JsonNode previous = json(run("plan", "--offline", "--namespace", "shop", "--on-anomaly", "previous", "-o", "json"));
        assertThat(step(previous, "shop/db").at("/backup/name").asText()).isEqualTo(db(11));
        assertThat(step(previous, "shop/cache").at("/backup/name").asText()).as("a steady cache is not flagged")
                .isEqualTo("backup-ca0000000000012");

        CliHarness.Result hold = run("plan", "--offline", "--namespace", "shop", "--on-anomaly", "hold");
        assertThat(hold.exitCode()).as(hold.toString()).isEqualTo(ExitCodes.HELD);
        assertThat(hold.err()).contains("shop/db (CHANGE_RATE_ANOMALY)").doesNotContain("shop/cache");

        CliHarness.Result raisedFloor = run("plan", "--offline", "--namespace", "shop", "--on-anomaly", "hold",
                "--anomaly-floor", "1", "--anomaly-factor", "1000");
        assertThat(raisedFloor.exitCode()).as("thresholds are configurable: " + raisedFloor).isZero();

        CliHarness.Result off = run("plan", "--offline", "--namespace", "shop", "--on-anomaly", "off");
        assertThat(off.exitCode()).isZero();
        assertThat(off.out()).doesNotContain("CHANGE_RATE_ANOMALY");
    }

    @Test
    void badValuesAreNamedByTheirFlagOrKey() {
        CliHarness.Result grouping = run("plan", "--offline", "--all", "--consistent", "app");
        assertThat(grouping.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(grouping.err()).contains("--consistent").contains("namespace or label=KEY");

        CliHarness.Result window = run("plan", "--offline", "--all", "--consistency-window", "4h");
        assertThat(window.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(window.err()).contains("--consistency-window needs restore sets").contains("--consistent");

        CliHarness.Result policy = run("plan", "--offline", "--all", "--on-anomaly", "ignore");
        assertThat(policy.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(policy.err()).contains("--on-anomaly").contains("warn, previous, hold, off");

        CliHarness.Result floor = run("plan", "--offline", "--all", "--anomaly-floor", "2");
        assertThat(floor.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(floor.err()).contains("--anomaly-floor").contains("out of range (0, 1]");

        CliHarness keyed = new CliHarness(Map.of("DRKIT_ON_ANOMALY", "sometimes"), () -> {
            throw new io.drkit.core.UnavailableException("no cluster in this test");
        });
        CliHarness.Result key = keyed.run("plan", "--backupstore", store.toString(), "--offline", "--all");
        assertThat(key.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(key.err()).contains("DRKIT_ON_ANOMALY");
    }

    @Test
    void backupsShowsEachBackupsChangeRateAndItsBasis() {
        CliHarness.Result table = run("backups", "pvc-db");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("CHANGED").contains("VERDICT");
        String newest = table.out().lines().filter(l -> l.startsWith(db(12))).findFirst().orElseThrow();
        assertThat(newest).contains("100.0% exact").contains("ANOMALY");
        String day11 = table.out().lines().filter(l -> l.startsWith(db(11))).findFirst().orElseThrow();
        assertThat(day11).contains("5.0% exact").contains("NORMAL");
        String first = table.out().lines().filter(l -> l.startsWith(db(0))).findFirst().orElseThrow();
        assertThat(first).contains("unknown");
        assertThat(table.out()).contains("CHANGE_RATE_ANOMALY: backup " + db(12));

        CliHarness.Result backupsJson = run("backups", "pvc-db", "-o", "json");
        assertThat(backupsJson.out()).as("a JSON document ends its line").endsWith("}\n");
        JsonNode envelope = json(backupsJson);
        assertThat(envelope.get("kind").asText()).isEqualTo("BackupList");
        JsonNode backups = envelope.get("backups");
        JsonNode top = backups.get(0);
        assertThat(top.get("name").asText()).isEqualTo(db(12));
        assertThat(top.at("/changeRate/basis").asText()).isEqualTo("exact");
        assertThat(top.at("/changeRate/fraction").asDouble()).isEqualTo(1.0);
        assertThat(top.at("/changeRate/changedBlocks").asLong()).isEqualTo(BLOCKS);
        assertThat(top.at("/changeRate/previousBackup").asText()).isEqualTo(db(11));
        assertThat(top.at("/changeRate/verdict").asText()).isEqualTo("ANOMALY");
        JsonNode oldest = backups.get(backups.size() - 1);
        assertThat(oldest.at("/changeRate/basis").asText()).isEqualTo("unknown");
        assertThat(oldest.at("/changeRate/fraction").isNull()).isTrue();

        JsonNode none = json(run("backups", "pvc-db", "-o", "json", "--change-rates", "0")).get("backups");
        assertThat(none.get(0).get("changeRate").isNull()).isTrue();
        JsonNode cache = json(run("backups", "pvc-cache", "-o", "json")).get("backups");
        assertThat(cache).isNotEmpty();
        assertThat(cache).allSatisfy(b -> assertThat(b.at("/changeRate/verdict").asText()).isNotEqualTo("ANOMALY"));
    }

    @Test
    void auditFlagsAnAnomalousNewestBackupButNotASteadyCache() {
        CliHarness.Result r = run("audit", "--offline", "--default-max-age", "30d", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.VIOLATIONS);
        JsonNode entries = json(r).get("entries");
        assertThat(entries).filteredOn(e -> e.get("subject").asText().equals("shop/db")).singleElement().satisfies(e -> {
            assertThat(e.get("status").asText()).isEqualTo("CHANGE_RATE_ANOMALY");
            assertThat(e.get("violation").asBoolean()).isTrue();
            assertThat(e.at("/changeRate/backup").asText()).isEqualTo(db(12));
            assertThat(e.at("/changeRate/basis").asText()).isEqualTo("exact");
            assertThat(e.at("/changeRate/verdict").asText()).isEqualTo("ANOMALY");
        });
        assertThat(entries).filteredOn(e -> e.get("subject").asText().equals("shop/cache")).singleElement()
                .satisfies(e -> {
                    assertThat(e.get("status").asText()).isEqualTo("OK");
                    assertThat(e.at("/changeRate/verdict").asText()).isEqualTo("NORMAL");
                });

        CliHarness.Result table = run("audit", "--offline", "--default-max-age", "30d");
        assertThat(table.out()).contains("CHANGE_RATE_ANOMALY").contains("shop/db")
                .contains("newest backup " + db(12) + " changed 100.0%");
        CliHarness.Result unchecked = run("audit", "--offline", "--default-max-age", "30d", "--no-change-rates");
        assertThat(unchecked.exitCode()).as(unchecked.toString()).isZero();
    }
}

package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.examples.drill.HomelabStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr volumes}, {@code dr backups}, {@code dr audit} and {@code dr plan} give the same newest complete backup on
 * the drill's homelab store, where {@code pvc-immich-postgres}'s last-backup pointer lags behind (it names backup 01,
 * an existing but older one; backup 02, two days newer, is the newest).
 */
class NewestBackupAgreementTest {
    private static final String VOLUME = "pvc-immich-postgres";
    private static final String OLDER = "backup-ip00000000000001";
    private static final String NEWEST = "backup-ip00000000000002";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path store;

    private final CliHarness cli = CliHarness.offline();

    @BeforeAll
    static void writeStore() {
        HomelabStore.writeDirectory(store);
    }

    private JsonNode run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--backupstore", store.toString(), "-o", "json"));
        CliHarness.Result r = cli.run(all.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isIn(ExitCodes.OK, ExitCodes.VIOLATIONS);
        return JSON.readTree(r.out());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no entry with " + field + "=" + value + " in " + array);
    }

    @Test
    void theStoreStillHasALaggingPointer() throws Exception {
        JsonNode v = find(run("volumes").path("volumes"), "name", VOLUME);
        assertThat(v.path("lastBackupName").asText()).isEqualTo(OLDER);
    }

    @Test
    void volumesBackupsAuditAndPlanAgreeOnTheNewestCompleteBackup() throws Exception {
        JsonNode volume = find(run("volumes").path("volumes"), "name", VOLUME);
        String byVolumes = volume.path("newestCompleteBackup").path("name").asText();

        String byBackups = null;
        for (JsonNode b : run("backups", VOLUME).path("backups")) { // newest first
            if ("COMPLETED".equals(b.path("state").asText())) {
                byBackups = b.path("name").asText();
                break;
            }
        }

        JsonNode audit = find(run("audit", "--offline").path("entries"), "pvc", "immich/postgres");
        String byAudit = audit.path("newestBackup").asText();

        JsonNode plan = run("plan", "--offline", "--pvc", "immich/postgres");
        assertThat(plan.path("steps")).as(plan.toString()).hasSize(1);
        String byPlan = plan.path("steps").get(0).path("backup").path("name").asText();

        assertThat(List.of(byVolumes, byBackups, byAudit, byPlan)).containsOnly(NEWEST);
        // the audit judges the claim's age by that backup (taken 2026-11-22T03:00Z), not by the pointer's (two days older)
        assertThat(audit.path("ageSeconds").asLong()).isEqualTo(java.time.Duration.between(
                java.time.Instant.parse("2026-11-22T03:00:00Z"), CliHarness.NOW).toSeconds());
    }
}

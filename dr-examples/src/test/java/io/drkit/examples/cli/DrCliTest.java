package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI's read-only commands against a backupstore directory written the way Longhorn writes it. */
class DrCliTest {
    @TempDir
    static Path store;

    private final CliHarness cli = CliHarness.offline();

    @BeforeAll
    static void writeStore() {
        ExampleStore.writeDirectory(store);
    }

    @ParameterizedTest
    @ValueSource(strings = {"volumes", "backups", "plan", "apply", "restore", "audit", "policy", "lint", "verify",
        "restore-to-file", "serve-nbd", "drill"})
    void everyCommandHasHelp(String command) {
        CliHarness.Result r = cli.run(command, "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Usage: dr " + command);
    }

    @Test
    void topLevelHelpListsCommandsAndExitCodes() {
        CliHarness.Result r = cli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("volumes", "backups", "plan", "apply", "restore", "audit", "policy", "lint")
                .contains("Exit codes:").contains("3  verification found");
        assertThat(cli.run().exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void volumesListsNewestCompleteBackupsAgesClaimsAndSkippedEntries() {
        CliHarness.Result r = cli.run("volumes", "--backupstore", store.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("pvc-karakeep").contains(ExampleStore.KARAKEEP_NEWEST).contains("karakeep/data-pvc")
                .contains("9h 0m").contains("(orphan)").contains("4 backup volume(s)")
                .contains("Skipped:").contains(".DS_Store");
    }

    @Test
    void volumesAsJsonIsADocument() throws Exception {
        CliHarness.Result r = cli.run("volumes", "--backupstore", store.toString(), "-o", "json");
        assertThat(r.exitCode()).isZero();
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(root.path("kind").asText()).isEqualTo("BackupVolumeList");
        assertThat(root.path("volumes")).hasSize(4);
        assertThat(root.path("volumes").get(0).path("newestCompleteBackup").path("name").asText())
                .isEqualTo("backup-bbbb000000000001");
        assertThat(root.path("skipped").get(0).path("location").asText()).endsWith(".DS_Store");
    }

    @Test
    void backupsListsNewestFirstWithState() {
        CliHarness.Result r = cli.run("backups", "pvc-karakeep", "--backupstore", store.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String out = r.out();
        assertThat(out.indexOf("backup-aaaa000000000002")).isLessThan(out.indexOf("backup-aaaa000000000001"));
        assertThat(out).contains("IN_PROGRESS").contains("COMPLETED").contains("3 backup(s) of pvc-karakeep, 2 complete");
    }

    @Test
    void planOfflineByGroupPrintsTheTableAndJsonThatApplyAccepts() {
        CliHarness.Result table = cli.run("plan", "--backupstore", store.toString(), "--offline", "--group", "critical");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("karakeep/data-pvc").contains("immich/library").doesNotContain("jellyfin/config  ");

        CliHarness.Result json = cli.run("plan", "--backupstore", store.toString(), "--offline", "--group", "critical", "-o", "json");
        RestorePlan plan = RestorePlan.fromJson(json.out());
        assertThat(plan.steps()).extracting(s -> s.pvc().toString()).containsExactly("immich/library", "karakeep/data-pvc");
        assertThat(plan.getStep(PvcRef.parse("karakeep/data-pvc")).backup().name()).isEqualTo(ExampleStore.KARAKEEP_NEWEST);
        assertThat(plan.clusterAware()).isFalse();
    }

    @Test
    void planAsOfAPastTimePicksTheOlderBackup() {
        CliHarness.Result json = cli.run("plan", "--backupstore", store.toString(), "--offline",
                "--pvc", "karakeep/data-pvc", "--as-of", "2026-11-24T12:00:00Z", "-o", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(RestorePlan.fromJson(json.out()).steps().get(0).backup().name()).isEqualTo("backup-aaaa000000000001");
    }

    @Test
    void auditFlagsStaleCriticalClaimsWithExitCode4() {
        CliHarness.Result r = cli.run("audit", "--backupstore", store.toString(), "--offline");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.VIOLATIONS);
        assertThat(r.out()).contains("STALE").contains("immich/library").contains("1 violation(s)");
        CliHarness.Result lax = cli.run("audit", "--backupstore", store.toString(), "--offline", "--critical-max-age", "5d");
        assertThat(lax.exitCode()).as(lax.toString()).isZero();
    }

    @Test
    void badInputGetsAOneLineErrorAndExitCode2() {
        CliHarness.Result r = cli.run("volumes", "--backupstore", "ftp://nowhere/x");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("unsupported backup target scheme 'ftp'");
        CliHarness.Result none = cli.run("volumes");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("--backupstore URL|DIR, --longhorn URL or --kubernetes");
        CliHarness.Result time = cli.run("plan", "--backupstore", store.toString(), "--all", "--offline", "--as-of", "yesterday");
        assertThat(time.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(time.err()).contains("yesterday");
        CliHarness.Result missingDir = cli.run("volumes", "--backupstore", store.resolve("nope").toString());
        assertThat(missingDir.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingDir.err()).contains("does not exist");
    }

    @Test
    void unknownVolumeIsNotFoundWithExitCode6() {
        CliHarness.Result r = cli.run("backups", "pvc-nope", "--backupstore", store.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(r.err()).contains("pvc-nope");
    }

    @Test
    void applyRefusesAFileThatIsNotAPlan() throws Exception {
        Path bad = Files.writeString(store.getParent().resolve("not-a-plan.json"), "{\"kind\":\"Something\"}");
        CliHarness.Result r = cli.run("apply", bad.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("expected RestorePlan");
    }
}

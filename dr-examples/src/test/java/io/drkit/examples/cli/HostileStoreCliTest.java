package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-store commands keep going past one hostile cfg (issue 11 item 2: {@code volumes}, {@code plan --all} and
 * {@code verify} used to exit 5 with nothing listed): {@code pvc-immich}'s volume.cfg holds a number too big for a
 * long, karakeep's newest backup cfg JSON nested 1,500 deep; everything else is listed, planned and verified, and the
 * two entries are reported.
 */
class HostileStoreCliTest {
    @TempDir
    static Path store;
    private static String volumeCfg;
    private static String backupCfg;

    private final CliHarness cli = CliHarness.offline();

    @BeforeAll
    static void writeStore() throws Exception {
        BackupstoreWriter w = ExampleStore.writeDirectory(store);
        BackupstoreLayout l = w.layout();
        volumeCfg = l.volumeCfg("pvc-immich");
        backupCfg = l.backupCfg("pvc-karakeep", ExampleStore.KARAKEEP_NEWEST);
        plant(volumeCfg, "\"Size\":99999999999999999999999,");
        plant(backupCfg, "\"Unknown\":" + "[".repeat(1500) + "]".repeat(1500) + ",");
    }

    private static void plant(String key, String field) throws Exception {
        Path f = store.resolve(key);
        String text = Files.readString(f, StandardCharsets.UTF_8);
        Files.writeString(f, "{" + field + text.substring(1), StandardCharsets.UTF_8);
    }

    @Test
    void volumesListsEveryOtherVolumeAndReportsTheHostileCfg() {
        CliHarness.Result r = cli.run("volumes", "--backupstore", store.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("pvc-karakeep", "pvc-jellyfin", "pvc-orphan").contains("Skipped:")
                .contains(volumeCfg).contains("64-bit integer").contains(backupCfg).contains("nesting depth");
        // karakeep's newest readable backup by the rule: the older one
        assertThat(r.out()).contains("backup-aaaa000000000001");
    }

    @Test
    void planOfTheWholeStoreStillPlansEveryOtherClaim() {
        CliHarness.Result r = cli.run("plan", "--backupstore", store.toString(), "--offline", "--all");
        assertThat(r.exitCode()).as(r.toString()).isNotEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.out()).contains("karakeep/data-pvc").contains("jellyfin/config");
    }

    @Test
    void verifyOfTheWholeStoreChecksEverythingElseAndReportsTheHostileCfg() {
        CliHarness.Result r = cli.run("verify", "--backupstore", store.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(r.out()).contains("pvc-jellyfin").contains("nesting depth");
    }
}

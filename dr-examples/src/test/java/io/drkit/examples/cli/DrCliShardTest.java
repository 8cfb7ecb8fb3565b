package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.VerifyShard;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr verify --shard I/N}: three shards verify every volume of a store exactly once, the damaged volume fails
 * exactly one of them (exit 3), the JSON carries the shard, {@code auto/N} takes the index from
 * {@code JOB_COMPLETION_INDEX}, and {@code -o jsonl} prints one document per line.
 */
class DrCliShardTest {
    private static final List<String> VOLUMES = List.of("pvc-a", "pvc-b", "pvc-c", "pvc-d", "pvc-e", "pvc-f");
    private static final String DAMAGED = "pvc-e";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path store;

    @BeforeEach
    void writeStore() throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        DirectoryObjectSource source = DirectoryObjectSource.of(store);
        BackupstoreWriter w = BackupstoreWriter.create(source, BackupTarget.directory(store), 9);
        Map<String, WrittenBackup> newest = new HashMap<>();
        for (String v : VOLUMES) {
            newest.put(v, w.volume(v).size(6L << 20).compression(CompressionMethod.LZ4)
                    .backup("backup-0000000000000001", Instant.parse("2026-11-25T03:00:00Z"), c -> c.mixed(0).text(4L << 20)));
        }
        source.put(w.layout().blockKey(DAMAGED, newest.get(DAMAGED).blocks().get(0L)), "bit rot".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void threeShardsCoverEveryVolumeOnceAndOnlyOneFailsOnTheDamagedVolume() throws Exception {
        CliHarness cli = CliHarness.offline();
        Map<String, Integer> verifiedBy = new HashMap<>();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CliHarness.Result r = cli.run("verify", "--backupstore", store.toString(), "--level", "sample",
                    "--sample-fraction", "1", "--shard", i + "/3", "-o", "json");
            JsonNode doc = JSON.readTree(r.out());
            assertThat(doc.get("shard").get("index").asInt()).isEqualTo(i);
            assertThat(doc.get("shard").get("count").asInt()).isEqualTo(3);
            for (JsonNode b : doc.get("backups")) {
                assertThat(verifiedBy.put(b.get("volume").asText(), i)).as(b.get("volume") + " in two shards").isNull();
            }
            if (r.exitCode() == ExitCodes.DAMAGED) {
                failed.add(i);
                assertThat(doc.get("status").asText()).isEqualTo("DAMAGED");
            } else {
                assertThat(r.exitCode()).as(r.toString()).isZero();
            }
        }
        assertThat(verifiedBy.keySet()).containsExactlyInAnyOrderElementsOf(VOLUMES);
        assertThat(failed).containsExactly(VerifyShard.shardOf(DAMAGED, 3));
        assertThat(verifiedBy).containsEntry(DAMAGED, VerifyShard.shardOf(DAMAGED, 3));

        CliHarness.Result table = cli.run("verify", "--backupstore", store.toString(), "--shard", "0/3");
        assertThat(table.out()).contains("shard 0/3: OK");
    }

    @Test
    void autoTakesTheIndexFromTheIndexedJobsEnvironment() throws Exception {
        int shard = VerifyShard.shardOf(DAMAGED, 3);
        CliHarness indexed = new CliHarness(Map.of("JOB_COMPLETION_INDEX", Integer.toString(shard)), () -> null);
        CliHarness.Result r = indexed.run("verify", "--backupstore", store.toString(), "--level", "full",
                "--shard", "auto/3", "-o", "jsonl");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(r.out().strip()).as("one JSON document on one line").doesNotContain("\n");
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("shard").get("index").asInt()).isEqualTo(shard);
        assertThat(doc.get("kind").asText()).isEqualTo("VerificationResult");
    }

    @Test
    void badShardsAreUsageErrors() {
        CliHarness noIndex = CliHarness.offline();
        CliHarness.Result missing = noIndex.run("verify", "--backupstore", store.toString(), "--shard", "auto/3");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("JOB_COMPLETION_INDEX").contains("not set");

        CliHarness outOfRange = new CliHarness(Map.of("JOB_COMPLETION_INDEX", "3"), () -> null);
        CliHarness.Result big = outOfRange.run("verify", "--backupstore", store.toString(), "--shard", "auto/3");
        assertThat(big.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(big.err()).contains("JOB_COMPLETION_INDEX=3").contains("0 to 2");

        for (String bad : new String[] {"3/3", "1", "x/2", "0/0"}) {
            CliHarness.Result r = noIndex.run("verify", "--backupstore", store.toString(), "--shard", bad);
            assertThat(r.exitCode()).as(bad).isEqualTo(ExitCodes.USAGE);
        }
        CliHarness.Result withVolume = noIndex.run("verify", "pvc-a", "--backupstore", store.toString(), "--shard", "0/2");
        assertThat(withVolume.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(withVolume.err()).contains("cannot be combined with VOLUME");
    }

    @Test
    void jsonlPrintsOneDocumentPerLineForEveryJsonCommand() throws Exception {
        CliHarness cli = CliHarness.offline();
        for (String[] args : new String[][] {{"volumes"}, {"backups", "pvc-a"}, {"verify"},
            {"plan", "--offline", "--all"}}) {
            List<String> argv = new ArrayList<>(List.of(args));
            argv.addAll(List.of("--backupstore", store.toString(), "-o", "jsonl"));
            CliHarness.Result r = cli.run(argv.toArray(String[]::new));
            String out = r.out().strip();
            assertThat(out).as(String.join(" ", args) + "\n" + r).doesNotContain("\n");
            assertThat(JSON.readTree(out)).isNotNull();
        }
    }
}

package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link VerifyShard}: a stable, disjoint, complete partition of volumes; and {@link BackupVerifier#verifyShard}. */
class VerifyShardTest {
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

    @ParameterizedTest(name = "{0} of {1} shards -> {2}")
    @CsvSource({"pvc-a, 3, 1", "pvc-b, 3, 2", "pvc-c, 3, 0", "pvc-d, 3, 0", "pvc-a, 7, 5", "pvc-f, 7, 0",
        "pvc-karakeep, 3, 1", "pvc-jellyfin, 3, 0", "pvc-anything, 1, 0",
        "pvc-\u00e9t\u00e9, 3, 2"}) // UTF-8; the ISO-8859-1 bytes of this name would give shard 1
    void aVolumesShardIsFixedByItsNameAloneOnEveryMachine(String volume, int count, int shard) {
        // the values are SHA-256 of the UTF-8 name, first 8 bytes unsigned, mod count: computed outside Java
        assertThat(VerifyShard.shardOf(volume, count)).isEqualTo(shard);
        assertThat(VerifyShard.of(shard, count).contains(volume)).isTrue();
    }

    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {1, 2, 3, 5, 8, 64})
    void theShardsOfOneCountAreDisjointAndCoverEveryVolume(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            names.add("pvc-" + Integer.toHexString(i * 7919) + "-" + i);
        }
        names.add("pvc-\u00e9t\u00e9"); // non-ASCII: UTF-8 bytes, not the platform charset
        Map<String, Integer> seen = new HashMap<>();
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            VerifyShard s = VerifyShard.of(i, count);
            for (String n : names) {
                if (s.contains(n)) {
                    assertThat(seen.put(n, i)).as(n + " in two shards").isNull();
                    sizes[i]++;
                }
            }
        }
        assertThat(seen).hasSize(names.size());
        for (int size : sizes) {
            assertThat(size).as("every shard gets a fair share").isGreaterThan(names.size() / count / 2);
        }
    }

    @Test
    void parsesIndexSlashCountAndRefusesAnythingElse() {
        assertThat(VerifyShard.parse(" 2/3 ")).isEqualTo(VerifyShard.of(2, 3));
        assertThat(VerifyShard.parse("0/1")).isEqualTo(VerifyShard.all());
        assertThat(VerifyShard.of(1, 4)).hasToString("1/4");
        for (String bad : new String[] {"3/3", "-1/3", "1/0", "1", "/3", "1/", "a/3", "1/b", "1/3/4", "", "0/10001"}) {
            assertThatThrownBy(() -> VerifyShard.parse(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void threeShardsVerifyEveryVolumeOnceAndOnlyTheShardWithTheDamagedVolumeFails() {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            List<String> volumes = List.of("pvc-a", "pvc-b", "pvc-c", "pvc-d", "pvc-e", "pvc-f");
            Map<String, WrittenBackup> newest = new HashMap<>();
            for (String v : volumes) {
                newest.put(v, w.volume(v).size(8L << 20).compression(CompressionMethod.LZ4)
                        .backup("backup-0000000000000001", T0, c -> c.random(0).text(2L << 20)));
            }
            String junk = w.dsStore();
            String bad = newest.get("pvc-e").blocks().get(0L);
            store.source().put(w.layout().blockKey("pvc-e", bad), "garbage".getBytes(StandardCharsets.UTF_8));
            BackupVerifier verifier = BackupVerifier.builder(store.source(), store.target()).level(VerifyLevel.FULL).build();

            Map<String, Integer> shardOf = new HashMap<>();
            List<Integer> failing = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                VerificationResult r = verifier.verifyShard(VerifyShard.of(i, 3));
                for (BackupVerification b : r.backups()) {
                    assertThat(shardOf.put(b.volumeName(), i)).as(b.volumeName() + " verified twice").isNull();
                    assertThat(VerifyShard.shardOf(b.volumeName(), 3)).isEqualTo(i);
                }
                assertThat(r.skipped()).as("an entry outside every volume is reported by shard 0 only")
                        .extracting(io.drkit.core.catalog.SkippedEntry::location).filteredOn(junk::equals)
                        .hasSize(i == 0 ? 1 : 0);
                if (r.exitCode() != 0) {
                    failing.add(i);
                    assertThat(r.damaged()).extracting(BackupVerification::volumeName).containsExactly("pvc-e");
                }
            }
            assertThat(shardOf.keySet()).containsExactlyInAnyOrderElementsOf(volumes);
            assertThat(failing).containsExactly(VerifyShard.shardOf("pvc-e", 3));
            Set<Integer> used = new TreeSet<>(shardOf.values());
            assertThat(used).as("every shard had work").containsExactly(0, 1, 2);

            VerificationResult all = verifier.verifyAll();
            assertThat(all.backups().stream().map(BackupVerification::volumeName).collect(Collectors.toSet()))
                    .isEqualTo(shardOf.keySet());
            assertThat(all.damaged()).hasSize(1);
        }
    }
}

package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A directory behaves like an S3 bucket: S3 listing semantics (any delimiter), ranges, Longhorn-style writes. */
class DirectoryObjectSourceTest {
    @TempDir
    Path dir;
    DirectoryObjectSource s;

    @BeforeEach
    void fill() {
        s = DirectoryObjectSource.of(dir);
        for (String k : new String[] {"v/ab/cd/pvc-1/volume.cfg", "v/ab/cd/pvc-1/backups/backup_b1.cfg",
            "v/ab/cd/pvc-1/blocks/00/11/x.blk", "v/ab/cd/logs/volume.cfg", "v/ab/cd/logs/backups/backup_b2.cfg",
            "v/ab/ce/pvc-1a/volume.cfg", "v/top.txt"}) {
            s.put(k, k.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void slashListingsMatchS3() {
        ObjectListing l = s.list("v/", "/");
        assertThat(l.objects()).extracting(ObjectInfo::key).containsExactly("v/top.txt");
        assertThat(l.commonPrefixes()).containsExactly("v/ab/");
        assertThat(s.list("v/ab/cd/pvc-1/", "/").commonPrefixes()).containsExactly("v/ab/cd/pvc-1/backups/", "v/ab/cd/pvc-1/blocks/");
        assertThat(s.list("v/ab/c", "/").commonPrefixes()).containsExactly("v/ab/cd/", "v/ab/ce/");
        assertThat(s.list("v/", null).objects()).hasSize(7);
        assertThat(s.list("nothing/", "/").isEmpty()).isTrue();
    }

    @Test
    void multiCharacterDelimitersRollUpAtTheirFirstOccurrence() {
        ObjectListing l = s.list("v/", "s/");
        assertThat(l.objects()).extracting(ObjectInfo::key)
                .containsExactly("v/ab/cd/pvc-1/volume.cfg", "v/ab/ce/pvc-1a/volume.cfg", "v/top.txt");
        assertThat(l.commonPrefixes()).containsExactly("v/ab/cd/logs/", "v/ab/cd/pvc-1/backups/", "v/ab/cd/pvc-1/blocks/");
        ObjectListing b = s.list("v/", "/blocks/");
        assertThat(b.commonPrefixes()).containsExactly("v/ab/cd/pvc-1/blocks/");
        assertThat(b.objects()).hasSize(6);
    }

    @Test
    void pagesAreCountedAsS3WouldNeedThem() {
        for (int i = 0; i < 2001; i++) {
            s.put("many/k" + i, new byte[] {1});
        }
        assertThat(s.list("many/", "/").requests()).isEqualTo(3);
        assertThat(s.list("v/", "/").requests()).isEqualTo(1);
    }

    @Test
    void rangesAndHeadsWork() throws IOException {
        try (ObjectStream in = s.getRange("v/top.txt", 2, 3)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("top");
            assertThat(in.info().size()).isEqualTo(9);
        }
        try (ObjectStream in = s.getRange("v/top.txt", 100, 3)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        assertThat(s.head("v/top.txt")).map(ObjectInfo::size).contains(9L);
        assertThat(s.head("v/ab")).isEmpty();
        assertThatThrownBy(() -> s.get("v/missing")).isInstanceOf(NotFoundException.class).hasMessageContaining("v/missing");
    }

    @Test
    void rewritingAnObjectChangesItsEtag() {
        ObjectInfo before = s.head("v/top.txt").orElseThrow();
        s.put("v/top.txt", "v/top.txt changed".getBytes(StandardCharsets.UTF_8));
        assertThat(s.head("v/top.txt").orElseThrow().etag()).isNotEqualTo(before.etag());
    }

    @Test
    void writesLeaveNoTemporaryFilesAndDeletesPruneEmptyDirectories() throws IOException {
        s.delete("v/ab/ce/pvc-1a/volume.cfg");
        assertThat(dir.resolve("v/ab/ce")).doesNotExist();
        assertThat(dir.resolve("v/ab")).exists();
        s.delete("v/never-existed");
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(Path::toString)).noneMatch(p -> p.contains(".tmp."));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../escape", "/absolute", "a/../../b", ""})
    void keysCannotLeaveTheRoot(String key) {
        assertThatThrownBy(() -> s.get(key)).isInstanceOf(InvalidInputException.class);
    }
}

package io.drkit.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partial files are named after their target and their process; a later restore to the same target removes those of
 * processes that are gone and keeps (and reports) those of running restores, of other hosts, and of older versions.
 */
class PartialFilesTest {
    @TempDir
    Path dir;

    private record Found(String name, boolean removed, String detail) {
    }

    private List<Found> sweep(Path target) {
        List<Found> found = new CopyOnWriteArrayList<>();
        PartialFiles.sweep(target, (f, removed, detail) -> found.add(new Found(f.getFileName().toString(), removed,
                detail)));
        return found;
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /** This process's partial-file name for {@code target}, with another pid (and start time) put in. */
    private static String withPid(Path target, long pid, String start) {
        String mine = PartialFiles.newPartial(target).getFileName().toString();
        String self = ProcessHandle.current().pid() + "-";
        int at = mine.lastIndexOf("." + self) + 1;
        String rest = mine.substring(at + self.length()); // <start>-<host>-<random>.drkit-partial
        return mine.substring(0, at) + pid + "-" + (start == null ? rest : start + rest.substring(rest.indexOf('-')));
    }

    @Test
    void aPartialFileOfAProcessThatIsGoneIsRemovedAndReported() throws Exception {
        Path target = dir.resolve("x.img");
        long pid = deadPid();
        Path left = Files.write(dir.resolve(withPid(target, pid, null)), new byte[] {1});
        assertThat(sweep(target)).containsExactly(new Found(left.getFileName().toString(), true,
                "its restore (process " + pid + ") was interrupted and is gone"));
        assertThat(left).doesNotExist();
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsNotTheRestoreThatWroteTheFile() throws Exception {
        Path target = dir.resolve("x.img");
        long self = ProcessHandle.current().pid();
        Path left = Files.write(dir.resolve(withPid(target, self, "1")), new byte[] {1});
        assertThat(sweep(target)).singleElement().satisfies(f -> assertThat(f.removed()).isTrue());
        assertThat(left).doesNotExist();
    }

    @Test
    void thePartialFileOfARunningRestoreIsKept() throws Exception {
        Path target = dir.resolve("x.img");
        Path mine = Files.write(PartialFiles.newPartial(target), new byte[] {1});
        assertThat(sweep(target)).singleElement().satisfies(f -> {
            assertThat(f.removed()).isFalse();
            assertThat(f.detail()).contains("a running restore (process " + ProcessHandle.current().pid() + ")");
        });
        assertThat(mine).exists();
    }

    @Test
    void partialFilesFromAnotherHostAndFromOlderVersionsAreKeptAndReported() throws Exception {
        Path target = dir.resolve("x.img");
        String other = withPid(target, deadPid(), null).replaceFirst("-[0-9a-f]{8}-([0-9a-f]{4})\\.drkit-partial$",
                "-00000000-$1.drkit-partial");
        Path remote = Files.write(dir.resolve(other), new byte[] {1});
        Path old = Files.write(dir.resolve(".x.img.1a2b3c4d.drkit-partial"), new byte[] {1});
        List<Found> found = sweep(target);
        assertThat(found).extracting(Found::removed).containsOnly(false);
        assertThat(found).extracting(Found::detail).anySatisfy(d -> assertThat(d).contains("another host or container"))
                .anySatisfy(d -> assertThat(d).contains("older drkit version"));
        assertThat(remote).exists();
        assertThat(old).exists();
    }

    @Test
    void partialFilesOfOtherTargetsAreLeftAlone() throws Exception {
        Path target = dir.resolve("x.img");
        Path ofLonger = Files.write(dir.resolve(withPid(dir.resolve("x.img.b"), deadPid(), null)), new byte[] {1});
        Path plain = Files.write(dir.resolve(".x.img.notes.drkit-partial"), new byte[] {1});
        assertThat(sweep(target)).isEmpty();
        assertThat(ofLonger).exists();
        assertThat(plain).exists();
    }

    @Test
    void veryLongTargetNamesGetAShortenedButStillTargetSpecificPrefix() {
        String a = "é".repeat(120) + "a.img";
        String b = "é".repeat(120) + "b.img";
        String pa = PartialFiles.prefix(dir.resolve(a));
        assertThat(pa).isNotEqualTo(PartialFiles.prefix(dir.resolve(b)));
        String name = PartialFiles.newPartial(dir.resolve(a)).getFileName().toString();
        assertThat(name).startsWith(pa).endsWith(PartialFiles.SUFFIX);
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    }
}

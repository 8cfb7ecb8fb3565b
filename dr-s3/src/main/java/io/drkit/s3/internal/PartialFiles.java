package io.drkit.s3.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary files an image restore writes next to its target, and the ones a killed restore left behind.
 *
 * <p>A partial file is named {@code .<target name>.<pid>-<start>-<host>-<random>.drkit-partial}: the process that
 * writes it (its pid and start time, so that a reused pid is not mistaken for it), the host it runs on (a hash of the
 * host name, boot id and pid namespace, so that a restore in another container or on another NFS client is not judged
 * by this host's process table) and a random part (two restores in one process). A later restore to the same target
 * removes the partial files whose process is gone, keeps those of a running restore, and keeps (and reports) those it
 * cannot judge: another host, or the unmarked {@code .<name>.<8 hex>.drkit-partial} files of older versions.
 */
public final class PartialFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PartialFiles.class);
    /** Suffix of every partial file. */
    public static final String SUFFIX = ".drkit-partial";
    /** Target names longer than this (UTF-8 bytes) are shortened in partial names: file names hold 255 bytes. */
    private static final int MAX_STEM_BYTES = 180;
    private static final Pattern MARKED = Pattern.compile("(\\d{1,10})-([0-9a-f]{1,16})-([0-9a-f]{8})-[0-9a-f]{4}");
    private static final Pattern UNMARKED = Pattern.compile("[0-9a-f]{8}");
    private static final Owner SELF = Owner.current();

    private PartialFiles() {
    }

    /** What became of a partial file found next to a target. */
    public interface Report {
        /** No reports. */
        Report NONE = (file, removed, detail) -> { };

        /**
         * A partial file of an earlier restore to the same target.
         *
         * @param removed whether it was removed (its restore is gone) or kept (running, or cannot be judged)
         * @param detail  why, for people
         */
        void found(Path file, boolean removed, String detail);
    }

    /** A new, unused partial-file path for {@code target} owned by this process. */
    static Path newPartial(Path target) {
        String random = String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
        return target.resolveSibling(prefix(target) + SELF.marker() + "-" + random + SUFFIX);
    }

    /**
     * Looks for partial files of earlier restores to {@code target}: removes those whose process is gone (it was
     * killed), keeps the others; reports each. Never throws (a file that cannot be removed is reported kept).
     */
    static void sweep(Path target, Report report) {
        Path dir = target.getParent();
        String prefix = prefix(target);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(SUFFIX) && n.length() > prefix.length() + SUFFIX.length();
        })) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                judge(f, n.substring(prefix.length(), n.length() - SUFFIX.length()), report);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot look for partial files of {} in {}: {}", target, dir, e.toString());
        }
    }

    private static void judge(Path file, String middle, Report report) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Matcher m = MARKED.matcher(middle);
        if (!m.matches()) {
            if (UNMARKED.matcher(middle).matches()) {
                tell(report, file, false, "left by an older drkit version that did not record its process; remove it "
                        + "if no restore to this target is running");
            }
            return; // another target's partial file (".a.b.<marker>" when restoring to "a")
        }
        long pid = Long.parseLong(m.group(1));
        long start = Long.parseLong(m.group(2), 16);
        if (!m.group(3).equals(SELF.host())) {
            tell(report, file, false, "written by process " + pid + " on another host or container; remove it if no "
                    + "restore runs there");
            return;
        }
        if (Owner.alive(pid, start)) {
            tell(report, file, false, "a running restore (process " + pid + ") is writing it");
            return;
        }
        try {
            Files.deleteIfExists(file);
            tell(report, file, true, "its restore (process " + pid + ") was interrupted and is gone");
        } catch (IOException e) {
            tell(report, file, false, "its restore (process " + pid + ") is gone, but it cannot be removed: "
                    + e.getMessage());
        }
    }

    private static void tell(Report report, Path file, boolean removed, String detail) {
        LOG.debug("{} partial file {}: {}", removed ? "removed" : "kept", file, detail);
        try {
            report.found(file, removed, detail);
        } catch (RuntimeException e) {
            LOG.warn("partial-file report threw; ignored", e);
        }
    }

    /** {@code .<name>.} with over-long names shortened to a prefix and a hash of the whole name. */
    static String prefix(Path target) {
        String name = target.getFileName().toString();
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_STEM_BYTES) {
            return "." + name + ".";
        }
        StringBuilder stem = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > MAX_STEM_BYTES - 10) {
                break;
            }
            stem.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return "." + stem + "~" + hash8(name) + ".";
    }

    private static String hash8(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The process writing partial files: pid, start time, and where it runs. */
    record Owner(long pid, long start, String host) {
        static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
            String where = read("/proc/sys/kernel/hostname").or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
                    .orElse("localhost") + "|" + read("/proc/sys/kernel/random/boot_id").orElse("")
                    + "|" + pidNamespace();
            return new Owner(self.pid(), start, hash8(where));
        }

        String marker() {
            return pid + "-" + Long.toHexString(start) + "-" + host;
        }

        /** Whether the process {@code pid} that started at {@code start} (epoch millis; 0: unknown) still runs. */
        static boolean alive(long pid, long start) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                return false;
            }
            if (start == 0) {
                return true; // cannot tell a reused pid: assume it is the restore
            }
            return h.get().info().startInstant().map(i -> i.toEpochMilli() == start).orElse(true);
        }

        private static Optional<String> read(String file) {
            try {
                return Optional.of(Files.readString(Path.of(file)).trim());
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        private static String pidNamespace() {
            try {
                return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }
}

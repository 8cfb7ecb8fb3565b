package io.drkit.examples.bench;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.examples.support.Trees;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ImageRestoreOptions;
import io.drkit.s3.ImageRestoreResult;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.VolumeImageRestorer;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.WrittenBackup;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Benchmark of the image restore (dr-s3 {@link VolumeImageRestorer}) on an embedded S3 server (S3Proxy, filesystem
 * store, loopback, same JVM): one volume of mixed compressible and incompressible blocks, per codec, restored to a
 * file, against
 * <ol>
 *   <li>(a) a plain parallel download of the same block objects with the same number of threads, without decoding,
 *       checksums or writing: the physical limit of this setup;</li>
 *   <li>(b) the same restore with one worker.</li>
 * </ol>
 * It also reports the heap: the peak used (garbage included) during the restore and the largest heap still live after
 * a garbage collection. Run it with {@code -Xmx256m} to show the restore fits in 256 MiB.
 *
 * <p>Loopback is the brief's physical limit, but on a small machine it is CPU, not bandwidth: the in-process S3 server
 * serves faster than SHA-512 can verify. The same measurements are therefore also made through a proxy that caps the
 * server's bandwidth like a network link ({@code --link-mbit}, 0 to skip), which is what a restore from a remote
 * bucket sees.
 *
 * <p>The baselines are in {@link PlainDownload}, the heap measurement in {@link HeapWatch}.
 *
 * <p>Restores to a file go to the default temporary directory (usually on the machine's disk); {@code --dest-dir DIR}
 * adds the same restore and the plain download-and-write reference with the file in {@code DIR} (say
 * {@code /dev/shm}, a tmpfs), so the pipeline is also measured where the disk is not the bound.
 *
 * <p>Not a test: prints a Markdown table. Usage (defaults in brackets): {@code RestoreBenchmark [--size-mib 1024]
 * [--block-mib 2] [--concurrency 8] [--codecs lz4,gzip,none] [--rounds 3] [--link-mbit 1000] [--dest-dir DIR]}.
 * Loopback rows are the median of the rounds; link rows are one run each.
 */
public final class RestoreBenchmark {
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");
    private static final String VOLUME = "pvc-bench-restore";
    private static final double MIB = 1 << 20;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private RestoreBenchmark() {
    }

    /** Entry point. */
    public static void main(String... args) throws Exception {
        long sizeMib = longArg(args, "--size-mib", 1024);
        int blockMib = (int) longArg(args, "--block-mib", 2);
        int concurrency = (int) longArg(args, "--concurrency", 8);
        int rounds = (int) longArg(args, "--rounds", 3);
        String codecs = stringArg(args, "--codecs", "lz4,gzip,none");
        long linkMbit = longArg(args, "--link-mbit", 1000);
        String destDir = stringArg(args, "--dest-dir", null);
        Path extraDir = destDir == null ? null : Path.of(destDir).toAbsolutePath();
        if (extraDir != null && !Files.isDirectory(extraDir)) {
            throw new IllegalArgumentException("--dest-dir " + extraDir + " is not a directory");
        }
        Path base = Files.createTempDirectory("drkit-restore-bench");
        HeapWatch heap = new HeapWatch();
        try (EmbeddedS3Server server = EmbeddedS3Server.startFilesystem(base)) {
            System.out.printf(Locale.ROOT, "# dr-s3 restore benchmark: %d MiB volume, %d MiB blocks, concurrency %d, %d "
                    + "rounds (median), %d cores, Java %s, max heap %d MiB%n", sizeMib, blockMib, concurrency, rounds,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    Runtime.getRuntime().maxMemory() >> 20);
            List<String> rows = new ArrayList<>();
            List<String> heapRows = new ArrayList<>();
            List<String> ceilingRows = new ArrayList<>();
            for (String name : codecs.split(",")) {
                CompressionMethod codec = CompressionMethod.parse(name)
                        .orElseThrow(() -> new IllegalArgumentException("unknown codec " + name));
                run(server, base, codec, sizeMib << 20, blockMib << 20, concurrency, rounds, linkMbit, extraDir, heap, rows,
                        heapRows, ceilingRows);
            }
            System.out.println();
            System.out.println("| codec | measurement | wall time | image MiB/s | stored MiB/s | CPU s per GiB | cores busy "
                    + "((user+sys)/wall) | vs (a) |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println("| - | Longhorn's published figure (LEP 20230108: 10 threads, 1 replica; other hardware) | - | "
                    + "277 | - | - | - | - |");
            System.out.println();
            System.out.println("| codec | restore MiB/s (" + concurrency + " workers) | cores busy | CPU s per GiB, 1 worker "
                    + "| CPU-bound ceiling on " + CORES + " cores (MiB/s) | restore / ceiling |");
            System.out.println("|---|---|---|---|---|---|");
            ceilingRows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%nSHA-512 (Longhorn's block checksum) on this machine: %.0f MiB/s on one core.%n",
                    sha512Speed());
            System.out.println();
            System.out.println("| codec | heap during the restore (concurrency " + concurrency + ") | peak used, garbage "
                    + "included | largest live heap after a GC |");
            System.out.println("|---|---|---|---|");
            heapRows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%nRerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar %s --size-mib %d "
                    + "--block-mib %d --concurrency %d --codecs %s --rounds %d --link-mbit %d%s%n",
                    RestoreBenchmark.class.getName(), sizeMib, blockMib, concurrency, codecs, rounds, linkMbit,
                    extraDir == null ? "" : " --dest-dir " + extraDir);
        } finally {
            heap.close();
            Trees.delete(base);
        }
    }

    private static void run(EmbeddedS3Server server, Path base, CompressionMethod codec, long size, int blockSize,
                            int concurrency, int rounds, long linkMbit, Path extraDir, HeapWatch heap, List<String> rows,
                            List<String> heapRows, List<String> ceilingRows)
            throws Exception {
        String bucket = "bench-" + codec.wireName();
        BackupTarget target = BackupTarget.parse("s3://" + bucket + "@us-east-1/");
        long t = System.nanoTime();
        WrittenBackup backup;
        try (S3ObjectSource create = server.createBucket(bucket)) {
            // written straight into S3Proxy's directory: far faster than PUTs, served the same way
            BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(base.resolve(bucket)), target, 2026);
            backup = w.volume(VOLUME).size(size).blockSize(blockSize).compression(codec).backup("backup-0000000000000001",
                    T0, c -> {
                        for (long off = 0, i = 0; off < size; off += blockSize, i++) {
                            switch ((int) (i % 3)) {
                                case 0 -> c.random(off);
                                case 1 -> c.text(off);
                                default -> c.mixed(off);
                            }
                        }
                    });
        }
        List<String> keys = new ArrayList<>();
        BackupstoreLayout layout = BackupstoreLayout.of(target);
        backup.blocks().values().forEach(sum -> keys.add(layout.blockKey(VOLUME, sum)));
        long stored = 0;
        for (String k : keys) {
            stored += Files.size(base.resolve(bucket).resolve(k));
        }
        System.out.printf(Locale.ROOT, "%s: %d blocks written in %.1f s, %.0f MiB stored (%.0f%% of the image)%n", codec,
                keys.size(), (System.nanoTime() - t) / 1e9, stored / MIB, 100.0 * stored / size);
        Path out = Files.createTempDirectory("drkit-restore-bench-out");
        Path extra = extraDir == null ? null : Files.createTempDirectory(extraDir, "drkit-restore-bench-out");
        try (S3ObjectSource s3 = server.source(bucket);
             ThrottledProxy proxy = linkMbit > 0 ? new ThrottledProxy(server.endpoint(), linkMbit * 1_000_000L / 8) : null;
             S3ObjectSource linked = proxy == null ? null : S3ObjectSource.builder().bucket(bucket).region("us-east-1")
                     .secret(Map.of("AWS_ACCESS_KEY_ID", server.accessKey(), "AWS_SECRET_ACCESS_KEY", server.secretKey(),
                             "AWS_ENDPOINTS", proxy.endpoint().toString())).build()) {
            // warm-up (JIT, connection pool), not measured; then check that the restore is right
            PlainDownload.download(s3, keys, concurrency);
            ImageRestoreResult first = restore(s3, target, concurrency, out.resolve("check.img"));
            String expected = backup.image().orElseThrow().sha256();
            if (!sha256(out.resolve("check.img")).equals(expected)) {
                throw new IllegalStateException("restored image differs from the backup");
            }
            Files.delete(out.resolve("check.img"));
            restoreToNowhere(s3, target, concurrency);
            List<Measured> plain = new ArrayList<>();
            List<Measured> written = new ArrayList<>();
            List<Measured> parallel = new ArrayList<>();
            List<Measured> nowhere = new ArrayList<>();
            List<Measured> extraWritten = new ArrayList<>();
            List<Measured> extraParallel = new ArrayList<>();
            long peakUsed = 0;
            long peakLive = 0;
            for (int r = 0; r < rounds; r++) {
                plain.add(measure(() -> PlainDownload.download(s3, keys, concurrency)));
                Path raw = out.resolve("raw" + r + ".img");
                written.add(measure(() -> PlainDownload.download(s3, keys, concurrency, raw, blockSize)));
                Files.delete(raw);
                Path img = out.resolve("r" + r + ".img");
                heap.reset();
                parallel.add(measure(() -> restore(s3, target, concurrency, img).elapsed().toNanos()));
                peakUsed = Math.max(peakUsed, heap.peakUsed());
                peakLive = Math.max(peakLive, heap.peakLiveAfterGc());
                Files.delete(img);
                nowhere.add(measure(() -> restoreToNowhere(s3, target, concurrency)));
                if (extra != null) {
                    Path xraw = extra.resolve("raw" + r + ".img");
                    extraWritten.add(measure(() -> PlainDownload.download(s3, keys, concurrency, xraw, blockSize)));
                    Files.delete(xraw);
                    Path ximg = extra.resolve("r" + r + ".img");
                    heap.reset();
                    extraParallel.add(measure(() -> restore(s3, target, concurrency, ximg).elapsed().toNanos()));
                    peakUsed = Math.max(peakUsed, heap.peakUsed());
                    peakLive = Math.max(peakLive, heap.peakLiveAfterGc());
                    if (r == 0 && !sha256(ximg).equals(expected)) {
                        throw new IllegalStateException("image restored to " + extra + " differs from the backup");
                    }
                    Files.delete(ximg);
                }
            }
            Measured single = measure(() -> restore(s3, target, 1, out.resolve("single.img")).elapsed().toNanos());
            Files.delete(out.resolve("single.img"));
            Measured a = median(plain);
            Measured c = median(parallel);
            String loop = "loopback: ";
            rows.add(row(codec, loop + "(a) plain parallel download of the " + keys.size() + " block objects, "
                    + concurrency + " threads (no decoding, checksums or writes)", a, size, stored, "1.00 (limit)"));
            rows.add(row(codec, loop + "**dr-s3 restore to a file, " + first.workers() + " workers** (decode, SHA-512, "
                    + "write, fsync, rename)", c, size, stored, String.format(Locale.ROOT, "**%.2f**", a.nanos() / c.nanos())));
            rows.add(row(codec, loop + "(b) dr-s3 restore to a file, 1 worker", single, size, stored,
                    String.format(Locale.ROOT, "%.2f (%.1fx slower than parallel)", a.nanos() / single.nanos(),
                            single.nanos() / c.nanos())));
            Measured w = median(written);
            rows.add(row(codec, loop + "reference: plain parallel download, one block written per object at its offset, fsync "
                    + "(no decoding or checksums): the limit with the disk", w, size, stored,
                    String.format(Locale.ROOT, "%.2f (restore reaches %.2f of it)", a.nanos() / w.nanos(), w.nanos() / c.nanos())));
            Measured n = median(nowhere);
            rows.add(row(codec, loop + "reference: dr-s3 restore into a channel that discards the data (no disk)", n,
                    size, stored, String.format(Locale.ROOT, "%.2f", a.nanos() / n.nanos())));
            if (extra != null) {
                Measured xw = median(extraWritten);
                Measured xc = median(extraParallel);
                rows.add(row(codec, loop + "**dr-s3 restore to a file in " + extraDir + ", " + first.workers()
                        + " workers**", xc, size, stored, String.format(Locale.ROOT, "**%.2f**", a.nanos() / xc.nanos())));
                rows.add(row(codec, loop + "reference: plain parallel download written per object to a file in " + extraDir
                        + ", fsync", xw, size, stored, String.format(Locale.ROOT, "%.2f (restore reaches %.2f of it)",
                        a.nanos() / xw.nanos(), xw.nanos() / xc.nanos())));
            }
            ceilingRows.add(ceiling(codec, c, single, size));
            heapRows.add(String.format(Locale.ROOT, "| %s | %d MiB image, %d blocks of %d MiB | %.0f MiB | %.0f MiB |",
                    codec, size >> 20, keys.size(), blockSize >> 20, peakUsed / MIB, peakLive / MIB));
            if (linked != null) {
                String link = linkMbit + " Mbit/s link: ";
                PlainDownload.download(linked, keys.subList(0, Math.min(keys.size(), 2 * concurrency)), concurrency);
                Measured la = measure(() -> PlainDownload.download(linked, keys, concurrency));
                Path img = out.resolve("link.img");
                Measured lc = measure(() -> restore(linked, target, concurrency, img).elapsed().toNanos());
                Files.delete(img);
                Measured lb = measure(() -> restore(linked, target, 1, img).elapsed().toNanos());
                Files.delete(img);
                rows.add(row(codec, link + "(a) plain parallel download, " + concurrency + " threads", la, size, stored,
                        "1.00 (limit)"));
                rows.add(row(codec, link + "**dr-s3 restore to a file, " + first.workers() + " workers**", lc, size, stored,
                        String.format(Locale.ROOT, "**%.2f**", la.nanos() / lc.nanos())));
                rows.add(row(codec, link + "(b) dr-s3 restore to a file, 1 worker", lb, size, stored,
                        String.format(Locale.ROOT, "%.2f (%.1fx slower than parallel)", la.nanos() / lb.nanos(),
                                lb.nanos() / lc.nanos())));
            }
        } finally {
            Trees.delete(out);
            if (extra != null) {
                Trees.delete(extra);
            }
            Trees.delete(base.resolve(bucket));
        }
    }

    /** Restores into a channel that drops what it is given: the pipeline's speed without a disk. */
    private static long restoreToNowhere(S3ObjectSource s3, BackupTarget target, int concurrency) {
        return VolumeImageRestorer.builder(s3, target).concurrency(concurrency).build()
                .restoreToChannel(BackupSelection.named(VOLUME, "backup-0000000000000001"), new DiscardingChannel(),
                        ImageRestoreOptions.builder().channelIsZeroed(true).build()).elapsed().toNanos();
    }

    /** A wall time (the measured work's own) with the process CPU time spent meanwhile (the S3 server's included). */
    private record Measured(double nanos, long cpuNanos) {
        /** Cores kept busy on average: (user+sys)/wall. */
        double coresBusy() {
            return cpuNanos / nanos;
        }

        double cpuSecondsPerGib(long size) {
            return cpuNanos / 1e9 / (size / (double) (1L << 30));
        }
    }

    private static Measured measure(LongSupplier work) {
        long cpu0 = cpuTime();
        long nanos = work.getAsLong();
        return new Measured(nanos, cpuTime() - cpu0);
    }

    private static long cpuTime() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Measured median(List<Measured> v) {
        List<Measured> s = new ArrayList<>(v);
        s.sort(Comparator.comparingDouble(Measured::nanos));
        return s.get(s.size() / 2);
    }


    private static ImageRestoreResult restore(S3ObjectSource s3, BackupTarget target, int concurrency, Path image) {
        return VolumeImageRestorer.builder(s3, target).concurrency(concurrency).build()
                .restoreToFile(BackupSelection.named(VOLUME, "backup-0000000000000001"), image);
    }


    private static String row(CompressionMethod codec, String what, Measured m, long size, long stored, String ratio) {
        double s = m.nanos() / 1e9;
        return String.format(Locale.ROOT, "| %s | %s | %.2f s | %.0f | %.0f | %.2f | %.2f of %d | %s |", codec, what, s,
                size / MIB / s, stored / MIB / s, m.cpuSecondsPerGib(size), m.coresBusy(), CORES, ratio);
    }

    /**
     * The restore against what the CPU allows: the CPU-seconds one worker spends per GiB (process CPU, the in-process
     * S3 server's included) spread over every core is the most MiB/s a CPU-bound restore can reach here.
     */
    private static String ceiling(CompressionMethod codec, Measured parallel, Measured single, long size) {
        double perGib = single.cpuSecondsPerGib(size);
        double ceiling = perGib <= 0 ? Double.NaN : 1024.0 * CORES / perGib;
        double mibs = size / MIB / (parallel.nanos() / 1e9);
        return String.format(Locale.ROOT, "| %s | %.0f | %.2f of %d | %.2f | %.0f | %.2f |", codec, mibs,
                parallel.coresBusy(), CORES, perGib, ceiling, mibs / ceiling);
    }

    private static double sha512Speed() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        byte[] b = new byte[2 << 20];
        new java.util.SplittableRandom(1).nextBytes(b);
        for (int i = 0; i < 50; i++) {
            md.update(b);
        }
        md.digest();
        long t = System.nanoTime();
        for (int i = 0; i < 256; i++) {
            md.update(b);
        }
        md.digest();
        return 512 / ((System.nanoTime() - t) / 1e9);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }


    private static long longArg(String[] args, String name, long def) {
        String v = stringArg(args, name, null);
        return v == null ? def : Long.parseLong(v);
    }

    private static String stringArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}

package io.drkit.examples.bench;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.examples.support.Trees;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.BackupVerifier;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.VerificationResult;
import io.drkit.s3.VerifyLevel;
import io.drkit.s3.VolumeImageRestorer;
import io.drkit.s3.nbd.NbdServer;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.NbdClient;
import io.drkit.s3.testing.NbdTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of instant access: the time to the first byte of a backup through the NBD server (dr-s3
 * {@link NbdServer}) against a full restore of the same volume to a file ({@link VolumeImageRestorer}), whose first
 * byte is usable only when it ends; plus the latency of one read that needs a block download, the throughput of
 * reading the whole image through NBD ({@code nbdcopy} when installed, else the test client with 16 reads in flight),
 * and the rate of a full verification (the figure the sharded verification's arithmetic uses). The store is an
 * embedded S3 server (S3Proxy, filesystem, same JVM), on loopback and through a proxy capping the bandwidth like a
 * network link ({@code --link-mbit}, 0 to skip). A last row starts {@code dr serve-nbd} in a new JVM (JVM start-up and
 * class loading included, as a user sees it) and times it to the first byte.
 *
 * <p>Not a test: prints a Markdown table. Usage (defaults in brackets): {@code NbdBenchmark [--size-mib 1024]
 * [--block-mib 2] [--codec lz4] [--concurrency 8] [--rounds 3] [--link-mbit 1000]}. Loopback rows are the median of
 * the rounds, link rows one run; a warm-up run before each is not counted (the {@code dr serve-nbd} row is a cold start
 * by nature).
 */
public final class NbdBenchmark {
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");
    private static final String VOLUME = "pvc-bench-nbd";
    private static final double MIB = 1 << 20;

    private NbdBenchmark() {
    }

    /** One column of measurements (seconds, or MiB/s). */
    private record Column(List<Double> ttfb, List<Double> start, List<Double> coldRead, List<Double> restore,
                          List<Double> copy, List<Double> fetchedPerBlock, List<Double> verify) {
        Column() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
        }
    }

    /** Entry point. */
    public static void main(String... args) throws Exception {
        long sizeMib = longArg(args, "--size-mib", 1024);
        int blockMib = (int) longArg(args, "--block-mib", 2);
        int concurrency = (int) longArg(args, "--concurrency", 8);
        int rounds = (int) longArg(args, "--rounds", 3);
        long linkMbit = longArg(args, "--link-mbit", 1000);
        CompressionMethod codec = CompressionMethod.parse(stringArg(args, "--codec", "lz4"))
                .orElseThrow(() -> new IllegalArgumentException("unknown codec"));
        long size = sizeMib << 20;
        int blockSize = blockMib << 20;
        boolean nbdcopy = NbdTools.find("nbdcopy").isPresent();
        Path base = Files.createTempDirectory("drkit-nbd-bench");
        try (EmbeddedS3Server server = EmbeddedS3Server.startFilesystem(base)) {
            System.out.printf(Locale.ROOT, "# NBD instant access benchmark: %d MiB volume, %d MiB blocks, %s, restore "
                    + "concurrency %d, %d rounds (median), %d cores, Java %s, max heap %d MiB, whole-image reader: %s%n",
                    sizeMib, blockMib, codec.wireName(), concurrency, rounds, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                    nbdcopy ? "nbdcopy" : "the Java test client");
            String bucket = "bench-nbd";
            BackupTarget target = BackupTarget.parse("s3://" + bucket + "@us-east-1/");
            long t = System.nanoTime();
            try (S3ObjectSource create = server.createBucket(bucket)) {
                // written straight into S3Proxy's directory: far faster than PUTs, served the same way
                BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(base.resolve(bucket)), target, 2026);
                w.volume(VOLUME).size(size).blockSize(blockSize).compression(codec).backup("backup-0000000000000001", T0,
                        c -> {
                            for (long off = 0, i = 0; off < size; off += blockSize, i++) {
                                switch ((int) (i % 3)) {
                                    case 0 -> c.random(off);
                                    case 1 -> c.text(off);
                                    default -> c.mixed(off);
                                }
                            }
                        });
            }
            System.out.printf(Locale.ROOT, "%d blocks written in %.1f s%n", size / blockSize, (System.nanoTime() - t) / 1e9);
            Path out = Files.createTempDirectory("drkit-nbd-bench-out");
            Column loop = new Column();
            Column link = new Column();
            double cli;
            try (S3ObjectSource s3 = server.source(bucket);
                 ThrottledProxy proxy = linkMbit > 0 ? new ThrottledProxy(server.endpoint(), linkMbit * 1_000_000L / 8) : null;
                 S3ObjectSource linked = proxy == null ? null : S3ObjectSource.builder().bucket(bucket).region("us-east-1")
                         .secret(Map.of("AWS_ACCESS_KEY_ID", server.accessKey(), "AWS_SECRET_ACCESS_KEY",
                                 server.secretKey(), "AWS_ENDPOINTS", proxy.endpoint().toString())).build()) {
                round(s3, target, size, blockSize, concurrency, nbdcopy, out, new Column()); // warm-up, not counted
                for (int r = 0; r < rounds; r++) {
                    round(s3, target, size, blockSize, concurrency, nbdcopy, out, loop);
                }
                if (linked != null) {
                    round(linked, target, size, blockSize, concurrency, nbdcopy, out, new Column()); // warm-up
                    round(linked, target, size, blockSize, concurrency, nbdcopy, out, link);
                }
                cli = cliFirstByte(server, bucket, size);
            } finally {
                Trees.delete(out);
            }
            print(loop, linkMbit > 0 ? link : null, linkMbit, cli, size, blockSize, concurrency, nbdcopy);
            System.out.printf(Locale.ROOT, "%nRerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar %s --size-mib %d "
                    + "--block-mib %d --codec %s --concurrency %d --rounds %d --link-mbit %d%n", NbdBenchmark.class.getName(),
                    sizeMib, blockMib, codec.wireName(), concurrency, rounds, linkMbit);
        } finally {
            Trees.delete(base);
        }
    }

    private static void round(ObjectSource source, BackupTarget target, long size, int blockSize, int concurrency,
                              boolean nbdcopy, Path out, Column col) throws Exception {
        BackupSelection newest = BackupSelection.newest(VOLUME);
        // time to first byte: start the server (resolve the backup, read its block list), connect, read 4 KiB
        long t0 = System.nanoTime();
        try (NbdServer nbd = NbdServer.builder(source, target, newest).listen("127.0.0.1", 0).start()) {
            long started = System.nanoTime();
            try (NbdClient c = NbdClient.connect(nbd.address())) {
                c.read(size / 2 + 4096, 4096);
                long first = System.nanoTime();
                col.ttfb().add((first - t0) / 1e9);
                col.start().add((started - t0) / 1e9);
                // reads of blocks not cached yet: each downloads, decodes and verifies one block
                SplittableRandom r = new SplittableRandom(7);
                List<Double> reads = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    long slot = r.nextLong(size / blockSize);
                    long before = System.nanoTime();
                    c.read(slot * blockSize + 512, 4096);
                    reads.add((System.nanoTime() - before) / 1e9);
                }
                col.coldRead().add(median(reads));
            }
        }
        // the whole image through NBD
        try (NbdServer nbd = NbdServer.builder(source, target, newest).listen("127.0.0.1", 0).start()) {
            long t = System.nanoTime();
            if (nbdcopy) {
                NbdTools.Result r = NbdTools.run(Duration.ofMinutes(30), "nbdcopy", nbd.uri(), "null:");
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("nbdcopy failed: " + r.output());
                }
            } else {
                readAll(nbd.address(), size);
            }
            col.copy().add(size / MIB / ((System.nanoTime() - t) / 1e9));
            col.fetchedPerBlock().add((double) nbd.stats().blocksFetched() / (size / blockSize));
        }
        // a full restore: the image is usable when it ends
        Path img = out.resolve("restored.img");
        long t = System.nanoTime();
        VolumeImageRestorer.builder(source, target).concurrency(concurrency).build().restoreToFile(newest, img);
        col.restore().add((System.nanoTime() - t) / 1e9);
        Files.delete(img);
        // a full verification of the volume
        t = System.nanoTime();
        VerificationResult v = BackupVerifier.builder(source, target).level(VerifyLevel.FULL).concurrency(concurrency)
                .build().verifyVolume(VOLUME);
        if (v.exitCode() != 0) {
            throw new IllegalStateException("verification failed: " + v.summary());
        }
        col.verify().add(size / MIB / ((System.nanoTime() - t) / 1e9));
    }

    /** Reads the whole image with the test client, 2 MiB per read, 16 reads in flight. */
    private static void readAll(InetSocketAddress address, long size) {
        try (NbdClient c = NbdClient.connect(address)) {
            int chunk = 2 << 20;
            for (long off = 0; off < size; ) {
                List<long[]> batch = new ArrayList<>();
                for (int i = 0; i < 16 && off < size; i++, off += chunk) {
                    batch.add(new long[] {off, (int) Math.min(chunk, size - off)});
                }
                for (NbdClient.Reply reply : c.readAll(batch)) {
                    if (reply.error() != 0) {
                        throw new IllegalStateException("read failed with error " + reply.error());
                    }
                }
            }
        }
    }

    /** {@code dr serve-nbd} in a new JVM: seconds from launching it to the first 4 KiB read, or NaN when it failed. */
    private static double cliFirstByte(EmbeddedS3Server server, String bucket, long size) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.drkit.examples.cli.DrCli", "serve-nbd", VOLUME,
                "--backupstore", "s3://" + bucket + "@us-east-1/", "--listen", "127.0.0.1:0");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(server.longhornSecret());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int at = line.indexOf(" on nbd://");
                if (at >= 0) {
                    URI uri = URI.create(line.substring(at + 4).trim());
                    try (NbdClient c = NbdClient.connect(new InetSocketAddress(uri.getHost(), uri.getPort()))) {
                        c.read(size / 2, 4096);
                    }
                    return (System.nanoTime() - t0) / 1e9;
                }
            }
            return Double.NaN;
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void print(Column loop, Column link, long linkMbit, double cli, long size, int blockSize,
                              int concurrency, boolean nbdcopy) {
        boolean l = link != null;
        System.out.println();
        System.out.println("| measurement | loopback" + (l ? " | " + linkMbit + " Mbit/s link" : "") + " |");
        System.out.println("|---|---" + (l ? "|---" : "") + "|");
        row("**time to first byte through NBD**: NbdServer started (backup resolved, block list read), client "
                + "connected, first 4 KiB read", seconds(median(loop.ttfb())), l ? seconds(median(link.ttfb())) : null);
        row("... of which starting the server", seconds(median(loop.start())), l ? seconds(median(link.start())) : null);
        row("one 4 KiB read of a block not cached yet (download, decode, SHA-512; median of 15)",
                millis(median(loop.coldRead())), l ? millis(median(link.coldRead())) : null);
        row("**full restore to a file** (" + concurrency + " workers; the first byte is usable when it ends)",
                seconds(median(loop.restore())), l ? seconds(median(link.restore())) : null);
        row("time to first byte: NBD is faster by", times(median(loop.restore()) / median(loop.ttfb())),
                l ? times(median(link.restore()) / median(link.ttfb())) : null);
        row("whole image read through NBD (" + (nbdcopy ? "nbdcopy to null:" : "test client, 16 reads in flight")
                + "), image MiB/s", rate(median(loop.copy())), l ? rate(median(link.copy())) : null);
        row("... blocks downloaded per block of the image (1.00: none downloaded twice)",
                String.format(Locale.ROOT, "%.2f", median(loop.fetchedPerBlock())),
                l ? String.format(Locale.ROOT, "%.2f", median(link.fetchedPerBlock())) : null);
        row("full restore to a file, image MiB/s", rate(size / MIB / median(loop.restore())),
                l ? rate(size / MIB / median(link.restore())) : null);
        row("full verification (`dr verify --level full`), image MiB/s", rate(median(loop.verify())),
                l ? rate(median(link.verify())) : null);
        row("`dr serve-nbd` in a new JVM to the first 4 KiB read (JVM start-up included; one cold run)", seconds(cli),
                l ? "-" : null);
        System.out.printf(Locale.ROOT, "%nImage %d MiB in %d blocks of %d MiB.%n", size >> 20, size / blockSize,
                blockSize >> 20);
    }

    private static void row(String what, String loop, String link) {
        System.out.println("| " + what + " | " + loop + (link == null ? "" : " | " + link) + " |");
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "failed" : String.format(Locale.ROOT, s < 1 ? "%.3f s" : "%.2f s", s);
    }

    private static String millis(double s) {
        return String.format(Locale.ROOT, "%.1f ms", s * 1000);
    }

    private static String rate(double mibPerSecond) {
        return String.format(Locale.ROOT, "%.0f", mibPerSecond);
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, "%.0fx", x);
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
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

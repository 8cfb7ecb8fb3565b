package io.drkit.examples.bench;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.RecurringJobInfo;
import io.drkit.examples.support.Trees;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.CountingObjectSource;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.RequestCounts;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Benchmark of the raw-backupstore catalog (dr-s3) on an embedded S3 server (S3Proxy, filesystem store, loopback):
 *
 * <ol>
 *   <li>(a) newest complete backup of every volume: requests per volume and wall time;</li>
 *   <li>(b) full scan of every backup, against {@link LonghornStyleScanner} (Longhorn's manager's way) in the same run;</li>
 *   <li>(c) peak heap while scanning backup cfgs of tens of MB, against the baseline.</li>
 * </ol>
 *
 * <p>Not a test: prints a Markdown table. Usage (defaults in brackets):
 * {@code CatalogBenchmark [--volumes 1000] [--backups 20] [--blocks 500] [--concurrency 16] [--large-cfg-mb 50]
 * [--large-cfgs 3] [--rounds 1]}. With more rounds, the last round of each is reported.
 */
public final class CatalogBenchmark {
    private static final Instant T0 = Instant.parse("2026-01-01T03:00:00Z");

    private CatalogBenchmark() {
    }

    /** Entry point. */
    public static void main(String... args) throws Exception {
        int volumes = intArg(args, "--volumes", 1000);
        int backups = intArg(args, "--backups", 20);
        int blocks = intArg(args, "--blocks", 500);
        int concurrency = intArg(args, "--concurrency", 16);
        int largeMb = intArg(args, "--large-cfg-mb", 50);
        int largeCfgs = intArg(args, "--large-cfgs", 3);
        int rounds = intArg(args, "--rounds", 1);
        Path base = Files.createTempDirectory("drkit-catalog-bench");
        try (EmbeddedS3Server server = EmbeddedS3Server.startFilesystem(base)) {
            run(server, base, volumes, backups, blocks, concurrency, largeMb, largeCfgs, rounds);
        } finally {
            Trees.delete(base);
        }
    }

    private static void run(EmbeddedS3Server server, Path base, int volumes, int backups, int blocks, int concurrency,
                            int largeMb, int largeCfgs, int rounds) throws Exception {
        BackupTarget target = BackupTarget.parse("s3://bench@us-east-1/");
        System.out.printf(Locale.ROOT, "# dr-s3 catalog benchmark: %d volumes x %d backups, %d blocks per backup cfg, "
                + "concurrency %d, %d cores, Java %s%n", volumes, backups, blocks, concurrency,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        long t = System.nanoTime();
        long cfgBytes = store(server, base, "bench", volumes, backups, blocks);
        System.out.printf(Locale.ROOT, "store written in %.1f s (%d cfgs, %.0f MB of cfg JSON)%n",
                secs(System.nanoTime() - t), volumes * (backups + 1), cfgBytes / 1e6);
        // warm-up (JIT, connection pools) on a small store, not measured
        store(server, base, "warmup", Math.min(40, volumes), Math.min(4, backups), Math.min(blocks, 100));
        try (S3ObjectSource w = server.source("warmup")) {
            BackupTarget wt = BackupTarget.parse("s3://warmup@us-east-1/");
            try (BackupstoreCatalog c = BackupstoreCatalog.builder(w, wt).concurrency(concurrency).build()) {
                c.newestCompleteBackups();
                c.scanAll();
            }
            new LonghornStyleScanner(w, BackupstoreLayout.of(wt), LonghornStyleScanner.Mode.LONGHORN).scan();
        }
        System.out.println();

        List<String> rows = new ArrayList<>();
        try (S3ObjectSource s3 = server.source("bench")) {
            // (a) cheap path
            Measured<Map<String, Backup>> cheap = null;
            for (int r = 0; r < rounds; r++) {
                cheap = measure(() -> {
                    try (BackupstoreCatalog c = BackupstoreCatalog.builder(s3, target).concurrency(concurrency).build()) {
                        return new Measured<>(c.newestCompleteBackups(), c.requestCounts(), 0, 0);
                    }
                });
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < volumes; i++) {
                names.add(volumeName(i));
            }
            Measured<Map<String, Backup>> known = null;
            for (int r = 0; r < rounds; r++) {
                known = measure(() -> {
                    try (BackupstoreCatalog c = BackupstoreCatalog.builder(s3, target).concurrency(concurrency).build()) {
                        return new Measured<>(c.newestCompleteBackups(names), c.requestCounts(), 0, 0);
                    }
                });
            }
            Measured<Map<String, Backup>> cheapDir = null;
            DirectoryObjectSource dir = DirectoryObjectSource.of(base.resolve("bench"));
            BackupTarget dirTarget = BackupTarget.directory(base.resolve("bench"));
            for (int r = 0; r < rounds; r++) {
                cheapDir = measure(() -> {
                    try (BackupstoreCatalog c = BackupstoreCatalog.builder(dir, dirTarget).concurrency(concurrency).build()) {
                        return new Measured<>(c.newestCompleteBackups(), c.requestCounts(), 0, 0);
                    }
                });
            }

            // (b) full scan vs Longhorn-style baseline, alternating
            Measured<CatalogScan> ours = null;
            Measured<LonghornStyleScanner.Result> baseline = null;
            Measured<LonghornStyleScanner.Result> lean = null;
            for (int r = 0; r < rounds; r++) {
                baseline = measure(() -> {
                    CountingObjectSource counting = CountingObjectSource.wrap(s3);
                    LonghornStyleScanner.Result res = new LonghornStyleScanner(counting, BackupstoreLayout.of(target),
                            LonghornStyleScanner.Mode.LONGHORN).scan();
                    return new Measured<>(res, counting.counts(), 0, 0);
                });
                lean = measure(() -> {
                    CountingObjectSource counting = CountingObjectSource.wrap(s3);
                    LonghornStyleScanner.Result res = new LonghornStyleScanner(counting, BackupstoreLayout.of(target),
                            LonghornStyleScanner.Mode.LEAN).scan();
                    return new Measured<>(res, counting.counts(), 0, 0);
                });
                ours = measure(() -> {
                    try (BackupstoreCatalog c = BackupstoreCatalog.builder(s3, target).concurrency(concurrency).build()) {
                        return new Measured<>(c.scanAll(), c.requestCounts(), 0, 0);
                    }
                });
            }
            check(cheap.value(), ours.value(), baseline.value(), volumes, backups);
            check(cheapDir.value(), ours.value(), baseline.value(), volumes, backups);
            check(cheap.value(), ours.value(), lean.value(), volumes, backups);
            check(known.value(), ours.value(), baseline.value(), volumes, backups);

            double bw = secs(baseline.nanos());
            rows.add(row("(a) newest complete backup of every volume, S3Proxy (only honours `/` delimiters)",
                    cheap, volumes, bw));
            rows.add(row("(a) the same, volume names known (e.g. from the cluster's PVs): no listing", known, volumes, bw));
            rows.add(row("(a) the same store read as a mounted directory (one rolled-up listing)", cheapDir, volumes, bw));
            rows.add(row("(b) full scan of " + volumes * backups + " backups, dr-s3", ours, volumes, bw));
            rows.add(row("(b) full scan, baseline: Longhorn manager's first sync, sequential", baseline, volumes, bw));
            rows.add(row("(b) full scan, lean sequential scan (no connection tests, volume.cfg read once)", lean, volumes, bw)
                    + String.format(Locale.ROOT, " dr-s3 is %.1fx faster than this one", secs(lean.nanos()) / secs(ours.nanos())));
        }

        // (c) heap with very large cfgs
        String heap = "";
        if (largeCfgs > 0) {
            try (S3ObjectSource big = server.createBucket("bigcfg")) {
                BackupTarget bigTarget = BackupTarget.parse("s3://bigcfg@us-east-1/");
                BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(base.resolve("bigcfg")), bigTarget, 99);
                BackupstoreWriter.VolumeWriter v = w.volume("pvc-huge").size(1L << 42).metadataOnly().pvc("data/huge");
                int entries = (int) ((long) largeMb * 1_000_000 / 107);
                long total = 0;
                for (int i = 0; i < largeCfgs; i++) {
                    total += v.largeSyntheticBackup(String.format("backup-huge%012d", i), T0.plusSeconds(86_400L * i), entries).cfgBytes();
                }
                w = null;
                v = null;
                Measured<CatalogScan> oursHeap = measure(() -> {
                    try (BackupstoreCatalog c = BackupstoreCatalog.builder(big, bigTarget).concurrency(concurrency).build()) {
                        return new Measured<>(c.scanAll(), c.requestCounts(), 0, 0);
                    }
                });
                Measured<LonghornStyleScanner.Result> baseHeap = measure(() -> {
                    CountingObjectSource counting = CountingObjectSource.wrap(big);
                    return new Measured<>(new LonghornStyleScanner(counting, BackupstoreLayout.of(bigTarget),
                            LonghornStyleScanner.Mode.LEAN).scan(),
                            counting.counts(), 0, 0);
                });
                double oursMib = Math.max(1, oursHeap.peakHeap() / 1048576.0);
                heap = String.format(Locale.ROOT, "| (c) scan of %d cfgs of %.0f MB each (%d blocks listed in each) | "
                        + "%s MiB (dr-s3) vs %.0f MiB (baseline) | %.0fx less | %.2f s vs %.2f s |%n",
                        largeCfgs, total / 1e6 / largeCfgs, entries,
                        oursHeap.peakHeap() < 1048576 ? "< 1" : String.format(Locale.ROOT, "%.0f", oursMib),
                        baseHeap.peakHeap() / 1048576.0, baseHeap.peakHeap() / 1048576.0 / oursMib,
                        secs(oursHeap.nanos()), secs(baseHeap.nanos()));
            }
        }

        System.out.println("| measurement | requests (LIST / GET / HEAD) | requests per volume | wall time | vs baseline full scan |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
        if (!heap.isEmpty()) {
            System.out.println();
            System.out.println("| measurement | peak heap during the scan | ratio | wall time |");
            System.out.println("|---|---|---|---|");
            System.out.print(heap);
        }
        System.out.printf(Locale.ROOT, "%nMax heap %d MiB. Rerun: java -cp dr-examples/target/dr-examples.jar %s --volumes %d --backups %d "
                + "--blocks %d --concurrency %d --large-cfg-mb %d --large-cfgs %d --rounds %d%n",
                Runtime.getRuntime().maxMemory() >> 20, CatalogBenchmark.class.getName(), volumes, backups, blocks,
                concurrency, largeMb, largeCfgs, rounds);
    }

    private static String row(String what, Measured<?> m, int volumes, double baselineSecs) {
        RequestCounts c = m.counts();
        double s = secs(m.nanos());
        return String.format(Locale.ROOT, "| %s | %d / %d / %d | %.2f (%.2f GET + %.2f LIST) | %.2f s | %s |", what, c.list(),
                c.get(), c.head(), (double) c.reads() / volumes, (double) c.get() / volumes, (double) c.list() / volumes, s,
                s >= baselineSecs * 0.999 && s <= baselineSecs * 1.001 ? "1.0x (baseline)"
                        : String.format(Locale.ROOT, "%.1fx faster", baselineSecs / s));
    }

    private static void check(Map<String, Backup> newest, CatalogScan scan, LonghornStyleScanner.Result base, int volumes,
                              int backups) {
        if (newest.size() != volumes || scan.volumes().size() != volumes || scan.backupCount() != volumes * backups
                || base.backups() != volumes * backups || base.newestComplete().size() != volumes) {
            throw new IllegalStateException("benchmark results disagree: cheap path " + newest.size() + " volumes, scan "
                    + scan.volumes().size() + "/" + scan.backupCount() + ", baseline " + base.volumes() + "/" + base.backups());
        }
        base.newestComplete().forEach((v, b) -> {
            if (!newest.get(v).name().equals(b)) {
                throw new IllegalStateException("newest backup of " + v + ": dr-s3 " + newest.get(v).name() + ", baseline " + b);
            }
        });
    }

    /** A value with its cost. */
    record Measured<T>(T value, RequestCounts counts, long nanos, long peakHeap) {
    }

    /** Runs {@code work} once: its wall time and the peak heap above what was live before it (after a GC). */
    static <T> Measured<T> measure(Supplier<Measured<T>> work) {
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long used0 = heapPools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        long t = System.nanoTime();
        Measured<T> m = work.get();
        long nanos = System.nanoTime() - t;
        long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Measured<>(m.value(), m.counts(), nanos, Math.max(0, peak - used0));
    }

    /**
     * Creates bucket {@code bucket} through S3 and writes the store straight into S3Proxy's filesystem directory
     * ({@code base/<bucket>/<key>}), which S3Proxy then serves: a hundred times faster than 20,000 PUTs.
     */
    private static long store(EmbeddedS3Server server, Path base, String bucket, int volumes, int backups, int blocks)
            throws Exception {
        try (S3ObjectSource s3 = server.createBucket(bucket)) {
            return populate(DirectoryObjectSource.of(base.resolve(bucket)), BackupTarget.parse("s3://" + bucket + "@us-east-1/"),
                    volumes, backups, blocks);
        }
    }

    private static long populate(io.drkit.s3.WritableObjectSource sink, BackupTarget target, int volumes, int backups,
                                 int blocks) throws Exception {
        BackupstoreWriter w = BackupstoreWriter.create(sink, target, 2026);
        Map<String, String> jobLabels = new RecurringJobInfo(Optional.of("nightly"), Map.of("nightly",
                new RecurringJobInfo.VolumeJob("nightly", "backup", "0 3 * * *", 20, List.of("default"), List.of("default"),
                        false))).toLabels();
        List<Integer> indexes = java.util.stream.IntStream.range(0, volumes).boxed().toList();
        List<Long> written = Parallel.of("bench-populate", 8).map("writing the benchmark store", indexes,
                Cancellation.none(), (vi, c) -> {
                    long slots = 4L * blocks;
                    BackupstoreWriter.VolumeWriter v = w.volume(volumeName(vi))
                            .size(slots * (2 << 20)).metadataOnly().pvc("team-" + (vi % 37) + "/data-" + vi)
                            .storageClass("longhorn").label("longhorn.io/volume-access-mode", "rwo");
                    jobLabels.forEach(v::label);
                    long bytes = 0;
                    for (int b = 0; b < backups; b++) {
                        int changed = b == 0 ? blocks : Math.max(1, blocks / 20);
                        bytes += v.backup(String.format("backup-%04x%012x", vi, b), T0.plusSeconds(86_400L * b),
                                cw -> cw.spread(changed, slots * (2 << 20), 2 << 20)).cfgBytes();
                    }
                    return bytes;
                });
        return written.stream().mapToLong(Long::longValue).sum();
    }

    private static String volumeName(int i) {
        return String.format("pvc-%08x-%04d", i * 2654435761L & 0xffffffffL, i);
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return def;
    }
}

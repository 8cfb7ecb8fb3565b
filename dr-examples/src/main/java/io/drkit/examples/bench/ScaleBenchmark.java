package io.drkit.examples.bench;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.examples.bench.CatalogBenchmark.Measured;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Scale benchmark of the raw-backupstore catalog on an embedded S3 server (S3Proxy, filesystem store, loopback): a
 * store of many volumes with many backups each (by default 10,000 x 20 = 200,000 backup cfgs), and a growth series
 * (1,000 to 10,000 volumes) that shows the cost per volume stays flat: nothing is quadratic in volumes or backups.
 * For each store size:
 * <ol>
 *   <li>newest complete backup of every volume ({@link BackupstoreCatalog#newestCompleteBackups()});</li>
 *   <li>full scan of every backup ({@link BackupstoreCatalog#scanAll()});</li>
 *   <li>{@code dr plan --all --offline}: the restore planner over the catalog for every volume;</li>
 *   <li>the baseline from the same run: the full scan as Longhorn's manager does it ({@link LonghornStyleScanner},
 *       sequential, one engine call per volume and per backup).</li>
 * </ol>
 * Each reports wall time, requests per volume, the peak heap above the heap live before it, the heap live after a GC
 * with its result still held, and GC time (run with {@code -Xmx256m} to show the catalog fits in 256 MiB). Each
 * phase's result is dropped before the next phase runs (only its figures are kept), so a phase's heap is its own,
 * and each row is printed as soon as it is measured. The store is generated fast: one volume is written with
 * {@link BackupstoreWriter} as a template, then its cfgs are copied for every volume straight into S3Proxy's
 * directory, each volume recording its own PVC (so {@code plan --all} plans one claim per volume).
 *
 * <p>Not a test: prints Markdown tables. Usage (defaults in brackets): {@code ScaleBenchmark
 * [--series 1000,2500,5000,10000] [--backups 20] [--concurrency 16] [--baseline-up-to 10000] [--store s3]}
 * ({@code --help} prints it); the baseline runs only for stores of at most {@code --baseline-up-to} volumes (it is
 * sequential and slow); {@code --store directory} reads the same store as a mounted directory instead of through
 * S3Proxy.
 */
public final class ScaleBenchmark {
    private static final Instant T0 = Instant.parse("2026-01-01T03:00:00Z");
    private static final String TEMPLATE = "pvc-template0000-0000";
    private static final String TEMPLATE_BACKUP_PREFIX = "backup-ffff";

    private ScaleBenchmark() {
    }

    /**
     * One measurement's figures, without its result: a phase's result (200,000 {@code Backup}s for a full scan of
     * 10,000 x 20) is dropped before the next phase runs, so each phase's heap is its own.
     *
     * @param counts    requests sent
     * @param nanos     wall time
     * @param peakHeap  peak heap above what was live before the phase (garbage included; the sum of each pool's
     *                  peak, which may exceed the maximum heap as the pools peak at different times)
     * @param peakLive  the most heap left after any collection during the phase: the phase's live set at its largest
     * @param liveHeap  heap live after a GC at the end of the phase, its result still referenced
     * @param gcMillis  time the JVM spent collecting during the phase
     */
    private record Figures(RequestCounts counts, long nanos, long peakHeap, long peakLive, long liveHeap,
                           long gcMillis) {
    }

    /** One store size's figures, for the growth table. */
    private record Row(int volumes, Figures newest, Figures scan, Figures plan) {
    }

    private static final String USAGE = """
            Usage: ScaleBenchmark [options]   (run with -Xmx256m to show the catalog fits in 256 MiB)
              --series N,N,...       store sizes in volumes (default 1000,2500,5000,10000)
              --backups N            backups per volume (default 20)
              --concurrency N        catalog concurrency (default 16)
              --baseline-up-to N     run the sequential Longhorn-style baseline only for stores of at most N volumes
                                     (default 10000; 0: never)
              --store s3|directory   read the store through S3Proxy (default) or as a mounted directory
              --help                 this text
            Each row is printed as soon as it is measured; store creation times go to standard error.""";

    /** Entry point. */
    public static void main(String... args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        int[] series = Arrays.stream(stringArg(args, "--series", "1000,2500,5000,10000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int backups = Integer.parseInt(stringArg(args, "--backups", "20"));
        int concurrency = Integer.parseInt(stringArg(args, "--concurrency", "16"));
        int baselineUpTo = Integer.parseInt(stringArg(args, "--baseline-up-to", "10000"));
        boolean directory = stringArg(args, "--store", "s3").equals("directory");
        Path base = Files.createTempDirectory("drkit-scale-bench");
        System.out.printf(Locale.ROOT, "# dr-s3 scale benchmark: %s volumes x %d backups, concurrency %d, %d cores, "
                        + "Java %s, max heap %d MiB%n", Arrays.toString(series), backups, concurrency,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        List<Row> rows = new ArrayList<>();
        dropCancelledServerTimers();
        try (EmbeddedS3Server server = EmbeddedS3Server.startFilesystem(base)) {
            Map<String, byte[]> template = template(base.resolve("template"), backups);
            measureOne(server, base, "warmup", Math.min(200, series[0]), backups, concurrency, template, true,
                    directory, false);
            System.out.println();
            System.out.println("| volumes x backups | measurement | requests per volume | wall time | ms per volume "
                    + "| peak heap (pool peaks summed, garbage included) | largest heap left after a GC "
                    + "| live heap after a GC (this result held) | GC time | vs baseline (same run) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (int volumes : series) {
                rows.add(measureOne(server, base, "scale-" + volumes, volumes, backups, concurrency, template,
                        volumes <= baselineUpTo, directory, true));
            }
        } finally {
            Trees.delete(base);
        }
        print(rows, concurrency, baselineUpTo, args);
    }

    /**
     * The embedded S3Proxy runs in this JVM and wraps every object it serves in the AWS SDK's
     * {@code ResponseInputStream}, which queues a 60 s timer task on a static SDK executor that keeps it, cancelled,
     * until its delay passes: 150,000 tasks (11 MB) at the full scan's GET rate, heap a store on another host would
     * not cost. The benchmark makes that executor drop cancelled tasks (dr-s3's own GETs queue none); if the SDK's
     * internals change, nothing is done.
     */
    private static void dropCancelledServerTimers() {
        try {
            java.lang.reflect.Field f = Class.forName("software.amazon.awssdk.core.ResponseInputStream$TimeoutScheduler")
                    .getDeclaredField("INSTANCE");
            f.setAccessible(true);
            if (f.get(null) instanceof java.util.concurrent.ScheduledThreadPoolExecutor e) {
                e.setRemoveOnCancelPolicy(true);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("# could not make the SDK's body timer drop cancelled tasks: " + e);
        }
    }

    /** Runs one phase: its figures, with the live heap measured while its result is still held. */
    private static <T> Figures phase(Supplier<Measured<T>> work, Consumer<T> check) {
        try (HeapWatch watch = new HeapWatch()) { // measure() collects first: the watch sees that baseline
            long gc0 = gcMillis();
            Measured<T> m = CatalogBenchmark.measure(work);
            long gc = gcMillis() - gc0;
            long peakLive = watch.peakLiveAfterGc();
            check.accept(m.value());
            long live = liveHeap();
            // m (and its value) is dropped when this returns
            return new Figures(m.counts(), m.nanos(), m.peakHeap(), peakLive, live, gc);
        }
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
    }

    private static Row measureOne(EmbeddedS3Server server, Path base, String bucket, int volumes, int backups,
                                  int concurrency, Map<String, byte[]> template, boolean baseline, boolean directory,
                                  boolean printRows) throws Exception {
        long t = System.nanoTime();
        try (S3ObjectSource bucketSource = server.createBucket(bucket)) {
            long files = populate(base.resolve(bucket), volumes, template);
            if (printRows) {
                System.err.printf(Locale.ROOT, "# %d volumes: %d files written in %.1f s%n", volumes, files,
                        (System.nanoTime() - t) / 1e9);
            }
            ObjectSource s3 = directory ? DirectoryObjectSource.of(base.resolve(bucket)) : bucketSource;
            BackupTarget target = directory ? BackupTarget.directory(base.resolve(bucket))
                    : BackupTarget.parse("s3://" + bucket + "@us-east-1/");
            String size = String.format(Locale.ROOT, "%,d x %d", volumes, backups);
            // only the newest backup's name per volume is kept, for the baseline's check
            Map<String, String> newestNames = new HashMap<>();
            Figures newest = phase(() -> {
                try (BackupstoreCatalog c = BackupstoreCatalog.builder(s3, target).concurrency(concurrency).build()) {
                    return new Measured<>(c.newestCompleteBackups(), c.requestCounts(), 0, 0);
                }
            }, m -> {
                if (m.size() != volumes) {
                    throw new IllegalStateException("newest of " + m.size() + " volumes, expected " + volumes);
                }
                if (baseline) {
                    m.forEach((v, b) -> newestNames.put(v, b.name()));
                }
            });
            printRow(printRows, size, "newest complete backup of every volume", newest, volumes, false);
            Figures scan = phase(() -> {
                try (BackupstoreCatalog c = BackupstoreCatalog.builder(s3, target).concurrency(concurrency).build()) {
                    return new Measured<>(c.scanAll(), c.requestCounts(), 0, 0);
                }
            }, sc -> checkScan(volumes, backups, sc));
            printRow(printRows, size, "full scan of " + String.format(Locale.ROOT, "%,d", (long) volumes * backups)
                    + " backups", scan, volumes, false);
            Figures plan = phase(() -> {
                try (BackupstoreCatalog c = BackupstoreCatalog.builder(s3, target).concurrency(concurrency).build()) {
                    RestorePlan p = RestorePlanner.withClock(Clock.fixed(T0.plusSeconds(86_400L * (backups + 1)),
                            ZoneOffset.UTC)).plan(RestoreRequest.all(), c, ClusterState.offline());
                    return new Measured<>(p, c.requestCounts(), 0, 0);
                }
            }, p -> {
                if (printRows) {
                    System.err.printf(Locale.ROOT, "# plan --all of %d volumes: %d steps, %d skips%n", volumes,
                            p.steps().size(), p.skips().size());
                }
            });
            printRow(printRows, size, "`dr plan --all --offline` (planner over the catalog)", plan, volumes, false);
            Figures longhorn = !baseline ? null : phase(() -> {
                CountingObjectSource counting = CountingObjectSource.wrap(s3);
                LonghornStyleScanner.Result res = new LonghornStyleScanner(counting, BackupstoreLayout.of(target),
                        LonghornStyleScanner.Mode.LONGHORN).scan();
                return new Measured<>(res, counting.counts(), 0, 0);
            }, res -> checkBaseline(newestNames, res));
            if (longhorn != null) {
                printRow(printRows, size, "baseline: full scan as Longhorn's manager does it (sequential)", longhorn,
                        volumes, true);
                double baseSecs = longhorn.nanos() / 1e9;
                if (printRows) {
                    System.out.printf(Locale.ROOT, "| %s | same run, vs baseline | newest %.1fx, scan %.1fx, plan %.1fx "
                                    + "faster | | | | | | | |%n", size, baseSecs / (newest.nanos() / 1e9),
                            baseSecs / (scan.nanos() / 1e9), baseSecs / (plan.nanos() / 1e9));
                }
            }
            return new Row(volumes, newest, scan, plan);
        } finally {
            Trees.delete(base.resolve(bucket));
        }
    }

    /** Heap still live after a GC (the caller still references the measured call's result). */
    private static long liveHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void checkScan(int volumes, int backups, CatalogScan scan) {
        if (scan.volumes().size() != volumes || scan.backupCount() != (long) volumes * backups
                || !scan.skipped().isEmpty()) {
            throw new IllegalStateException("incomplete view: scan of " + scan.volumes().size() + " volumes / "
                    + scan.backupCount() + " backups, " + scan.skipped().size() + " skipped; expected " + volumes
                    + " x " + backups);
        }
    }

    private static void checkBaseline(Map<String, String> newest, LonghornStyleScanner.Result baseline) {
        baseline.newestComplete().forEach((v, b) -> {
            if (!b.equals(newest.get(v))) {
                throw new IllegalStateException("newest backup of " + v + ": dr-s3 " + newest.get(v) + ", baseline " + b);
            }
        });
    }

    /**
     * The files of one volume with {@code backups} backups (a volume.cfg and its backup cfgs, two blocks listed in
     * each, metadata only), by path relative to the volume's directory, written once with {@link BackupstoreWriter}.
     */
    private static Map<String, byte[]> template(Path dir, int backups) throws Exception {
        BackupTarget target = BackupTarget.directory(dir);
        BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(dir), target, 2026);
        long slots = 64;
        BackupstoreWriter.VolumeWriter v = w.volume(TEMPLATE).size(slots * (2 << 20)).metadataOnly()
                .pvc("team/" + TEMPLATE).storageClass("longhorn"); // renamed per volume: one claim each
        for (int b = 0; b < backups; b++) {
            v.backup(String.format(Locale.ROOT, "%s%012x", TEMPLATE_BACKUP_PREFIX, b), T0.plusSeconds(86_400L * b),
                    c -> c.spread(2, slots * (2 << 20), 2 << 20));
        }
        Path volumeDir = dir.resolve(BackupstoreLayout.of(target).volumeDir(TEMPLATE));
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(volumeDir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files.put(volumeDir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        Trees.delete(dir);
        return files;
    }

    /**
     * Writes {@code volumes} copies of the template volume into S3Proxy's directory of a bucket; returns the files.
     * Each file gets the last-modified time Longhorn's writes would have given it (a backup cfg when its backup
     * completed, {@code volume.cfg} after the newest backup): S3 listings carry it and the newest-backup search uses
     * it, so files copied within one second would make every backup cfg a candidate and measure a copied bucket's
     * worst case instead of a store Longhorn wrote.
     */
    private static long populate(Path bucketDir, int volumes, Map<String, byte[]> template) {
        int backups = (int) template.keySet().stream().filter(k -> k.endsWith(".cfg") && k.contains("backup_")).count();
        BackupstoreLayout layout = BackupstoreLayout.of(BackupTarget.parse("s3://x@us-east-1/"));
        List<Integer> indexes = IntStream.range(0, volumes).boxed().toList();
        Parallel.of("bench-populate", 4).map("writing the scale benchmark store", indexes, Cancellation.none(),
                (vi, c) -> {
                    String name = volumeName(vi);
                    String prefix = String.format(Locale.ROOT, "backup-%04x", vi);
                    Path dir = bucketDir.resolve(layout.volumeDir(name));
                    for (Map.Entry<String, byte[]> f : template.entrySet()) {
                        Path file = dir.resolve(f.getKey().replace(TEMPLATE_BACKUP_PREFIX, prefix));
                        String text = new String(f.getValue(), StandardCharsets.UTF_8).replace(TEMPLATE, name)
                                .replace(TEMPLATE_BACKUP_PREFIX, prefix);
                        Files.createDirectories(file.getParent());
                        Files.writeString(file, text);
                        Files.setLastModifiedTime(file, FileTime.from(writtenAt(f.getKey(), backups)));
                    }
                    return null;
                });
        return (long) volumes * template.size();
    }

    /** When Longhorn would have written the template file {@code relative} of a volume with {@code backups} backups. */
    private static Instant writtenAt(String relative, int backups) {
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        if (file.startsWith("backup_" + TEMPLATE_BACKUP_PREFIX) && file.endsWith(".cfg")) {
            long b = Long.parseLong(file.substring(("backup_" + TEMPLATE_BACKUP_PREFIX).length(), file.length() - 4), 16);
            return T0.plusSeconds(86_400L * b + 60);
        }
        if (file.equals("volume.cfg")) {
            return T0.plusSeconds(86_400L * backups + 120);
        }
        return T0;
    }

    private static String volumeName(int i) {
        return String.format(Locale.ROOT, "pvc-%08x-%04d", i * 2654435761L & 0xffffffffL, i);
    }

    private static void print(List<Row> rows, int concurrency, int baselineUpTo, String[] args) {
        if (rows.size() > 1) {
            Row first = rows.get(0);
            Row last = rows.get(rows.size() - 1);
            System.out.println();
            System.out.println("Growth from " + first.volumes() + " to " + last.volumes() + " volumes ("
                    + String.format(Locale.ROOT, "%.1fx", (double) last.volumes() / first.volumes())
                    + " the volumes; linear cost keeps the per-volume figures flat, quadratic would multiply them by "
                    + "the same factor):");
            System.out.println();
            System.out.println("| measurement | ms per volume, smallest | ms per volume, largest | ratio "
                    + "| requests per volume, smallest | requests per volume, largest |");
            System.out.println("|---|---|---|---|---|---|");
            growth("newest complete backup", first.newest(), first.volumes(), last.newest(), last.volumes());
            growth("full scan", first.scan(), first.volumes(), last.scan(), last.volumes());
            growth("plan --all", first.plan(), first.volumes(), last.plan(), last.volumes());
        }
        System.out.printf(Locale.ROOT, "%nMax heap %d MiB. Rerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar %s %s%n",
                Runtime.getRuntime().maxMemory() >> 20, ScaleBenchmark.class.getName(),
                args.length == 0 ? "--series 1000,2500,5000,10000 --backups 20 --concurrency " + concurrency
                        + " --baseline-up-to " + baselineUpTo : String.join(" ", args));
    }

    private static void growth(String what, Figures a, int va, Figures b, int vb) {
        double ma = a.nanos() / 1e6 / va;
        double mb = b.nanos() / 1e6 / vb;
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", what, ma, mb, mb / ma,
                (double) a.counts().reads() / va, (double) b.counts().reads() / vb);
    }

    /** Prints one measurement's row at once (and flushes), so a later phase that hangs loses nothing. */
    private static void printRow(boolean print, String size, String what, Figures f, int volumes, boolean baseline) {
        if (!print) {
            return;
        }
        RequestCounts c = f.counts();
        double s = f.nanos() / 1e9;
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f (%d LIST, %d GET, %d HEAD) | %.2f s | %.2f | %.0f MiB "
                        + "| %.0f MiB | %.0f MiB | %.1f s | %s |%n", size, what, (double) c.reads() / volumes, c.list(),
                c.get(), c.head(), s, s * 1000 / volumes, f.peakHeap() / 1048576.0, f.peakLive() / 1048576.0,
                f.liveHeap() / 1048576.0,
                f.gcMillis() / 1000.0, baseline ? "1.0x (baseline)" : "");
        System.out.flush();
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

package io.drkit.s3;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.internal.BlockFetcher;
import io.drkit.s3.internal.CfgParser;
import io.drkit.s3.internal.VolumeCheck;
import io.drkit.s3.internal.VolumeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that Longhorn backups can be restored, before a restore needs them: one backup, every backup of a volume, or
 * the whole store, at a chosen {@link VerifyLevel} (existence of every block, a reproducible random sample of blocks
 * downloaded and verified, or all of them).
 *
 * <p>Blocks are deduplicated per volume, so one bad block breaks every backup that shares it (Longhorn #4571, #7069,
 * #9765). The verifier checks each distinct block of a volume once, however many backups reference it, and reports
 * per backup every missing and corrupt block with the offsets that use it and the other backups that reference it.
 * {@link VerificationResult#status()} and {@link VerificationResult#exitCode()} give the verdict a CI job or the
 * restore job acts on.
 *
 * <p>Read-only (takes no backupstore lock, like Longhorn's own listing and inspection). A backup that Longhorn deletes
 * during the run is reported as skipped, not as damaged. Memory: the distinct blocks of the largest volume (50 to 100
 * bytes each) plus the block buffers ({@link Builder#memoryLimit}). Thread-safe; runs may overlap.
 *
 * <pre>{@code
 * BackupVerifier verifier = BackupVerifier.builder(source, target).level(VerifyLevel.SAMPLED).sampleFraction(0.05)
 *         .seed(42).build();
 * VerificationResult r = verifier.verifyAll();
 * System.exit(r.exitCode());
 * }</pre>
 */
public final class BackupVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(BackupVerifier.class);

    private final CountingObjectSource source;
    private final BackupTarget target;
    private final BackupstoreLayout layout;
    private final VerifyLevel level;
    private final double fraction;
    private final long seed;
    private final int concurrency;
    private final VerifyListener listener;
    private final VolumeCheck.Settings settings;

    private BackupVerifier(Builder b) {
        this.source = CountingObjectSource.wrap(b.source);
        this.target = b.target;
        this.layout = BackupstoreLayout.of(b.target);
        this.level = b.level;
        this.fraction = b.level == VerifyLevel.SAMPLED ? b.fraction : b.level == VerifyLevel.FULL ? 1 : 0;
        this.seed = b.seed != null ? b.seed : ThreadLocalRandom.current().nextLong();
        this.concurrency = b.concurrency;
        this.listener = b.listener;
        this.settings = new VolumeCheck.Settings(source, layout, new BlockFetcher(source, b.readAttempts, b.retryBackoff),
                level, fraction, seed, b.presence, b.concurrency, b.memoryLimit, b.executor, b.listener);
    }

    /** A builder for verifications of the store in {@code source}, whose backup URLs name {@code target}. */
    public static Builder builder(ObjectSource source, BackupTarget target) {
        return new Builder(source, target);
    }

    /** The seed that picks the sample (given, or chosen at random when the verifier was built). */
    public long seed() {
        return seed;
    }

    /** {@link #verifyBackup(String, String, Cancellation)}, not cancellable from outside. */
    public VerificationResult verifyBackup(String volumeName, String backupName) {
        return verifyBackup(volumeName, backupName, Cancellation.none());
    }

    /**
     * Verifies one backup. Its blast radius (which other backups share its bad blocks) is computed only when it has
     * bad blocks.
     *
     * @throws NotFoundException when the volume or backup does not exist, or the backup is still in progress
     * @throws io.drkit.core.CancelledException when cancelled
     */
    public VerificationResult verifyBackup(String volumeName, String backupName, Cancellation cancel) {
        long started = System.nanoTime();
        RequestCounts before = source.counts();
        VolumeConfig cfg = readVolume(volumeName).orElseThrow(() -> new NotFoundException("backup volume " + volumeName
                + " not found in " + describe() + " (no " + layout.volumeCfg(volumeName) + ")"));
        try (BackupstoreCatalog catalog = catalog()) {
            Map<String, String> problems = new LinkedHashMap<>();
            List<Backup> scope = new ArrayList<>();
            Optional<Backup> found = catalog.findBackup(volumeName, backupName);
            if (found.isEmpty()) {
                String key = layout.backupCfg(volumeName, backupName);
                Optional<SkippedEntry> skip = catalog.skippedEntries().stream().filter(e -> e.location().equals(key))
                        .findFirst();
                if (skip.isEmpty() || source.head(key).isEmpty()) {
                    throw new NotFoundException("backup " + backupName + " of volume " + volumeName + " not found in "
                            + describe());
                }
                problems.put(backupName, "backup cfg " + key + " cannot be read: " + skip.get().detail());
            } else if (!found.get().isComplete()) {
                throw new NotFoundException("backup " + backupName + " of volume " + volumeName
                        + " is not complete (still in progress, or failed): nothing to verify");
            } else {
                scope.add(found.get());
            }
            Supplier<List<Backup>> all = () -> catalog.listBackups(volumeName).stream().filter(Backup::isComplete).toList();
            List<Job> jobs = List.of(new Job(cfg.toBackupVolume(layout.volumeDir(volumeName)), cfg.blockCount(), scope,
                    problems, all));
            return run(jobs, List.of(), cancel, started, before);
        }
    }

    /** {@link #verifyVolume(String, Cancellation)}, not cancellable from outside. */
    public VerificationResult verifyVolume(String volumeName) {
        return verifyVolume(volumeName, Cancellation.none());
    }

    /**
     * Verifies every complete backup of one volume; unreadable backup cfgs are reported damaged, in-progress backups
     * skipped.
     *
     * @throws NotFoundException when the volume does not exist
     */
    public VerificationResult verifyVolume(String volumeName, Cancellation cancel) {
        long started = System.nanoTime();
        RequestCounts before = source.counts();
        try (BackupstoreCatalog catalog = catalog()) {
            BackupVolume v = catalog.getBackupVolume(volumeName);
            List<Backup> backups = catalog.listBackups(volumeName);
            List<SkippedEntry> skipped = new ArrayList<>();
            Job job = job(v, blockCount(v.name()), backups, catalog.skippedEntries(), skipped);
            return run(List.of(job), skipped, cancel, started, before);
        }
    }

    /** {@link #verifyAll(Cancellation)}, not cancellable from outside. */
    public VerificationResult verifyAll() {
        return verifyAll(Cancellation.none());
    }

    /** Verifies every complete backup of every volume in the store (volumes one after the other). */
    public VerificationResult verifyAll(Cancellation cancel) {
        return verifyShard(VerifyShard.all(), cancel);
    }

    /** {@link #verifyShard(VerifyShard, Cancellation)}, not cancellable from outside. */
    public VerificationResult verifyShard(VerifyShard shard) {
        return verifyShard(shard, Cancellation.none());
    }

    /**
     * Verifies every complete backup of the volumes in {@code shard} (see {@link VerifyShard}: a stable, disjoint
     * partition of the store's volumes by name), like {@link #verifyAll(Cancellation)} does for all of them. The whole
     * store's metadata is scanned (cheap next to the blocks); only the shard's volumes are verified. Skipped entries are
     * reported by the shard of their volume; entries outside any volume (system backups, junk) by shard 0 only.
     */
    public VerificationResult verifyShard(VerifyShard shard, Cancellation cancel) {
        Objects.requireNonNull(shard, "shard");
        long started = System.nanoTime();
        RequestCounts before = source.counts();
        try (BackupstoreCatalog catalog = catalog()) {
            CatalogScan scan = catalog.scanAll(CatalogListener.NONE, cancel);
            List<SkippedEntry> skipped = new ArrayList<>();
            List<Job> jobs = new ArrayList<>();
            for (BackupVolume v : scan.volumes()) {
                if (shard.contains(v.name())) {
                    jobs.add(job(v, blockCount(v.name()), scan.backups().getOrDefault(v.name(), List.of()),
                            scan.skipped(), null));
                }
            }
            // everything the scan skipped, except the unreadable cfgs reported as damaged backups
            java.util.Set<String> problemKeys = new java.util.HashSet<>();
            for (Job j : jobs) {
                j.problems().keySet().forEach(n -> problemKeys.add(layout.backupCfg(j.volume().name(), n)));
            }
            scan.skipped().stream().filter(e -> !problemKeys.contains(e.location()))
                    .filter(e -> volumeOf(e.location()).map(shard::contains).orElse(shard.index() == 0))
                    .forEach(skipped::add);
            return run(jobs, skipped, cancel, started, before);
        }
    }

    /** The volume a key or directory of the store belongs to ({@code .../volumes/<h1>/<h2>/<volume>/...}). */
    private Optional<String> volumeOf(String location) {
        String root = layout.volumesRoot();
        if (!location.startsWith(root)) {
            return Optional.empty();
        }
        String[] parts = location.substring(root.length()).split("/");
        return parts.length >= 3 && !parts[2].isEmpty() ? Optional.of(parts[2]) : Optional.empty();
    }

    private record Job(BackupVolume volume, long storedBlocks, List<Backup> scope, Map<String, String> problems,
                       Supplier<List<Backup>> allComplete) {
    }

    /** The job for one volume: complete backups in scope, unreadable cfgs as problems, in-progress ones skipped. */
    private Job job(BackupVolume v, long storedBlocks, List<Backup> backups, List<SkippedEntry> skips,
                    List<SkippedEntry> skippedOut) {
        List<Backup> complete = backups.stream().filter(Backup::isComplete).toList();
        Map<String, String> problems = new LinkedHashMap<>();
        String dir = layout.backupsDir(v.name());
        for (SkippedEntry e : skips) {
            if (!e.location().startsWith(dir)) {
                continue;
            }
            Optional<String> name = BackupstoreLayout.backupNameOf(e.location());
            boolean unreadable = e.reason() == SkippedEntry.Reason.INVALID_DATA || e.reason() == SkippedEntry.Reason.UNREADABLE;
            // a cfg that vanished between listing and reading was deleted: not damage (the catalog's wording)
            if (name.isPresent() && unreadable && !e.detail().startsWith("vanished")) {
                problems.put(name.get(), "backup cfg " + e.location() + " cannot be read: " + e.detail());
            } else if (skippedOut != null) {
                skippedOut.add(e);
            }
        }
        return new Job(v, storedBlocks, complete, problems, () -> complete);
    }

    private VerificationResult run(List<Job> jobs, List<SkippedEntry> skipped, Cancellation cancel, long started,
                                   RequestCounts before) {
        Cancellation c = cancel == null ? Cancellation.none() : cancel;
        int backups = jobs.stream().mapToInt(j -> j.scope().size() + j.problems().size()).sum();
        safe(l -> l.verificationStarted(level, jobs.size(), backups));
        List<BackupVerification> reports = new ArrayList<>();
        List<SkippedEntry> skips = new ArrayList<>(skipped);
        long distinct = 0;
        long downloaded = 0;
        for (Job j : jobs) {
            c.throwIfCancelled("verification of " + describe());
            VolumeCheck.Output out = VolumeCheck.run(settings, new VolumeCheck.Input(j.volume(), j.storedBlocks(),
                    j.scope(), j.problems(), j.allComplete()), c);
            out.reports().forEach(r -> safe(l -> l.backupVerified(r)));
            reports.addAll(out.reports());
            skips.addAll(out.vanished());
            distinct += out.distinctBlocks();
            downloaded += out.bytesDownloaded();
        }
        VerifyStatus status = reports.stream().map(BackupVerification::status).reduce(VerifyStatus.OK, VerifyStatus::worst);
        VerificationResult result = new VerificationResult(level, fraction, seed, status, reports, skips, distinct,
                downloaded, source.counts().minus(before), Duration.ofNanos(System.nanoTime() - started));
        safe(l -> l.verificationFinished(result));
        return result;
    }

    private Optional<VolumeConfig> readVolume(String volume) {
        if (!BackupstoreLayout.isValidName(volume)) {
            return Optional.empty();
        }
        String key = layout.volumeCfg(volume);
        try {
            return Optional.of(settings.fetcher().retry().call("reading " + key, Cancellation.none(), () -> {
                try (ObjectStream in = source.get(key)) {
                    return CfgParser.parseVolume(in, key);
                }
            }));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** volume.cfg's BlockCount: about how many block objects the volume has (0 when unknown or not needed). */
    private long blockCount(String volume) {
        if (level == VerifyLevel.FULL) {
            return 0;
        }
        try {
            return readVolume(volume).map(VolumeConfig::blockCount).orElse(0L);
        } catch (RuntimeException e) {
            LOG.debug("cannot read BlockCount of {}: {}", volume, e.getMessage());
            return 0;
        }
    }

    private BackupstoreCatalog catalog() {
        return BackupstoreCatalog.builder(source, target).concurrency(concurrency).cache(false)
                .retries(settings.fetcher().retry().attempts(), settings.fetcher().retry().backoff()).build();
    }

    private String describe() {
        return "Longhorn backupstore " + target;
    }

    private void safe(Consumer<VerifyListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("verify listener threw; ignored", e);
        }
    }

    @Override
    public String toString() {
        return "BackupVerifier[" + describe() + ", " + level + "]";
    }

    /** Builds {@link BackupVerifier}s. Every option has a default. */
    public static final class Builder {
        private final ObjectSource source;
        private final BackupTarget target;
        private VerifyLevel level = VerifyLevel.METADATA;
        private double fraction = 0.05;
        private Long seed;
        private int concurrency = 8;
        private long memoryLimit = 128L << 20;
        private VerifyListener listener = VerifyListener.NONE;
        private PresenceCheck presence;
        private int readAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Executor executor;

        private Builder(ObjectSource source, BackupTarget target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** How deeply to check (default {@link VerifyLevel#METADATA}: no block is downloaded). */
        public Builder level(VerifyLevel level) {
            this.level = Objects.requireNonNull(level, "level");
            return this;
        }

        /** For {@link VerifyLevel#SAMPLED}: the fraction of distinct blocks to download, above 0 and at most 1 (default 0.05). */
        public Builder sampleFraction(double f) {
            if (!(f > 0 && f <= 1)) {
                throw new InvalidInputException("sample fraction must be above 0 and at most 1, not " + f);
            }
            this.fraction = f;
            return this;
        }

        /** The seed that picks the sample (default: random, reported in the result so that a run can be repeated). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Requests (HEADs, block downloads) in flight at once (default 8). */
        public Builder concurrency(int n) {
            if (n < 1) {
                throw new InvalidInputException("verify concurrency must be at least 1, not " + n);
            }
            this.concurrency = n;
            return this;
        }

        /**
         * Most bytes of block buffers (default 128 MiB): full and sampled verification size their download workers by
         * it exactly as a restore does (3 workers for 16 MiB blocks); a limit below one worker's need is an
         * {@link InvalidInputException}.
         */
        public Builder memoryLimit(long bytes) {
            if (bytes < 1) {
                throw new InvalidInputException("memory limit must be positive, not " + bytes);
            }
            this.memoryLimit = bytes;
            return this;
        }

        /** Receives progress (default none). */
        public Builder listener(VerifyListener l) {
            this.listener = l == null ? VerifyListener.NONE : l;
            return this;
        }

        /**
         * Forces how existence is checked at the {@code METADATA} and {@code SAMPLED} levels: {@link PresenceCheck#LISTING}
         * or {@link PresenceCheck#HEAD_PER_BLOCK} (default: whichever takes fewer requests, judged from the number of
         * referenced blocks and {@code volume.cfg}'s {@code BlockCount}).
         */
        public Builder presenceCheck(PresenceCheck method) {
            if (method != null && method != PresenceCheck.LISTING && method != PresenceCheck.HEAD_PER_BLOCK) {
                throw new InvalidInputException("presence can be checked by LISTING or HEAD_PER_BLOCK, not " + method);
            }
            this.presence = method;
            return this;
        }

        /** Attempts per block download on transient failures, and the first wait, doubling (default 3, 200 ms). */
        public Builder retries(int attempts, Duration backoff) {
            if (attempts < 1) {
                throw new InvalidInputException("read attempts must be at least 1, not " + attempts);
            }
            this.readAttempts = attempts;
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Runs workers on the caller's executor (never shut down by the verifier; the calling thread works too and runs
         * what the executor has not started); default own threads per run.
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** Builds the verifier; no request is sent. */
        public BackupVerifier build() {
            return new BackupVerifier(this);
        }
    }
}

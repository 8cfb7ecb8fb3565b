package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.DrException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.BackupVerification;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.BadBlock;
import io.drkit.s3.BlockProblem;
import io.drkit.s3.ListingVisitor;
import io.drkit.s3.ObjectInfo;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.PresenceCheck;
import io.drkit.s3.VerifyLevel;
import io.drkit.s3.VerifyListener;
import io.drkit.s3.VerifyStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the blocks of some backups of one volume. Each distinct block is checked once, however many backups share
 * it:
 * <ol>
 *   <li>stream each backup's {@code Blocks} (never held in memory) into a compact table of distinct blocks;</li>
 *   <li>presence ({@code METADATA}, {@code SAMPLED}): list {@code blocks/} when that takes fewer requests than one
 *       HEAD per block, else HEAD each;</li>
 *   <li>content ({@code SAMPLED}: the sample, {@code FULL}: all): download, decode, verify, with bounded workers;</li>
 *   <li>only when something is bad: stream every complete backup of the volume again to find each bad block's offsets
 *       and every other backup that references it (the blast radius of deduplication).</li>
 * </ol>
 * One class of about 500 lines on purpose: every pass works on the same table of distinct blocks and the same
 * per-backup counters, and the report is built from them; the parts that stand alone are elsewhere
 * ({@link BlockTable}, {@link BlocksReader}, {@link BlockFetcher}, {@link io.drkit.core.Parallel} for the workers).
 */
public final class VolumeCheck {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeCheck.class);
    private static final int LIST_PAGE = 1000;

    /**
     * How verification runs.
     *
     * @param source       the (counting) store
     * @param layout       keys
     * @param fetcher      block reader
     * @param level        depth
     * @param fraction     sample fraction
     * @param seed         sample seed
     * @param forced       a presence method to use instead of choosing, or null
     * @param concurrency  requests in flight
     * @param memoryLimit  bytes of block buffers
     * @param executor     caller's executor or null
     * @param listener     progress
     */
    public record Settings(ObjectSource source, BackupstoreLayout layout, BlockFetcher fetcher, VerifyLevel level,
                           double fraction, long seed, PresenceCheck forced, int concurrency, long memoryLimit,
                           Executor executor, VerifyListener listener) {
    }

    /**
     * What to verify.
     *
     * @param volume       the volume
     * @param storedBlocks about how many block objects the volume has (volume.cfg's {@code BlockCount}), to choose
     *                     between listing and HEAD requests
     * @param scope        complete backups to verify
     * @param problems     backups in scope that cannot be checked at all (name to reason): reported damaged
     * @param allComplete  every complete backup of the volume, newest first (only asked for when something is bad)
     */
    public record Input(BackupVolume volume, long storedBlocks, List<Backup> scope, Map<String, String> problems,
                        Supplier<List<Backup>> allComplete) {
    }

    /**
     * The reports.
     *
     * @param reports         one per backup in scope (and per problem), newest first
     * @param vanished        backups deleted while being verified
     * @param distinctBlocks  distinct blocks looked at
     * @param bytesDownloaded block bytes downloaded
     */
    public record Output(List<BackupVerification> reports, List<SkippedEntry> vanished, long distinctBlocks,
                         long bytesDownloaded) {
    }

    private final Settings s;
    private final Input in;
    private final Cancellation cancel;
    private final String volume;
    private final BlockTable table = new BlockTable();
    private final Map<Integer, String> details = new ConcurrentHashMap<>();
    private final Map<Integer, BlockProblem> problems = new ConcurrentHashMap<>();
    private final List<Backup> scope;
    private final long[] referenced;
    private final long[] picked;
    private final String[] problem;
    private final boolean[] vanished;
    private final AtomicLongArray bytes;
    private final long threshold;
    private final long seedMix;
    private PresenceCheck presence = PresenceCheck.NONE;
    private final Object progressLock = new Object();
    private long checksDone;
    private long checksPlanned;
    private long downloaded;

    private VolumeCheck(Settings s, Input in, Cancellation cancel) {
        this.s = s;
        this.in = in;
        this.cancel = cancel;
        this.volume = in.volume().name();
        List<Backup> oldestFirst = new ArrayList<>(in.scope());
        oldestFirst.sort(Backup.NEWEST_FIRST.reversed());
        this.scope = oldestFirst;
        int n = scope.size();
        this.referenced = new long[n];
        this.picked = new long[n];
        this.problem = new String[n];
        this.vanished = new boolean[n];
        this.bytes = new AtomicLongArray(Math.max(1, n));
        this.threshold = s.fraction() >= 1 ? -1L : (long) (Math.max(0, s.fraction()) * 0x1p63) << 1;
        this.seedMix = s.seed() * 0x9E3779B97F4A7C15L;
    }

    /** Verifies the volume's backups in scope. */
    public static Output run(Settings s, Input in, Cancellation cancel) {
        return new VolumeCheck(s, in, cancel).run();
    }

    private Output run() {
        for (int i = 0; i < scope.size(); i++) {
            readBlocks(i);
        }
        safe(l -> l.volumeStarted(volume, scope.size() + in.problems().size(), table.size()));
        if (table.size() > 0) {
            long content = 0;
            for (int id = 0; id < table.size(); id++) {
                content += table.sampled(id) ? 1 : 0;
            }
            checksPlanned = (s.level() == VerifyLevel.FULL ? 0 : table.size()) + content;
            if (s.level() == VerifyLevel.FULL) {
                presence = PresenceCheck.DOWNLOAD;
            } else {
                checkPresence();
            }
            if (s.level() != VerifyLevel.METADATA) {
                checkContent();
            }
            synchronized (progressLock) {
                checksDone = checksPlanned; // sampled blocks found missing were not downloaded
            }
            checked(0, 0);
        }
        Map<Integer, Map<String, List<Long>>> refs = blastRadius();
        return report(refs);
    }

    // ------------------------------------------------------------------------------------------------ pass 1

    private boolean inSample(byte[] sum) {
        return switch (s.level()) {
            case METADATA -> false;
            case FULL -> true;
            case SAMPLED -> {
                if (threshold == -1L) {
                    yield true;
                }
                long k = 0;
                for (int i = 0; i < 8; i++) {
                    k = k << 8 | (sum[i] & 0xff);
                }
                yield Long.compareUnsigned(mix(k + seedMix), threshold) < 0;
            }
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private void readBlocks(int i) {
        Backup b = scope.get(i);
        String key = s.layout().backupCfg(volume, b.name());
        try {
            int blockSize = Math.toIntExact(Math.min(b.blockSize(), StoreLimits.MAX_BLOCK_SIZE));
            byte codec = (byte) b.compression().ordinal();
            s.fetcher().retry().call("reading the block list of " + key, cancel, () -> {
                BlockEntryCheck check = new BlockEntryCheck(in.volume().size(), blockSize, key);
                referenced[i] = 0; // a retried read starts over (the table keeps what it saw: the same blocks)
                picked[i] = 0;
                try (BlocksReader r = BlocksReader.open(s.source().get(key), key)) {
                    while (r.hasNext()) {
                        byte[] sum = check.check(r.next());
                        boolean sampled = inSample(sum);
                        table.add(sum, blockSize, codec, i, sampled);
                        referenced[i]++;
                        picked[i] += sampled ? 1 : 0;
                        if ((referenced[i] & 0xfff) == 0) {
                            cancel.throwIfCancelled("verification of volume " + volume);
                        }
                    }
                }
                return null;
            });
        } catch (NotFoundException e) {
            vanished[i] = true;
        } catch (InvalidBackupDataException e) {
            problem[i] = e.getMessage();
        }
    }

    // ------------------------------------------------------------------------------------------------ presence

    private void checkPresence() {
        long stored = Math.max(in.storedBlocks(), table.size());
        long pages = stored / LIST_PAGE + 1;
        presence = s.forced() == PresenceCheck.LISTING || s.forced() == PresenceCheck.HEAD_PER_BLOCK ? s.forced()
                : pages < table.size() ? PresenceCheck.LISTING : PresenceCheck.HEAD_PER_BLOCK;
        if (presence == PresenceCheck.LISTING) {
            listBlocks();
        } else {
            headBlocks();
        }
        for (int id = 0; id < table.size(); id++) {
            if (table.state(id) == BlockTable.UNCHECKED) {
                markBad(id, BlockTable.MISSING, BlockProblem.MISSING, "block " + table.hex(id) + " does not exist");
            }
        }
        synchronized (progressLock) {
            checksDone = table.size();
        }
        checked(0, 0);
    }

    private void listBlocks() {
        String dir = s.layout().blocksDir(volume);
        AtomicInteger seen = new AtomicInteger();
        s.source().list(dir, "", new ListingVisitor() {
            @Override
            public void object(ObjectInfo o) {
                if ((seen.incrementAndGet() & 0x3ff) == 0) {
                    cancel.throwIfCancelled("verification of volume " + volume);
                }
                String name = o.name();
                if (!name.endsWith(".blk")) {
                    return;
                }
                String hex = name.substring(0, name.length() - 4);
                if (!Checksums.isValid(hex) || !o.key().equals(s.layout().blockKey(volume, hex))) {
                    return; // not where Longhorn looks for it
                }
                int id = table.find(Checksums.parse(hex));
                if (id >= 0) {
                    present(id, o.size());
                }
            }

            @Override
            public void unreadable(String key, String reason) {
                String name = key.substring(key.lastIndexOf('/') + 1);
                String hex = name.endsWith(".blk") ? name.substring(0, name.length() - 4) : "";
                int id = Checksums.isValid(hex) ? table.find(Checksums.parse(hex)) : -1;
                if (id >= 0) {
                    markBad(id, BlockTable.MISSING, BlockProblem.MISSING, "block " + hex + " is " + reason);
                }
            }
        });
    }

    private void headBlocks() {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        inParallel(workers(s.concurrency()), (index, c) -> {
            int id;
            while (!c.isCancelled() && (id = next.getAndIncrement()) < table.size()) {
                Optional<ObjectInfo> info = s.source().head(s.layout().blockKey(volume, table.hex(id)));
                if (info.isPresent()) {
                    present(id, info.get().size());
                }
                if ((done.incrementAndGet() & 0xff) == 0) {
                    checked(0xff + 1, 0);
                }
            }
        });
    }

    private void present(int id, long size) {
        if (size == 0) {
            markBad(id, BlockTable.CORRUPT, BlockProblem.WRONG_SIZE, "block " + table.hex(id) + " is an empty object");
        } else {
            table.state(id, BlockTable.PRESENT);
        }
    }

    // ------------------------------------------------------------------------------------------------ content

    private void checkContent() {
        List<Integer> ids = new ArrayList<>();
        int maxBlock = 0;
        for (int id = 0; id < table.size(); id++) {
            boolean wanted = s.level() == VerifyLevel.FULL
                    || table.sampled(id) && table.state(id) == BlockTable.PRESENT;
            if (wanted) {
                ids.add(id);
                maxBlock = Math.max(maxBlock, table.blockSize(id));
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        int workers = BlockFetcher.workers(s.concurrency(), ids.size(), s.memoryLimit(), maxBlock);
        int largest = maxBlock;
        AtomicInteger next = new AtomicInteger();
        CompressionMethod[] codecs = CompressionMethod.values();
        inParallel(workers, (index, c) -> {
            byte[] sum = new byte[Checksums.LENGTH];
            try (BlockFetcher.Workspace ws = new BlockFetcher.Workspace()) {
                ws.ensure(largest); // once, for the largest block: never grown by copying
                int n;
                while (!c.isCancelled() && (n = next.getAndIncrement()) < ids.size()) {
                    int id = ids.get(n);
                    table.checksum(id, sum);
                    String hex = Checksums.hex(sum, 0);
                    BlockFetcher.Outcome o = s.fetcher().fetch(s.layout().blockKey(volume, hex), hex, sum,
                            codecs[table.codec(id)], table.blockSize(id), ws, c);
                    switch (o.status()) {
                        case OK -> table.state(id, o.fallback() ? BlockTable.FALLBACK : BlockTable.INTACT);
                        case MISSING -> markBad(id, BlockTable.MISSING, o.problem(), o.detail());
                        case CORRUPT -> markBad(id, BlockTable.CORRUPT, o.problem(), o.detail());
                    }
                    if (o.fallback()) {
                        details.put(id, "stored as " + o.codec() + ", recorded as " + codecs[table.codec(id)]);
                    }
                    bytes.addAndGet(table.firstUser(id), o.storedBytes());
                    checked(1, o.storedBytes());
                }
            }
        });
    }

    /** Runs {@code count} workers of this volume's verification. */
    private void inParallel(int count, Parallel.Worker worker) {
        Parallel.of("drkit-verify", count).on(s.executor()).workers("verification of volume " + volume, count, cancel,
                worker);
    }

    private int workers(int max) {
        return Math.max(1, Math.min(max, table.size()));
    }

    private void markBad(int id, byte state, BlockProblem p, String detail) {
        table.state(id, state);
        problems.put(id, p);
        details.put(id, detail);
        String hex = table.hex(id);
        safe(l -> l.badBlock(volume, hex, p, detail));
    }

    /** Counts {@code n} more checks and reports the running totals (one listener call at a time, monotonic). */
    private void checked(long n, long bytesDownloaded) {
        synchronized (progressLock) {
            checksDone = Math.min(checksPlanned, checksDone + n);
            downloaded += bytesDownloaded;
            long d = checksDone;
            long b = downloaded;
            safe(l -> l.blocksChecked(volume, d, checksPlanned, b));
        }
    }

    // ------------------------------------------------------------------------------------------------ pass 2

    /** Bad and fallback block id to backup name to offsets, over every complete backup of the volume. */
    private Map<Integer, Map<String, List<Long>>> blastRadius() {
        boolean any = false;
        for (int id = 0; id < table.size() && !any; id++) {
            any = table.bad(id) || table.state(id) == BlockTable.FALLBACK;
        }
        Map<Integer, Map<String, List<Long>>> refs = new HashMap<>();
        if (!any) {
            return refs;
        }
        for (Backup b : in.allComplete().get()) {
            String key = s.layout().backupCfg(volume, b.name());
            try {
                Map<Integer, List<Long>> found = s.fetcher().retry().call("reading the block list of " + key, cancel,
                        () -> references(key));
                found.forEach((id, offsets) -> refs.computeIfAbsent(id, k -> new LinkedHashMap<>())
                        .computeIfAbsent(b.name(), k -> new ArrayList<>()).addAll(offsets));
            } catch (DrException e) {
                if (e instanceof io.drkit.core.CancelledException c) {
                    throw c;
                }
                LOG.debug("blast radius: skipping backup {} of {}: {}", b.name(), volume, e.getMessage());
            }
        }
        return refs;
    }

    /** One attempt: the offsets at which the backup at {@code key} uses each bad or fallback block. */
    private Map<Integer, List<Long>> references(String key) {
        Map<Integer, List<Long>> found = new HashMap<>();
        try (BlocksReader r = BlocksReader.open(s.source().get(key), key)) {
            long n = 0;
            while (r.hasNext()) {
                BlockMapping m = r.next();
                if ((++n & 0xfff) == 0) {
                    cancel.throwIfCancelled("verification of volume " + volume);
                }
                if (!Checksums.isValid(m.checksum())) {
                    continue;
                }
                int id = table.find(Checksums.parse(m.checksum()));
                if (id >= 0 && (table.bad(id) || table.state(id) == BlockTable.FALLBACK)) {
                    found.computeIfAbsent(id, k -> new ArrayList<>()).add(m.offset());
                }
            }
        }
        return found;
    }

    // ------------------------------------------------------------------------------------------------ reports

    private Output report(Map<Integer, Map<String, List<Long>>> refs) {
        List<BackupVerification> reports = new ArrayList<>();
        List<SkippedEntry> gone = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < scope.size(); i++) {
            total += bytes.get(i);
        }
        for (int i = scope.size() - 1; i >= 0; i--) {
            Backup b = scope.get(i);
            String cfgKey = s.layout().backupCfg(volume, b.name());
            if (vanished[i]) {
                gone.add(new SkippedEntry(cfgKey, SkippedEntry.Reason.UNREADABLE, "deleted during verification"));
                continue;
            }
            if (problem[i] != null) {
                reports.add(new BackupVerification(volume, b.name(), VerifyStatus.DAMAGED, referenced[i], 0, 0,
                        List.of(), List.of(), 0, bytes.get(i), PresenceCheck.NONE, Optional.of(problem[i])));
                continue;
            }
            List<BadBlock> missing = new ArrayList<>();
            List<BadBlock> corrupt = new ArrayList<>();
            long fallbacks = 0;
            for (Map.Entry<Integer, Map<String, List<Long>>> e : new TreeMap<>(refs).entrySet()) {
                int id = e.getKey();
                List<Long> offsets = e.getValue().get(b.name());
                if (offsets == null) {
                    continue;
                }
                if (table.state(id) == BlockTable.FALLBACK) {
                    fallbacks++;
                    continue;
                }
                List<String> others = e.getValue().keySet().stream().filter(n -> !n.equals(b.name())).toList();
                List<Long> sorted = offsets.stream().sorted().toList();
                String hex = table.hex(id);
                BadBlock bad = new BadBlock(hex, s.layout().blockKey(volume, hex), problems.get(id),
                        details.getOrDefault(id, ""), sorted, others);
                (table.state(id) == BlockTable.MISSING ? missing : corrupt).add(bad);
            }
            if (!missing.isEmpty() || !corrupt.isEmpty()) {
                // deleted by Longhorn while we looked (its GC removes blocks after the cfg)? then it is not damage
                if (s.source().head(cfgKey).isEmpty()) {
                    gone.add(new SkippedEntry(cfgKey, SkippedEntry.Reason.UNREADABLE, "deleted during verification"));
                    continue;
                }
            }
            missing.sort(Comparator.comparing(x -> x.offsets().get(0)));
            corrupt.sort(Comparator.comparing(x -> x.offsets().get(0)));
            VerifyStatus status = !missing.isEmpty() || !corrupt.isEmpty() ? VerifyStatus.DAMAGED
                    : fallbacks > 0 ? VerifyStatus.WARNING : VerifyStatus.OK;
            PresenceCheck method = referenced[i] == 0 ? PresenceCheck.NONE : presence;
            reports.add(new BackupVerification(volume, b.name(), status, referenced[i], referenced[i], picked[i],
                    missing, corrupt, fallbacks, bytes.get(i), method, Optional.empty()));
        }
        in.problems().forEach((name, why) -> reports.add(new BackupVerification(volume, name, VerifyStatus.DAMAGED, 0,
                0, 0, List.of(), List.of(), 0, 0, PresenceCheck.NONE, Optional.of(why))));
        return new Output(reports, gone, table.size(), total);
    }

    private void safe(Consumer<VerifyListener> call) {
        try {
            call.accept(s.listener());
        } catch (RuntimeException e) {
            LOG.warn("verify listener threw; ignored", e);
        }
    }
}

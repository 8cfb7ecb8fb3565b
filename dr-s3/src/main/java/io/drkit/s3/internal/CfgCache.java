package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectInfo;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.ObjectStream;
import java.util.Optional;

/**
 * Reads a backupstore's {@code volume.cfg} files and backup cfg metadata, and keeps what it parsed with the entity tag
 * (else size and modification time) the store gave, so that a later read of an object listed unchanged costs no
 * request: a second full scan re-reads only what changed. A cfg that cannot be used is skipped (through the
 * {@link SkipRegistry}) and remembered as such until it changes.
 *
 * <p>Backup metadata is read with a ranged GET of the cfg's first bytes and a streaming parser that stops at
 * {@code Blocks}; only longer metadata costs a second, streaming GET. Transient read failures are retried by the
 * {@link ReadRetry}. Thread-safe.
 */
public final class CfgCache {
    private final ObjectSource source;
    private final BackupstoreLayout layout;
    private final BackupTarget target;
    private final ReadRetry retry;
    private final int prefixBytes;
    private final boolean cacheEnabled;
    private final SkipRegistry skips;
    private final CfgLru<Cached<?>> cache;
    private final SharedMaps maps = new SharedMaps();

    /**
     * What is kept of one read: the object's version as the store described it (size, entity tag, modification
     * second: not its key, which is the cache's key) and the parsed value, or the problem that made it skipped.
     */
    private record Cached<T>(long size, String etag, long modifiedSecond, T value, SkippedEntry problem) {
        Cached(ObjectInfo info, T value, SkippedEntry problem) {
            this(info.size(), info.etag(), info.lastModified().getEpochSecond(), value, problem);
        }

        /** Whether {@code listed} is the version this was read from (entity tag, else size and modification time). */
        boolean sameVersion(ObjectInfo listed) {
            if (listed == null || listed.size() != size) {
                return false;
            }
            if (!etag.isEmpty() && !listed.etag().isEmpty()) {
                return etag.equals(listed.etag());
            }
            return listed.lastModified().getEpochSecond() == modifiedSecond;
        }

        long estimatedBytes() {
            long n = CfgLru.MemoryEstimate.OBJECT + str(etag);
            if (problem != null) {
                n += CfgLru.MemoryEstimate.OBJECT + str(problem.location()) + str(problem.detail());
            }
            if (value instanceof BackupConfig b) {
                n += CfgLru.MemoryEstimate.OBJECT + str(b.name()) + str(b.volumeName()) + str(b.snapshotName())
                        + str(b.snapshotCreatedAt()) + str(b.createdTime()) + str(b.compressionMethod())
                        + CfgLru.MemoryEstimate.map(b.labels()) + CfgLru.MemoryEstimate.map(b.parameters());
            } else if (value instanceof VolumeConfig v) {
                n += 2 * CfgLru.MemoryEstimate.OBJECT + str(v.name()) + str(v.createdTime()) + str(v.lastBackupName())
                        + str(v.lastBackupAt()) + str(v.backingImageName()) + str(v.backingImageChecksum())
                        + str(v.compressionMethod()) + str(v.storageClassName()) + str(v.dataEngine())
                        + CfgLru.MemoryEstimate.map(v.labels());
            }
            return n;
        }

        private static long str(String s) {
            return CfgLru.MemoryEstimate.string(s);
        }
    }

    /**
     * A reader of {@code source}.
     *
     * @param target      names the backups' URLs
     * @param prefixBytes bytes of a backup cfg read by the first ranged GET
     * @param enabled     whether parsed objects are kept
     * @param budgetBytes estimated heap the kept objects may take; beyond it the least recently used are forgotten
     */
    public CfgCache(ObjectSource source, BackupstoreLayout layout, BackupTarget target, ReadRetry retry, int prefixBytes,
                    boolean enabled, long budgetBytes, SkipRegistry skips) {
        this.source = source;
        this.layout = layout;
        this.target = target;
        this.retry = retry;
        this.prefixBytes = prefixBytes;
        this.cacheEnabled = enabled && budgetBytes > 0;
        this.cache = new CfgLru<>(cacheEnabled ? budgetBytes : 0, Cached::estimatedBytes);
        this.skips = skips;
    }

    /** Estimated heap held by the kept objects (never above the budget). */
    public long estimatedBytes() {
        return cache.estimatedBytes();
    }

    /** Objects kept. */
    public int cachedObjects() {
        return cache.size();
    }

    /** Objects forgotten so far to stay within the budget. */
    public long evictions() {
        return cache.evictions();
    }

    @SuppressWarnings("unchecked")
    private <T> Cached<T> cached(String key) {
        return (Cached<T>) cache.get(key);
    }

    /**
     * The volume.cfg of a volume directory a discovery found; empty (and skipped) when it has none, is the lock
     * directory of backing-image backups, or its cfg is unusable.
     */
    public Optional<VolumeConfig> readVolumeDir(StoreIndex.VolumeDir d, SkipRegistry.Scan scan) {
        if (BackupstoreLayout.BACKING_IMAGE_LOCK_VOLUME.equals(d.name())) {
            skips.skip(d.dir(), SkippedEntry.Reason.NO_VOLUME_CFG, "lock directory of Longhorn's backing-image backups", scan);
            return Optional.empty();
        }
        if (d.contentsKnown() && d.volumeCfg() == null) {
            skips.skip(d.dir(), SkippedEntry.Reason.NO_VOLUME_CFG, "directory has no volume.cfg (partly deleted volume?)", scan);
            return Optional.empty();
        }
        Optional<VolumeConfig> v = readVolume(d.name(), d.volumeCfg(), scan);
        if (v.isEmpty() && !skips.contains(d.dir() + BackupstoreLayout.VOLUME_CFG)) {
            skips.skip(d.dir(), SkippedEntry.Reason.NO_VOLUME_CFG, "directory has no volume.cfg (partly deleted volume?)", scan);
        }
        return v;
    }

    /**
     * Reads the volume.cfg of a volume asked for by name: empty when it does not exist; unlike in a scan, a cfg that
     * cannot be parsed ({@link InvalidBackupDataException}) or that the store refuses to serve (access denied,
     * {@link UnavailableException}) fails the call instead of making the volume look absent.
     */
    public Optional<VolumeConfig> readNamedVolume(String volume) {
        return readVolume(volume, null, null, true);
    }

    /** Reads (or reuses) one volume.cfg as listed ({@code listed}: null when not listed); empty when missing or skipped. */
    public Optional<VolumeConfig> readVolume(String volume, ObjectInfo listed, SkipRegistry.Scan scan) {
        return readVolume(volume, listed, scan, false);
    }

    /** Reads (or reuses) one volume.cfg; empty when missing or skipped ({@code named}: bad data and refusals throw). */
    private Optional<VolumeConfig> readVolume(String volume, ObjectInfo listed, SkipRegistry.Scan scan, boolean named) {
        String key = layout.volumeCfg(volume);
        Cached<VolumeConfig> c = cacheEnabled && listed != null ? cached(key) : null;
        if (c != null && c.sameVersion(listed)) {
            if (c.problem() != null) {
                skips.skip(c.problem(), scan);
                return Optional.empty();
            }
            return Optional.of(c.value());
        }
        ObjectInfo info = listed;
        try {
            Parsed<VolumeConfig> read = retry.call("reading " + key, Cancellation.none(), () -> {
                try (ObjectStream in = source.get(key)) {
                    return new Parsed<>(in.info(), CfgParser.parseVolume(in, key));
                }
            });
            info = listed != null ? listed : read.info();
            VolumeConfig v = read.value();
            if (!v.name().isEmpty() && !v.name().equals(volume)) {
                throw new InvalidBackupDataException(key, "volume.cfg names volume '" + v.name() + "' but lives in the directory of '"
                        + volume + "'");
            }
            v.compression();
            VolumeConfig withName = v.withName(volume); // the listed name, shared with the volume's backups
            withName.toBackupVolume(key); // validates times
            cache(key, info, withName, null);
            return Optional.of(withName);
        } catch (NotFoundException e) {
            cache.remove(key);
            return Optional.empty();
        } catch (InvalidBackupDataException e) {
            invalid(key, info, e, scan);
            if (named) {
                throw e;
            }
            return Optional.empty();
        } catch (UnavailableException e) {
            return refused(key, e, named, scan);
        }
    }

    /** Reads (or reuses) one listed backup cfg's metadata; empty when it vanished or is skipped. */
    public Optional<Backup> readBackup(VolumeRef v, String backupName, ObjectInfo listed, SkipRegistry.Scan scan) {
        return readBackup(v, backupName, listed, scan, false);
    }

    /**
     * Reads (or reuses) one backup cfg's metadata; empty when it vanished or is skipped as invalid. {@code named}: a
     * backup asked for by name, where the store refusing access fails the call instead of making it look absent.
     */
    public Optional<Backup> readBackup(VolumeRef v, String backupName, ObjectInfo listed, SkipRegistry.Scan scan,
                                       boolean named) {
        String key = layout.backupCfg(v.name(), backupName);
        Cached<BackupConfig> c = cacheEnabled && listed != null ? cached(key) : null;
        BackupConfig cfg;
        if (c != null && c.sameVersion(listed)) {
            if (c.problem() != null) {
                skips.skip(c.problem(), scan);
                return Optional.empty();
            }
            cfg = c.value();
        } else {
            try {
                ReadResult r = readBackupMetadata(key, backupName, v.name());
                cfg = r.cfg();
                cache(key, listed != null ? listed : r.info(), cfg, null);
            } catch (NotFoundException e) {
                cache.remove(key);
                skips.skip(new SkippedEntry(key, SkippedEntry.Reason.UNREADABLE, "vanished between listing and reading: "
                        + e.getMessage()), scan);
                return Optional.empty();
            } catch (InvalidBackupDataException e) {
                invalid(key, listed, e, scan);
                return Optional.empty();
            } catch (UnavailableException e) {
                return refused(key, e, named, scan);
            }
        }
        if (cfg.inProgress()) {
            skips.skip(new SkippedEntry(key, SkippedEntry.Reason.IN_PROGRESS,
                    "CreatedTime is empty: backup still running or failed; not a restore candidate"), scan);
        }
        return Optional.of(cfg.toBackup(target.backupUrl(backupName, v.name()), v.size(), key));
    }

    private record ReadResult(BackupConfig cfg, ObjectInfo info) {
    }

    /** A parsed object and what the store said about it. */
    private record Parsed<T>(ObjectInfo info, T value) {
    }

    /**
     * Reads backup metadata: a ranged GET of the first bytes, and a streaming GET (stopped at {@code Blocks}) only
     * when the metadata is longer than that.
     */
    private ReadResult readBackupMetadata(String key, String backupName, String volume) {
        Parsed<BackupConfig> prefix = retry.call("reading " + key, Cancellation.none(), () -> {
            try (ObjectStream in = source.getRange(key, 0, prefixBytes)) {
                try {
                    return new Parsed<>(in.info(), CfgParser.parseBackupMetadata(in, key));
                } catch (CfgParser.TruncatedException e) {
                    if (in.info().size() <= prefixBytes) {
                        throw new InvalidBackupDataException(key, "backup cfg is truncated: " + e.getMessage(), e);
                    }
                    return new Parsed<BackupConfig>(in.info(), null);
                }
            }
        });
        Parsed<BackupConfig> whole = prefix.value() != null ? prefix
                : retry.call("reading " + key, Cancellation.none(), () -> {
                    try (ObjectStream in = source.get(key)) {
                        return new Parsed<>(in.info(), CfgParser.parseBackupMetadataComplete(in, key));
                    }
                });
        BackupConfig cfg = whole.value();
        ObjectInfo info = whole.info();
        if (!cfg.name().isEmpty() && !cfg.name().equals(backupName)) {
            throw new InvalidBackupDataException(key, "cfg names backup '" + cfg.name() + "' but its file is backup_"
                    + backupName + ".cfg");
        }
        if (!cfg.volumeName().isEmpty() && !cfg.volumeName().equals(volume)) {
            throw new InvalidBackupDataException(key, "cfg names volume '" + cfg.volumeName() + "' but lives under volume "
                    + volume);
        }
        // the listed names (the volume's shared with its other cfgs) and shared label and parameter maps: a cfg kept
        // costs little more than what is unique to it
        BackupConfig named = new BackupConfig(backupName, volume, cfg.snapshotName(), cfg.snapshotCreatedAt(),
                cfg.createdTime(), cfg.size(), maps.share(cfg.labels()), maps.share(cfg.parameters()),
                cfg.incremental(), cfg.compressionMethod(), cfg.newlyUploadedDataSize(), cfg.reUploadedDataSize(),
                cfg.hasBlocks());
        named.toBackup(null, 0, key); // validates times, compression, block size
        return new ReadResult(named, info);
    }

    /** Skips the cfg at {@code key} as invalid, and remembers that until the object changes. */
    private void invalid(String key, ObjectInfo info, InvalidBackupDataException e, SkipRegistry.Scan scan) {
        SkippedEntry s = new SkippedEntry(key, SkippedEntry.Reason.INVALID_DATA, e.detail());
        cache(key, info, null, s);
        skips.skip(s, scan);
    }

    /**
     * The store failed to serve the cfg at {@code key}: access refused to that one object (401/403) skips it, unless
     * it was asked for by name ({@code named}); any other failure of the store fails the call.
     */
    private <T> Optional<T> refused(String key, UnavailableException e, boolean named, SkipRegistry.Scan scan) {
        int status = e.status().orElse(-1);
        if (named || status != 403 && status != 401) {
            throw e;
        }
        skips.skip(new SkippedEntry(key, SkippedEntry.Reason.UNREADABLE, e.getMessage()), scan);
        return Optional.empty();
    }

    private <T> void cache(String key, ObjectInfo info, T value, SkippedEntry problem) {
        if (cacheEnabled && info != null) {
            cache.put(key, new Cached<>(info, value, problem));
        }
    }
}

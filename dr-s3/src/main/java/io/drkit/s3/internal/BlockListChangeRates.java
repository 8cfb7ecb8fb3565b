package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact change rates of a raw backupstore's backups ({@link ChangeRate.Basis#EXACT}), counted from their
 * {@code Blocks} lists: metadata only, never a block. For {@code count} rates of consecutive backups, each of the
 * {@code count + 1} cfgs is read once, in one streaming GET, checked entry by entry as a restore checks it
 * ({@link BlockEntryCheck}) and spooled to a temporary file of 40 bytes per listed block ({@link BlockListSpool}); two
 * neighbouring spools are compared side by side ({@link BlockListDiff}) and the newer one deleted, so at most two exist
 * at a time. Heap use is constant (plus one bit per block slot of the volume for each spool, at most 16 MiB).
 *
 * <p>Rates are cached by (volume, backup, previous backup): backups do not change once complete, so asking again costs
 * nothing but the backup listing. A list that is malformed, or a cfg that vanished, makes the rates that need it
 * {@link ChangeRate.Basis#UNKNOWN} with the reason; a store that cannot be read fails the call. Thread-safe.
 */
public final class BlockListChangeRates {
    private static final int MAX_CACHED = 10_000;

    private final BackupCatalog catalog;
    private final ObjectSource source;
    private final BackupstoreLayout layout;
    private final ReadRetry retry;
    private final Map<String, ChangeRate> cache = new ConcurrentHashMap<>();

    /**
     * Rates of {@code catalog}'s backups, reading cfgs from {@code source} at {@code layout}'s keys.
     *
     * @param catalog the catalog over the same store (for the volume's size and its list of backups)
     */
    public BlockListChangeRates(BackupCatalog catalog, ObjectSource source, BackupstoreLayout layout, ReadRetry retry) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.source = Objects.requireNonNull(source, "source");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** See {@link ChangeRateSource#changeRates(String, String, int, Cancellation)}. */
    public List<ChangeRate> rates(String volumeName, String newestBackup, int count, Cancellation cancel) {
        return rates(volumeName, null, newestBackup, count, cancel);
    }

    /**
     * See {@link ChangeRateSource#changeRates(String, List, String, int, Cancellation)}: {@code backups} (the
     * volume's, as the catalog listed them) instead of listing them again; null lists them.
     */
    public List<ChangeRate> rates(String volumeName, List<Backup> backups, String newestBackup, int count,
                                  Cancellation cancel) {
        BackupVolume volume = catalog.getBackupVolume(volumeName);
        List<Backup> chain = ChangeRateSource.chain(volumeName, backups != null ? backups
                : catalog.listBackups(volumeName), newestBackup, count);
        Spools spools = new Spools(volume, cancel);
        try {
            return ChangeRateSource.pairwise(volumeName, chain, count, (b, prev) -> rate(volume, b, prev, spools, cancel));
        } finally {
            spools.close();
        }
    }

    private ChangeRate rate(BackupVolume volume, Backup b, Backup prev, Spools spools, Cancellation cancel) {
        String key = volume.name() + "/" + b.name() + "/" + prev.name();
        ChangeRate cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        if (b.blockSize() != prev.blockSize()) {
            return ChangeRate.unknown(volume.name(), b.name(), prev.name(), "block sizes differ (" + b.blockSize()
                    + " and " + prev.blockSize() + " bytes): the block lists cannot be compared");
        }
        Spooled newer = spools.get(b);
        Spooled older = spools.get(prev);
        if (newer.problem != null || older.problem != null) {
            return ChangeRate.unknown(volume.name(), b.name(), prev.name(), newer.problem != null ? newer.problem
                    : older.problem);
        }
        BlockListDiff.Counts counts = BlockListDiff.compare(newer.spool, older.spool, (int) b.blockSize(), cancel);
        ChangeRate r = ChangeRate.exact(volume.name(), b.name(), prev.name(), counts.changed(), counts.compared());
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, r);
        return r;
    }

    /** A spooled list, or why there is none. */
    private record Spooled(BlockListSpool spool, String problem) {
    }

    /** The spools of one call: at most the two newest needed are kept, older ones are never needed again. */
    private final class Spools {
        private final BackupVolume volume;
        private final Cancellation cancel;
        private final List<Map.Entry<String, Spooled>> open = new ArrayList<>();

        Spools(BackupVolume volume, Cancellation cancel) {
            this.volume = volume;
            this.cancel = cancel;
        }

        Spooled get(Backup b) {
            for (Map.Entry<String, Spooled> e : open) {
                if (e.getKey().equals(b.name())) {
                    return e.getValue();
                }
            }
            while (open.size() >= 2) {
                close(open.remove(0).getValue()); // pairs go from newest to oldest: the first one is done
            }
            Spooled s = read(b);
            open.add(Map.entry(b.name(), s));
            return s;
        }

        private Spooled read(Backup b) {
            String key = layout.backupCfg(volume.name(), b.name());
            try {
                return new Spooled(BlockListSpool.read(source, retry, key, volume.size(), Math.toIntExact(b.blockSize()),
                        cancel), null);
            } catch (InvalidBackupDataException e) {
                return new Spooled(null, "block list of " + b.name() + " is malformed: " + e.getMessage());
            } catch (NotFoundException e) {
                return new Spooled(null, "backup cfg of " + b.name() + " vanished: " + e.getMessage());
            } catch (ArithmeticException e) {
                return new Spooled(null, "block size " + b.blockSize() + " of " + b.name() + " is too large");
            }
        }

        void close() {
            open.forEach(e -> close(e.getValue()));
            open.clear();
        }

        private void close(Spooled s) {
            if (s.spool != null) {
                s.spool.close();
            }
        }
    }
}

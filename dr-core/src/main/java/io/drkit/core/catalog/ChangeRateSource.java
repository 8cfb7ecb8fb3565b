package io.drkit.core.catalog;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.Backup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An optional capability of a {@link BackupCatalog}: how much of its volume each backup changed
 * ({@link ChangeRate}). Catalogs over a raw backupstore count it from the block lists ({@link ChangeRate.Basis#EXACT});
 * catalogs over Longhorn's REST API or CRDs estimate it from the uploaded byte counts Longhorn reports
 * ({@link ChangeRate.Basis#ESTIMATE}); {@link ChangeRates#of(BackupCatalog)} answers
 * {@link ChangeRate.Basis#UNKNOWN} for catalogs without it. Implementations are thread-safe and read only what the
 * asked rates need; each documents its cost.
 *
 * <p>The backup before a backup is the next one of the same volume in {@link NewestBackupRule#completeNewestFirst}
 * order: in-progress and failed backups are never compared with.
 */
public interface ChangeRateSource {
    /** The most rates one call may ask for. */
    int MAX_COUNT = 1000;

    /**
     * The change rates of up to {@code count} consecutive complete backups of {@code volumeName}, newest first,
     * starting with {@code newestBackup}, each against the complete backup before it. Fewer come back when the volume
     * has fewer backups; the oldest backup of a volume has an {@link ChangeRate.Basis#UNKNOWN} rate (nothing to
     * compare with), and so does a {@code newestBackup} that is not complete (the only element then).
     *
     * @throws NotFoundException             when the volume or the backup does not exist
     * @throws InvalidInputException         when {@code count} is not from 1 to {@link #MAX_COUNT}
     * @throws io.drkit.core.UnavailableException when the backend cannot be read
     * @throws io.drkit.core.CancelledException  when cancelled
     */
    List<ChangeRate> changeRates(String volumeName, String newestBackup, int count, Cancellation cancellation);

    /**
     * {@link #changeRates(String, String, int, Cancellation)} for a caller that already holds the volume's backups
     * ({@code backups}, as {@link BackupCatalog#listBackups} gave them, e.g. a planner that just chose among them): an
     * implementation may compare those instead of asking its backend for the list again, which, on a catalog whose
     * cache cannot hold a whole store, would read every cfg of the volume a second time. The default ignores them.
     *
     * @throws NotFoundException when the volume or the backup does not exist
     */
    default List<ChangeRate> changeRates(String volumeName, List<Backup> backups, String newestBackup, int count,
                                         Cancellation cancellation) {
        return changeRates(volumeName, newestBackup, count, cancellation);
    }

    /** {@link #changeRates(String, String, int, Cancellation)} without cancellation. */
    default List<ChangeRate> changeRates(String volumeName, String newestBackup, int count) {
        return changeRates(volumeName, newestBackup, count, Cancellation.none());
    }

    /**
     * The change rate of one backup against the complete backup before it.
     *
     * @throws NotFoundException when the volume or the backup does not exist
     */
    default ChangeRate changeRate(String volumeName, String backupName) {
        return changeRates(volumeName, backupName, 1).get(0);
    }

    /**
     * The backups a {@link #changeRates} call compares, from a volume's backups (any order, complete or not):
     * {@code newestBackup} and up to {@code count} complete backups before it, newest first ({@code count + 1}
     * elements when the volume has them). A {@code newestBackup} that exists but is not complete gives a list of that
     * one backup. For implementations, so that every backend compares the same backups.
     *
     * @throws NotFoundException     when no backup is named {@code newestBackup}
     * @throws InvalidInputException when {@code count} is out of range
     */
    static List<Backup> chain(String volumeName, Collection<Backup> backups, String newestBackup, int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new InvalidInputException("change rates: count must be from 1 to " + MAX_COUNT + ", got " + count);
        }
        Optional<Backup> named = backups.stream().filter(b -> b.name().equals(newestBackup)).findFirst();
        if (named.isEmpty()) {
            throw new NotFoundException("backup " + newestBackup + " of volume " + volumeName + " not found");
        }
        if (!named.get().isComplete()) {
            return List.of(named.get());
        }
        List<Backup> complete = NewestBackupRule.completeNewestFirst(backups);
        int i = complete.indexOf(named.get());
        return new ArrayList<>(complete.subList(i, Math.min(complete.size(), i + count + 1)));
    }

    /**
     * Rates for a {@link #chain} (newest first) computed pair by pair with {@code rate(backup, previous)}: at most
     * {@code count}; the last backup of a chain shorter than {@code count + 1} is the volume's oldest complete backup
     * and unknown, as is an incomplete single backup.
     */
    static List<ChangeRate> pairwise(String volumeName, List<Backup> chain, int count, PairRate rate) {
        boolean reachedOldest = chain.size() <= count;
        List<ChangeRate> out = new ArrayList<>();
        if (chain.size() == 1 && !chain.get(0).isComplete()) {
            out.add(ChangeRate.unknown(volumeName, chain.get(0).name(), null,
                    "backup is not complete (" + chain.get(0).state() + ")"));
            return out;
        }
        for (int i = 0; i < Math.min(count, chain.size()); i++) {
            if (i + 1 < chain.size()) {
                out.add(rate.rate(chain.get(i), chain.get(i + 1)));
            } else if (reachedOldest) {
                out.add(ChangeRate.unknown(volumeName, chain.get(i).name(), null,
                        "the first complete backup of the volume: nothing to compare with"));
            }
        }
        return out;
    }

    /**
     * Estimated rates for backends over Longhorn's own view (REST API, CRDs): each backup's
     * {@code newlyUploadDataSize} over its size ({@link ChangeRate#estimate}). {@code newlyUploaded} gives a backup's
     * value, or a negative number when Longhorn did not report one (before 1.7: the rate is unknown).
     *
     * @param backups every backup of the volume (any order)
     * @throws NotFoundException     when no backup is named {@code newestBackup}
     * @throws InvalidInputException when {@code count} is out of range
     */
    static List<ChangeRate> estimates(String volumeName, Collection<Backup> backups, String newestBackup, int count,
                                      java.util.function.ToLongFunction<Backup> newlyUploaded) {
        return pairwise(volumeName, chain(volumeName, backups, newestBackup, count), count, (b, prev) -> {
            long uploaded = newlyUploaded.applyAsLong(b);
            if (uploaded < 0) {
                return ChangeRate.unknown(volumeName, b.name(), prev.name(), "Longhorn reports no newlyUploadDataSize for "
                        + "this backup (Longhorn before 1.7)");
            }
            return ChangeRate.estimate(volumeName, b.name(), prev.name(), uploaded, b.size(), b.blockSize());
        });
    }

    /** One pair's rate, for {@link #pairwise}. */
    @FunctionalInterface
    interface PairRate {
        /** The rate of {@code backup} against {@code previous}. */
        ChangeRate rate(Backup backup, Backup previous);
    }
}

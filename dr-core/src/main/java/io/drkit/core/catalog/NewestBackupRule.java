package io.drkit.core.catalog;

import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one rule for "the newest complete backup", used by every catalog, view and planner so that {@code dr volumes},
 * {@code dr backups}, {@code dr audit}, {@code dr plan}, the restore Job and the Java API always agree.
 *
 * <p>The rule: among the backups that are {@linkplain Backup#isComplete() complete} (state {@code COMPLETED} with a
 * backup URL), the first in {@link Backup#NEWEST_FIRST} order (point in time, then completion time, then name) wins.
 * In-progress and failed backups never count. The store's last-backup pointer ({@link BackupVolume#lastBackupName()})
 * is a <em>hint</em> that lets a backend skip reading every backup when it is right; it never decides: a pointer that
 * names a missing backup, an incomplete one, or one older than another complete backup of the same volume loses to
 * the rule. {@link #judgePointer} says which of these cases a volume is in, for warnings.
 *
 * <p>Backends with a cheap path (reading only the backup the pointer names) must return exactly what this rule
 * returns on the full {@link BackupCatalog#listBackups(String)} list; the catalog contract tests check that on every
 * backend, including a store whose pointer lags behind.
 */
public final class NewestBackupRule {

    private NewestBackupRule() {
    }

    /** How a volume's last-backup pointer relates to the rule's answer. */
    public enum PointerVerdict {
        /** The pointer names the newest complete backup. */
        AGREES,
        /** The pointer is empty. */
        EMPTY,
        /** The pointer names a backup that does not exist. */
        MISSING,
        /** The pointer names a backup that exists but is not complete (in progress or failed). */
        INCOMPLETE,
        /** The pointer names a complete backup, but a newer complete backup exists. */
        OLDER
    }

    /** The newest complete backup among {@code backups} (any order), if there is one. */
    public static Optional<Backup> newestComplete(Collection<Backup> backups) {
        Backup best = null;
        for (Backup b : backups) {
            if (b.isComplete() && (best == null || Backup.NEWEST_FIRST.compare(b, best) < 0)) {
                best = b;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The newest complete backup among {@code backups} whose point in time is at or before {@code asOf}. Backups
     * without a known point in time never qualify for a point-in-time restore.
     */
    public static Optional<Backup> newestCompleteAtOrBefore(Collection<Backup> backups, Instant asOf) {
        return newestComplete(atOrBefore(backups, asOf));
    }

    /**
     * The complete backups among {@code backups} whose point in time is at or before {@code asOf}, newest first: the
     * candidates of a point-in-time restore (the first one is {@link #newestCompleteAtOrBefore}'s answer).
     */
    public static List<Backup> completeAtOrBeforeNewestFirst(Collection<Backup> backups, Instant asOf) {
        return completeNewestFirst(atOrBefore(backups, asOf));
    }

    private static List<Backup> atOrBefore(Collection<Backup> backups, Instant asOf) {
        Objects.requireNonNull(asOf, "asOf");
        return backups.stream().filter(b -> b.pointInTime().map(t -> !t.isAfter(asOf)).orElse(false)).toList();
    }

    /** The complete backups among {@code backups}, newest first (the rule's order: the first one is the newest). */
    public static List<Backup> completeNewestFirst(Collection<Backup> backups) {
        return backups.stream().filter(Backup::isComplete).sorted(Backup.NEWEST_FIRST).toList();
    }

    /**
     * Whether {@code candidate} would replace {@code current} as the newest complete backup: it is complete and
     * newer by the rule's order ({@code current} may be null). Backends that discover backups incrementally use it.
     */
    public static boolean isNewer(Backup candidate, Backup current) {
        return candidate.isComplete() && (current == null || Backup.NEWEST_FIRST.compare(candidate, current) < 0);
    }

    /**
     * How {@code volume}'s last-backup pointer relates to the rule, given all its backups.
     *
     * @param volume  the backup volume (its pointer)
     * @param backups every backup of that volume, complete or not
     */
    public static PointerVerdict judgePointer(BackupVolume volume, Collection<Backup> backups) {
        Optional<String> pointer = volume.lastBackupName();
        if (pointer.isEmpty()) {
            return PointerVerdict.EMPTY;
        }
        Optional<Backup> named = backups.stream().filter(b -> b.name().equals(pointer.get())).findFirst();
        if (named.isEmpty()) {
            return PointerVerdict.MISSING;
        }
        if (!named.get().isComplete()) {
            return PointerVerdict.INCOMPLETE;
        }
        Optional<Backup> newest = newestComplete(backups);
        return newest.isPresent() && !newest.get().name().equals(pointer.get()) ? PointerVerdict.OLDER
                : PointerVerdict.AGREES;
    }
}

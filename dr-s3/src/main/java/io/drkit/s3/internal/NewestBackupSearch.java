package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds one volume's newest complete backup in a raw backupstore by {@link NewestBackupRule}, reading as few backup
 * cfgs as the last-backup pointer allows. The pointer is a hint, never the answer:
 * <ol>
 *   <li>the cfg the pointer names is read; when it is listed and complete, only the cfgs whose listing
 *       last-modified time is at or after the pointer cfg's are candidates (a backup written after the pointer's:
 *       the pointer's rewrite was lost, or the bucket was copied while it finished) and are read too; in the common
 *       case (the pointer is right) there are none;</li>
 *   <li>when the pointer is empty, names a cfg that is not listed, or one that is in progress or unreadable, every
 *       listed cfg is read;</li>
 *   <li>the answer is the rule's, over every cfg read.</li>
 * </ol>
 * Backup cfgs are written once, when the backup completes (Longhorn rewrites its in-progress cfg in place at the
 * end), so a complete backup newer than the pointer's always has a cfg written after the pointer's. (A backup that
 * started later but completed earlier than the pointer's would not be a candidate; Longhorn's backups of one volume
 * do not overlap that way.)
 *
 * <p>An instance answers a catalog's newest-backup questions with that rule: for one volume, for every volume of one
 * discovery listing, for named volumes, and for volumes a listing returned, whose pointer hints (the cfgs the
 * listing showed at or after the pointer's) it keeps from {@link #remember}. Thread-safe.
 */
public final class NewestBackupSearch {
    private static final Logger LOG = LoggerFactory.getLogger("io.drkit.s3.BackupstoreCatalog");
    private static final String WHAT = "finding the newest backups";

    private final CfgCache cfgs;
    private final StoreDiscovery discovery;
    private final Parallel io;
    private final Map<String, PointerHint> hints = new ConcurrentHashMap<>();

    /**
     * What a discovery listing showed of one volume's backup cfgs, kept for {@link #newestOfListed}: the cfg the
     * pointer names and those written at or after it ({@code complete} false), or every cfg when there are none
     * ({@code complete} true), for the volume value the same listing produced.
     */
    private record PointerHint(BackupVolume volume, Map<String, ObjectInfo> cfgs, boolean complete) {
    }

    /** Reads one listed backup cfg's metadata; empty when it is skipped (vanished, invalid, refused). */
    @FunctionalInterface
    public interface Reader {
        /** Reads backup {@code name}, listed as {@code info}. */
        Optional<Backup> read(String name, ObjectInfo info);
    }

    /** A search reading through {@code cfgs} and {@code discovery}, volumes in parallel on {@code io}. */
    public NewestBackupSearch(CfgCache cfgs, StoreDiscovery discovery, Parallel io) {
        this.cfgs = cfgs;
        this.discovery = discovery;
        this.io = io;
    }

    /**
     * Keeps what a discovery listing showed of {@code volume}'s backup cfgs (directory {@code d}) as its pointer hint,
     * or forgets the hint when the listing did not enumerate them or the pointer is wrong.
     */
    public void remember(StoreIndex.VolumeDir d, BackupVolume volume) {
        Map<String, ObjectInfo> listed = d.backups() == null ? Map.of()
                : pointerAndLater(volume.lastBackupName().orElse(""), d.backups());
        if (!listed.isEmpty()) {
            hints.put(volume.name(), new PointerHint(volume, listed, false));
        } else if (d.backups() != null && d.backups().isEmpty()) {
            hints.put(volume.name(), new PointerHint(volume, Map.of(), true));
        } else {
            hints.remove(volume.name()); // a wrong pointer: newestOfListed lists the backups again
        }
    }

    /** Forgets the hint of a volume a listing no longer returns. */
    public void forget(String volume) {
        hints.remove(volume);
    }

    /** The newest complete backup of one volume: volume.cfg, one listing of backups/, the cfgs the rule needs. */
    public Optional<Backup> newestOf(String volumeName) {
        if (!BackupstoreLayout.isValidName(volumeName)) {
            return Optional.empty();
        }
        return cfgs.readNamedVolume(volumeName).flatMap(v -> newest(v.ref(), discovery.listBackupCfgs(v.name(), null), true));
    }

    /** The newest complete backup of every volume of {@code index}, by volume name. */
    public Map<String, Backup> newestOfAll(StoreIndex index) {
        List<StoreIndex.VolumeDir> dirs = new ArrayList<>(index.volumes().values());
        return byVolume(io.map(WHAT, dirs, Cancellation.none(), (d, c) -> cfgs.readVolumeDir(d, null)
                .flatMap(v -> newest(v.ref(), discovery.listedCfgs(d, null), true))));
    }

    /** The newest complete backup of each named volume, without a discovery listing, by volume name. */
    public Map<String, Backup> newestOfNamed(Collection<String> volumeNames) {
        List<String> names = volumeNames.stream().filter(BackupstoreLayout::isValidName).distinct().toList();
        return byVolume(io.map(WHAT, names, Cancellation.none(), (n, c) -> cfgs.readVolume(n, null, null)
                .flatMap(v -> newest(v.ref(), discovery.listBackupCfgs(v.name(), null), true))));
    }

    /**
     * The newest complete backup of each of {@code volumes} (from a listing), by volume name: from the listing's hint
     * where it has one for the same volume value, else from one listing of the volume's backups/.
     */
    public Map<String, Backup> newestOfListed(List<BackupVolume> volumes) {
        List<BackupVolume> known = volumes.stream().filter(v -> BackupstoreLayout.isValidName(v.name())).toList();
        return byVolume(io.map(WHAT, known, Cancellation.none(), (bv, c) -> {
            VolumeRef v = VolumeRef.of(bv);
            PointerHint hint = hints.get(bv.name());
            if (hint != null && hint.volume().equals(bv)) {
                return newest(v, hint.cfgs(), hint.complete());
            }
            return newest(v, discovery.listBackupCfgs(v.name(), null), true);
        }));
    }

    private static Map<String, Backup> byVolume(List<Optional<Backup>> newest) {
        Map<String, Backup> out = new TreeMap<>();
        newest.forEach(o -> o.ifPresent(b -> out.put(b.volumeName(), b)));
        return out;
    }

    /** The rule's newest complete backup of {@code v} among {@code listed} (all its cfgs, or a pointer hint). */
    private Optional<Backup> newest(VolumeRef v, Map<String, ObjectInfo> listed, boolean complete) {
        Optional<Backup> found = find(v.lastBackupName(), listed, complete,
                () -> discovery.listBackupCfgs(v.name(), null), (name, info) -> cfgs.readBackup(v, name, info, null));
        if (LOG.isDebugEnabled() && found.isPresent() && !found.get().name().equals(v.lastBackupName())) {
            LOG.debug("last-backup pointer of {} names '{}', but the newest complete backup is {}", v.name(),
                    v.lastBackupName(), found.get().name());
        }
        return found;
    }

    /**
     * The cfgs of {@code listed} a search must read when the pointer turns out right: the pointer's and every cfg
     * written at or after it. Empty when the pointer is empty or not listed (then every cfg must be read).
     */
    public static Map<String, ObjectInfo> pointerAndLater(String pointer, Map<String, ObjectInfo> listed) {
        ObjectInfo p = pointer == null || pointer.isEmpty() ? null : listed.get(pointer);
        if (p == null) {
            return Map.of();
        }
        Map<String, ObjectInfo> out = new TreeMap<>();
        listed.forEach((name, info) -> {
            if (name.equals(pointer) || !info.lastModified().isBefore(p.lastModified())) {
                out.put(name, info);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * The newest complete backup, by the rule.
     *
     * @param pointer  the volume's {@code LastBackupName} (may be empty)
     * @param listed   the volume's backup cfgs by name as listed: either all of them, or (from an earlier listing)
     *                 only {@link #pointerAndLater} of them
     * @param complete whether {@code listed} holds every cfg of the volume
     * @param all      lists every cfg of the volume; asked for only when {@code listed} is partial and the pointer
     *                 turns out wrong
     * @param reader   reads one cfg
     */
    public static Optional<Backup> find(String pointer, Map<String, ObjectInfo> listed, boolean complete,
                                        Supplier<Map<String, ObjectInfo>> all, Reader reader) {
        List<Backup> read = new ArrayList<>();
        ObjectInfo p = pointer == null || pointer.isEmpty() ? null : listed.get(pointer);
        if (p != null) {
            Optional<Backup> named = reader.read(pointer, p);
            named.ifPresent(read::add);
            if (named.isPresent() && named.get().isComplete()) {
                pointerAndLater(pointer, listed).forEach((name, info) -> {
                    if (!name.equals(pointer)) {
                        reader.read(name, info).ifPresent(read::add);
                    }
                });
                return NewestBackupRule.newestComplete(read);
            }
        }
        Map<String, ObjectInfo> everything = complete ? listed : all.get();
        everything.forEach((name, info) -> {
            if (p == null || !name.equals(pointer)) {
                reader.read(name, info).ifPresent(read::add);
            }
        });
        return NewestBackupRule.newestComplete(read);
    }
}

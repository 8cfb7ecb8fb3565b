package io.drkit.s3.internal;

import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.model.Backup;
import io.drkit.s3.ObjectInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

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
 * do not overlap that way.) Stateless.
 */
public final class NewestBackupSearch {

    /** Reads one listed backup cfg's metadata; empty when it is skipped (vanished, invalid, refused). */
    @FunctionalInterface
    public interface Reader {
        /** Reads backup {@code name}, listed as {@code info}. */
        Optional<Backup> read(String name, ObjectInfo info);
    }

    private NewestBackupSearch() {
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

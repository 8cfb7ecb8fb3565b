package io.drkit.s3.internal;

import io.drkit.core.catalog.SkippedEntry;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ListingVisitor;
import io.drkit.s3.ObjectInfo;
import io.drkit.s3.ObjectSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What one discovery pass found under {@code backupstore/volumes/}: every volume directory, with its
 * {@code volume.cfg} and backup cfgs where the listing revealed them, and every junk entry to report.
 *
 * <p>Discovery lists the whole {@code volumes/} tree in one paginated listing with a delimiter that rolls up the
 * big sub-trees ({@link #ROLL_UP_ALL} {@code "s/"} rolls up {@code backups/}, {@code blocks/}, {@code locks/};
 * {@link #ROLL_UP_BLOCKS} {@code "/blocks/"} rolls up only {@code blocks/}), instead of Longhorn's one listing
 * per hash directory. Volume names ending in the delimiter's text are rolled up whole and are then read directly.
 * When a store does not honour multi-character delimiters, the listing shows it (objects or prefixes that such a
 * delimiter cannot produce) and the caller falls back to {@link #hierarchical}, which lists level by level as
 * Longhorn does.
 */
public final class StoreIndex {
    /** Delimiter that rolls up {@code backups/}, {@code blocks/} and {@code locks/}: cheapest discovery. */
    public static final String ROLL_UP_ALL = "s/";
    /** Delimiter that rolls up only {@code blocks/}: discovery that also enumerates every backup cfg. */
    public static final String ROLL_UP_BLOCKS = "/blocks/";

    /**
     * One volume directory.
     *
     * @param name          volume name (directory name)
     * @param dir           the directory key, ending with {@code /}
     * @param volumeCfg     the listed {@code volume.cfg}, or null when the listing did not show it
     * @param contentsKnown whether the listing showed the directory's entries (else read them directly)
     * @param hasBackupsDir whether a {@code backups/} prefix was seen (only meaningful when contents are known)
     * @param backups       backup cfgs by backup name, when the listing enumerated them; else null
     */
    public record VolumeDir(String name, String dir, ObjectInfo volumeCfg, boolean contentsKnown, boolean hasBackupsDir,
                            Map<String, ObjectInfo> backups) {
    }

    /** Thrown from inside a listing when the store evidently ignored the delimiter. */
    public static final class DelimiterIgnoredException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DelimiterIgnoredException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, VolumeDir> volumes;
    private final List<SkippedEntry> skipped;
    private final int requests;

    private StoreIndex(Map<String, VolumeDir> volumes, List<SkippedEntry> skipped, int requests) {
        this.volumes = Collections.unmodifiableMap(volumes);
        this.skipped = List.copyOf(skipped);
        this.requests = requests;
    }

    /** Volume directories by name (sorted). */
    public Map<String, VolumeDir> volumes() {
        return volumes;
    }

    /** Junk found on the way. */
    public List<SkippedEntry> skipped() {
        return skipped;
    }

    /** List requests used. */
    public int requests() {
        return requests;
    }

    /**
     * One listing of {@code volumes/} with {@code delimiter}.
     *
     * @throws DelimiterIgnoredException when the store's answer shows it did not apply the delimiter
     */
    public static StoreIndex rolledUp(ObjectSource source, BackupstoreLayout layout, String delimiter) {
        Builder b = new Builder(layout, delimiter);
        int requests;
        try {
            requests = list(source, layout, delimiter, b);
        } catch (io.drkit.core.UnavailableException e) {
            int status = e.status().orElse(-1);
            if (status == 400 || status == 501) {
                // S3Proxy and some gateways accept only "/" as a delimiter and answer 400 InvalidRequest / 501
                throw new DelimiterIgnoredException("store rejected delimiter '" + delimiter + "' (HTTP " + status + ")");
            }
            throw e;
        }
        return b.build(requests);
    }

    private static int list(ObjectSource source, BackupstoreLayout layout, String delimiter, Builder b) {
        return source.list(layout.volumesRoot(), delimiter, new ListingVisitor() {
            @Override
            public void object(ObjectInfo object) {
                b.object(object);
            }

            @Override
            public void commonPrefix(String prefix) {
                b.prefix(prefix);
            }

            @Override
            public void unreadable(String key, String reason) {
                b.skip(key, SkippedEntry.Reason.UNREADABLE, reason);
            }
        });
    }

    /**
     * Longhorn's discovery: list {@code volumes/}, each first-level and each second-level hash directory, with
     * {@code /} as delimiter. Listings of one level run through {@code parallel}.
     */
    public static StoreIndex hierarchical(ObjectSource source, BackupstoreLayout layout,
                                         Function<List<String>, List<io.drkit.s3.ObjectListing>> parallel) {
        Builder b = new Builder(layout, "/");
        AtomicInteger requests = new AtomicInteger();
        List<String> level = List.of(layout.volumesRoot());
        for (int depth = 0; depth < 3; depth++) {
            List<io.drkit.s3.ObjectListing> results = parallel.apply(level);
            List<String> next = new ArrayList<>();
            for (io.drkit.s3.ObjectListing l : results) {
                requests.addAndGet(l.requests());
                l.unreadable().forEach((key, why) -> b.skip(key, SkippedEntry.Reason.UNREADABLE, why));
                l.objects().forEach(b::object);
                for (String p : l.commonPrefixes()) {
                    if (depth < 2) {
                        String seg = p.substring(p.lastIndexOf('/', p.length() - 2) + 1, p.length() - 1);
                        if (BackupstoreLayout.isHashDir(seg)) {
                            next.add(p);
                        } else {
                            b.skip(p, SkippedEntry.Reason.INVALID_NAME, "not a two-digit hash directory");
                        }
                    } else {
                        b.prefix(p);
                    }
                }
            }
            level = next;
        }
        return b.build(requests.get());
    }

    private static final class Builder {
        private final BackupstoreLayout layout;
        private final String root;
        private final String delimiter;
        private final Map<String, MutableDir> dirs = new TreeMap<>();
        private final Map<String, SkippedEntry> skipped = new LinkedHashMap<>();

        Builder(BackupstoreLayout layout, String delimiter) {
            this.layout = layout;
            this.root = layout.volumesRoot();
            this.delimiter = delimiter;
        }

        void skip(String location, SkippedEntry.Reason reason, String detail) {
            skipped.putIfAbsent(location, new SkippedEntry(location, reason, detail));
        }

        void object(ObjectInfo o) {
            String rel = o.key().substring(root.length());
            String[] seg = rel.split("/", 4);
            if (seg.length < 4) {
                String name = seg[seg.length - 1];
                if (BackupstoreLayout.isTempFile(name)) {
                    skip(o.key(), SkippedEntry.Reason.TEMP_FILE, "temporary file left by an interrupted write");
                } else {
                    skip(o.key(), SkippedEntry.Reason.INVALID_NAME, "a file where Longhorn expects only directories");
                }
                return;
            }
            MutableDir d = dir(seg[0], seg[1], seg[2]);
            if (d == null) {
                return;
            }
            d.contentsKnown = true;
            String rest = seg[3];
            if (rest.equals(BackupstoreLayout.VOLUME_CFG)) {
                d.volumeCfg = o;
            } else if (rest.startsWith("backups/")) {
                if (ROLL_UP_ALL.equals(delimiter)) {
                    throw new DelimiterIgnoredException("listing with delimiter '" + delimiter + "' returned " + o.key());
                }
                String file = rest.substring("backups/".length());
                if (file.contains("/")) {
                    skip(o.key(), SkippedEntry.Reason.INVALID_NAME, "nested entry in a backups directory");
                } else if (BackupstoreLayout.backupNameOf(file).isPresent()) {
                    d.backups.put(BackupstoreLayout.backupNameOf(file).get(), o);
                } else if (BackupstoreLayout.isTempFile(file)) {
                    skip(o.key(), SkippedEntry.Reason.TEMP_FILE, "temporary file left by an interrupted write");
                } else {
                    skip(o.key(), SkippedEntry.Reason.INVALID_NAME, "not a backup_<name>.cfg with a name Longhorn accepts");
                }
            } else if (rest.startsWith("blocks/") || rest.startsWith("locks/") && ROLL_UP_ALL.equals(delimiter)) {
                if (!"/".equals(delimiter)) {
                    throw new DelimiterIgnoredException("listing with delimiter '" + delimiter + "' returned " + o.key());
                }
            } else if (BackupstoreLayout.isTempFile(rest)) {
                skip(o.key(), SkippedEntry.Reason.TEMP_FILE, "temporary file left by an interrupted write");
            }
            // anything else (lock files, legacy BackupFiles, stray files) is not catalog data
        }

        void prefix(String p) {
            if (!p.endsWith(delimiter)) {
                throw new DelimiterIgnoredException("listing with delimiter '" + delimiter + "' returned prefix " + p);
            }
            String rel = p.substring(root.length());
            String[] seg = rel.split("/", -1);
            int depth = seg.length - 1; // rel ends with "/", so the last element is empty
            if (depth == 1) {
                skip(p, SkippedEntry.Reason.INVALID_NAME, "not a two-digit hash directory");
                return;
            }
            if (depth == 2) {
                if (!BackupstoreLayout.isHashDir(seg[0])) {
                    skip(root + seg[0] + "/", SkippedEntry.Reason.INVALID_NAME, "not a two-digit hash directory");
                } else {
                    skip(p, SkippedEntry.Reason.INVALID_NAME, "not a two-digit hash directory");
                }
                return;
            }
            MutableDir d = dir(seg[0], seg[1], seg[2]);
            if (d == null) {
                return;
            }
            if (depth == 3) {
                // a volume directory whose contents were rolled up whole (or a level-by-level listing): read it directly
                d.rolledWhole = true;
                return;
            }
            d.contentsKnown = true;
            if (seg[3].equals("backups")) {
                d.hasBackupsDir = true;
            }
        }

        private MutableDir dir(String h1, String h2, String name) {
            String dirKey = root + h1 + "/" + h2 + "/" + name + "/";
            MutableDir existing = dirs.get(dirKey);
            if (existing != null) {
                return existing;
            }
            if (skipped.containsKey(dirKey) || skipped.containsKey(root + h1 + "/") || skipped.containsKey(root + h1 + "/" + h2 + "/")) {
                return null;
            }
            if (!BackupstoreLayout.isHashDir(h1)) {
                skip(root + h1 + "/", SkippedEntry.Reason.INVALID_NAME, "not a two-digit hash directory");
                return null;
            }
            if (!BackupstoreLayout.isHashDir(h2)) {
                skip(root + h1 + "/" + h2 + "/", SkippedEntry.Reason.INVALID_NAME, "not a two-digit hash directory");
                return null;
            }
            if (!BackupstoreLayout.isValidName(name)) {
                skip(dirKey, SkippedEntry.Reason.INVALID_NAME, "volume name '" + (name.length() > 80
                        ? name.substring(0, 80) + "..." : name) + "' is not one Longhorn accepts "
                        + "(^[a-zA-Z0-9][a-zA-Z0-9_.-]+$, at most " + BackupstoreLayout.MAX_NAME_LENGTH
                        + " characters); Longhorn's own listing fails on it");
                return null;
            }
            if (!layout.volumeDir(name).equals(dirKey)) {
                skip(dirKey, SkippedEntry.Reason.INVALID_NAME, "volume directory is not under its hash directory "
                        + layout.volumeDir(name).substring(root.length(), root.length() + 5));
                return null;
            }
            MutableDir d = new MutableDir(name, dirKey);
            dirs.put(dirKey, d);
            return d;
        }

        StoreIndex build(int requests) {
            Map<String, VolumeDir> out = new TreeMap<>();
            for (MutableDir d : dirs.values()) {
                boolean known = d.contentsKnown && !d.rolledWhole && !"/".equals(delimiter);
                Map<String, ObjectInfo> backups = known && ROLL_UP_BLOCKS.equals(delimiter) ? d.backups : null;
                out.put(d.name, new VolumeDir(d.name, d.dir, d.volumeCfg, known, d.hasBackupsDir || !d.backups.isEmpty(),
                        backups == null ? null : Collections.unmodifiableMap(new TreeMap<>(backups))));
            }
            return new StoreIndex(out, new ArrayList<>(skipped.values()), requests);
        }
    }

    private static final class MutableDir {
        final String name;
        final String dir;
        ObjectInfo volumeCfg;
        boolean contentsKnown;
        boolean rolledWhole;
        boolean hasBackupsDir;
        final Map<String, ObjectInfo> backups = new TreeMap<>();

        MutableDir(String name, String dir) {
            this.name = name;
            this.dir = dir;
        }
    }
}

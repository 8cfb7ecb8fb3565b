package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ListingVisitor;
import io.drkit.s3.ObjectInfo;
import io.drkit.s3.ObjectListing;
import io.drkit.s3.ObjectSource;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a backupstore for a catalog: finds the volume directories ({@link StoreIndex}), one volume's backup cfgs, and
 * what lies beside the volumes (system backups, backing images, junk), reporting every entry that is not usable to the
 * {@link SkipRegistry}.
 *
 * <p>Volumes are found with one paginated listing of the whole {@code volumes/} tree, rolled up by a multi-character
 * delimiter; on the first store that shows it does not honour such delimiters, discovery switches for good to
 * Longhorn's level-by-level listing (one listing per hash directory, each level's listings in parallel). Thread-safe.
 */
public final class StoreDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger("io.drkit.s3.BackupstoreCatalog");

    private final ObjectSource source;
    private final BackupstoreLayout layout;
    private final SkipRegistry skips;
    private final Parallel io;
    private volatile boolean levelByLevel;

    /**
     * A discovery of {@code source}.
     *
     * @param io           runs the listings of one level in parallel
     * @param levelByLevel whether to list level by level from the start
     */
    public StoreDiscovery(ObjectSource source, BackupstoreLayout layout, SkipRegistry skips, Parallel io,
                          boolean levelByLevel) {
        this.source = source;
        this.layout = layout;
        this.skips = skips;
        this.io = io;
        this.levelByLevel = levelByLevel;
    }

    /** Whether discovery lists level by level (chosen, or switched to because the store requires it). */
    public boolean levelByLevel() {
        return levelByLevel;
    }

    /** Every volume directory, listed with {@code delimiter} where the store allows; junk goes to the registry. */
    public StoreIndex discover(String delimiter, SkipRegistry.Scan scan) {
        StoreIndex index = null;
        if (!levelByLevel) {
            try {
                index = StoreIndex.rolledUp(source, layout, delimiter);
            } catch (StoreIndex.DelimiterIgnoredException e) {
                LOG.debug("{} does not honour multi-character delimiters ({}); listing level by level", source.describe(),
                        e.getMessage());
                levelByLevel = true;
            }
        }
        if (index == null) {
            index = StoreIndex.hierarchical(source, layout, prefixes -> io.map("listing volume directories", prefixes,
                    Cancellation.none(), (p, c) -> source.list(p, "/")));
        }
        for (SkippedEntry s : index.skipped()) {
            skips.skip(s, scan);
        }
        return index;
    }

    /** The backup cfgs a discovery listing enumerated for {@code d}, else one listing of its {@code backups/}. */
    public Map<String, ObjectInfo> listedCfgs(StoreIndex.VolumeDir d, SkipRegistry.Scan scan) {
        if (d.backups() != null) {
            return d.backups();
        }
        return d.contentsKnown() && !d.hasBackupsDir() ? Map.of() : listBackupCfgs(d.name(), scan);
    }

    /** One listing of a volume's {@code backups/}: its backup cfgs by backup name; anything else is skipped. */
    public Map<String, ObjectInfo> listBackupCfgs(String volume, SkipRegistry.Scan scan) {
        Map<String, ObjectInfo> out = new TreeMap<>();
        String dir = layout.backupsDir(volume);
        source.list(dir, "/", new ListingVisitor() {
            @Override
            public void object(ObjectInfo o) {
                String file = o.key().substring(dir.length());
                Optional<String> name = BackupstoreLayout.backupNameOf(file);
                if (name.isPresent()) {
                    out.put(name.get(), o);
                } else if (BackupstoreLayout.isTempFile(file)) {
                    skips.skip(o.key(), SkippedEntry.Reason.TEMP_FILE, "temporary file left by an interrupted write", scan);
                } else {
                    skips.skip(o.key(), SkippedEntry.Reason.INVALID_NAME, "not a backup_<name>.cfg with a name Longhorn accepts", scan);
                }
            }

            @Override
            public void commonPrefix(String p) {
                skips.skip(p, SkippedEntry.Reason.INVALID_NAME, "unexpected directory in a backups directory", scan);
            }

            @Override
            public void unreadable(String key, String reason) {
                skips.skip(key, SkippedEntry.Reason.UNREADABLE, reason, scan);
            }
        });
        return out;
    }

    /** Reports what lies beside {@code volumes/}: system backups, backing images, unknown entries. */
    public void reportNonVolumeEntries(SkipRegistry.Scan scan) {
        ObjectListing top = source.list(layout.root(), "/");
        top.unreadable().forEach((key, why) -> skips.skip(key, SkippedEntry.Reason.UNREADABLE, why, scan));
        for (ObjectInfo o : top.objects()) {
            skips.skip(o.key(), BackupstoreLayout.isTempFile(o.name()) ? SkippedEntry.Reason.TEMP_FILE
                    : SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "not part of Longhorn's volume backups", scan);
        }
        for (String p : top.commonPrefixes()) {
            if (p.equals(layout.volumesRoot())) {
                continue;
            }
            if (p.equals(layout.systemBackupsRoot())) {
                for (String version : source.list(p, "/").commonPrefixes()) {
                    for (String sb : source.list(version, "/").commonPrefixes()) {
                        skips.skip(sb, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "Longhorn system backup "
                                + version.substring(p.length(), version.length() - 1) + "/"
                                + sb.substring(version.length(), sb.length() - 1), scan);
                    }
                }
            } else if (p.equals(layout.backingImagesRoot())) {
                for (String sub : source.list(p, "/").commonPrefixes()) {
                    if (sub.endsWith("/backing-images/")) {
                        for (String bi : source.list(sub, "/").commonPrefixes()) {
                            skips.skip(bi, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "backing-image backup "
                                    + bi.substring(sub.length(), bi.length() - 1), scan);
                        }
                    } else {
                        skips.skip(sub, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "backing-image block pool", scan);
                    }
                }
            } else {
                skips.skip(p, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "unknown directory in backupstore/", scan);
            }
        }
    }
}

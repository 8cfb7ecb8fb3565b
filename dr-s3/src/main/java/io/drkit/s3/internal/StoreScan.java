package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A catalog's listings of a backupstore: its volumes, one volume's backups, and the full scan of every volume and
 * every backup, each reading in parallel (on the catalog's {@link Parallel}, whose bound is the catalog's requests in
 * flight) through the {@link CfgCache}, so that objects unchanged since the last read cost no request. Listing the
 * volumes keeps the newest-backup search's pointer hints up to date. Thread-safe.
 */
public final class StoreScan {
    private static final String SCAN = "backupstore scan";

    private final BackupstoreLayout layout;
    private final StoreDiscovery discovery;
    private final CfgCache cfgs;
    private final NewestBackupSearch newest;
    private final Parallel io;

    /** A scanner over the catalog's parts. */
    public StoreScan(BackupstoreLayout layout, StoreDiscovery discovery, CfgCache cfgs, NewestBackupSearch newest,
                     Parallel io) {
        this.layout = layout;
        this.discovery = discovery;
        this.cfgs = cfgs;
        this.newest = newest;
        this.io = io;
    }

    /** Every volume: one discovery listing and each volume.cfg; remembers the pointer hints it saw. */
    public List<BackupVolume> volumes() {
        StoreIndex index = discovery.discover(StoreIndex.ROLL_UP_BLOCKS, null);
        List<StoreIndex.VolumeDir> dirs = new ArrayList<>(index.volumes().values());
        List<Optional<VolumeConfig>> read = io.map("reading volume.cfg files", dirs, Cancellation.none(),
                (d, c) -> cfgs.readVolumeDir(d, null));
        List<BackupVolume> out = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            StoreIndex.VolumeDir d = dirs.get(i);
            read.get(i).ifPresentOrElse(v -> {
                BackupVolume bv = v.toBackupVolume(layout.volumeDir(v.name()));
                out.add(bv);
                newest.remember(d, bv);
            }, () -> newest.forget(d.name()));
        }
        return out;
    }

    /** The backups of one volume, newest first: one listing of its {@code backups/} and each cfg's metadata. */
    public List<Backup> backupsOf(VolumeRef v) {
        Map<String, ObjectInfo> listed = discovery.listBackupCfgs(v.name(), null);
        List<Map.Entry<String, ObjectInfo>> entries = new ArrayList<>(listed.entrySet());
        List<Optional<Backup>> results = io.map("reading backup cfgs of " + v.name(), entries, Cancellation.none(),
                (e, c) -> cfgs.readBackup(v, e.getKey(), e.getValue(), null));
        List<Backup> out = new ArrayList<>();
        results.forEach(o -> o.ifPresent(out::add));
        out.sort(Backup.NEWEST_FIRST);
        return out;
    }

    /**
     * Every volume and every backup: what lies beside the volumes (reported as skipped), one discovery listing, then
     * in parallel every volume.cfg (and backups/ listing where discovery did not enumerate it), then every backup cfg.
     *
     * @throws io.drkit.core.CancelledException when {@code cancel} fires
     */
    public CatalogScan scanAll(CatalogListener listener, Cancellation cancel) {
        Cancellation c = cancel == null ? Cancellation.none() : cancel;
        SkipRegistry.Scan scan = new SkipRegistry.Scan(listener);
        discovery.reportNonVolumeEntries(scan);
        c.throwIfCancelled(SCAN);
        StoreIndex index = discovery.discover(StoreIndex.ROLL_UP_BLOCKS, scan);
        scan.started(index.volumes().size());
        List<StoreIndex.VolumeDir> dirs = new ArrayList<>(index.volumes().values());
        // phase 1: volume.cfg files, and backups/ listings where discovery did not enumerate them
        List<VolumeWork> work = io.map(SCAN, dirs, c, (d, cc) -> {
            Optional<VolumeConfig> read = cfgs.readVolumeDir(d, scan);
            if (read.isEmpty()) {
                scan.volumeDone(d.name());
                return null;
            }
            VolumeConfig v = read.get();
            return new VolumeWork(v.toBackupVolume(d.dir()), v.ref(), discovery.listedCfgs(d, scan));
        });
        // phase 2: every backup cfg of every volume, in one parallel pass
        List<CfgTask> cfgTasks = new ArrayList<>();
        Map<String, List<Backup>> backups = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();
        for (VolumeWork w : work) {
            if (w != null) {
                w.cfgs().forEach((name, info) -> cfgTasks.add(new CfgTask(w, name, info)));
                backups.put(w.volume().name(), Collections.synchronizedList(new ArrayList<>()));
                remaining.put(w.volume().name(), new AtomicInteger(w.cfgs().size()));
                if (w.cfgs().isEmpty()) {
                    scan.volumeDone(w.volume().name());
                }
            }
        }
        io.map(SCAN, cfgTasks, c, (t, cc) -> {
            VolumeWork w = t.volume();
            cfgs.readBackup(w.ref(), t.name(), t.info(), scan).ifPresent(backups.get(w.volume().name())::add);
            if (remaining.get(w.volume().name()).decrementAndGet() == 0) {
                scan.volumeDone(w.volume().name());
            }
            return null;
        });
        List<BackupVolume> volumes = new ArrayList<>();
        Map<String, List<Backup>> sorted = new TreeMap<>();
        for (VolumeWork w : work) {
            if (w != null) {
                volumes.add(w.volume());
                List<Backup> bs = new ArrayList<>(backups.get(w.volume().name()));
                bs.sort(Backup.NEWEST_FIRST);
                sorted.put(w.volume().name(), bs);
            }
        }
        volumes.sort(Comparator.comparing(BackupVolume::name));
        CatalogScan result = new CatalogScan(volumes, sorted, scan.skipped());
        scan.finished(result);
        return result;
    }

    /** One volume of a scan: its dr-core value, what reading its cfgs needs, and its backup cfgs as listed. */
    private record VolumeWork(BackupVolume volume, VolumeRef ref, Map<String, ObjectInfo> cfgs) {
    }

    /** One backup cfg to read in phase 2 of a scan. */
    private record CfgTask(VolumeWork volume, String name, ObjectInfo info) {
    }
}

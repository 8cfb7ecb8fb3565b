package io.drkit.kubernetes.internal;

import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.util.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Longhorn has synced its view of a backup target into its CRDs, and the sync requests that make it do so,
 * the way Longhorn's UI asks ({@link SyncRequests}). What longhorn-manager's controllers do, and so what can be
 * observed (controller/backup_target_controller.go, backup_volume_controller.go, backup_controller.go, 1.4 to 1.9):
 * <ol>
 *   <li>A BackupTarget sync (on request, on its poll, or when it never synced) creates a BackupVolume CR, with an
 *       empty status, for each volume in the store, and requests a sync of each existing one; then it sets
 *       {@code status.lastSyncedAt}.</li>
 *   <li>A BackupVolume sync creates a Backup CR, with an empty status, for each backup in the store, then writes the
 *       status: {@code lastBackupName} and {@code lastSyncedAt}.</li>
 *   <li>The backup controller inspects each Backup CR one by one and fills its status ({@code state Completed},
 *       {@code url}, times, sizes). With hundreds of backups this takes minutes after a rebuild.</li>
 * </ol>
 * Catalog-wide gaps: the CRDs or the BackupTarget do not exist; the target has no URL, is unavailable, never synced,
 * has a sync pending, or last synced before {@code syncedSince}. Per volume: the BackupVolume never synced or has a
 * sync pending; its last backup has no Backup CR (unless a sync this check requested has finished since: then the
 * store's pointer itself names a missing backup, which the planner reports as a stale pointer); its last backup is
 * not inspected yet. Other uninspected backups do not make a volume incomplete: an in-progress backup in the store
 * stays uninspected forever.
 *
 * <p>Sync requests are repeated at most once per resync interval per object. Thread-safe (one check at a time).
 */
public final class CrdViewCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CrdViewCheck.class);

    private final KubernetesClient client;
    private final String ns;
    private final String backupTarget;
    private final Instant syncedSince;
    private final boolean requestSync;
    private final Duration resyncInterval;
    private final Clock clock;
    /** Per object ("BackupTarget/x", "BackupVolume/y"): when this check last asked, and the sync time it asked for. */
    private final Map<String, Instant> askedAt = new HashMap<>();
    private final Map<String, Instant> requested = new HashMap<>();

    /**
     * @param backupTarget   the target whose view counts; {@code ""} for every target (then each target a backup
     *                       volume names is checked, and {@code default})
     * @param syncedSince    the target must have finished a sync at or after this time (second precision)
     * @param requestSync    whether to write {@code spec.syncRequestedAt}, or only wait for Longhorn's own poll
     * @param resyncInterval how often a sync request for the same object is repeated while it is not done
     */
    public CrdViewCheck(KubernetesClient client, String namespace, String backupTarget, Instant syncedSince,
                        boolean requestSync, Duration resyncInterval, Clock clock) {
        this.client = client;
        this.ns = namespace;
        this.backupTarget = backupTarget;
        this.syncedSince = syncedSince.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        this.requestSync = requestSync;
        this.resyncInterval = resyncInterval;
        this.clock = clock;
    }

    /** Reads the BackupTarget(s), BackupVolumes and Backups now, asks for the syncs missing, and says what is not synced. */
    public synchronized CatalogCompleteness check() {
        List<String> reasons = new ArrayList<>();
        List<GenericKubernetesResource> bvItems;
        try {
            bvItems = KubeErrors.call("list BackupVolumes in " + ns, () ->
                    client.genericKubernetesResources(Longhorn.BACKUP_VOLUMES).inNamespace(ns).list().getItems());
        } catch (NotFoundException e) {
            return CatalogCompleteness.of(List.of("Longhorn's CRDs are not installed yet (backupvolumes." + Longhorn.GROUP
                    + "/" + Longhorn.VERSION + " answers HTTP 404)"), Map.of());
        }
        List<BackupVolumeCr> bvs = bvItems.stream().map(BackupVolumeCr::of)
                .filter(bv -> bv.inTarget(backupTarget) && bv.error().isEmpty()).toList();
        Set<String> targets = new LinkedHashSet<>();
        targets.add(backupTarget.isEmpty() ? Longhorn.DEFAULT_BACKUP_TARGET : backupTarget);
        if (backupTarget.isEmpty()) {
            bvs.forEach(bv -> {
                if (!bv.backupTargetName().isEmpty()) {
                    targets.add(bv.backupTargetName());
                }
            });
        }
        for (String t : targets) {
            checkTarget(t).ifPresent(reasons::add);
        }

        Map<String, BackupCr> backupsByName = new HashMap<>();
        if (bvs.stream().anyMatch(bv -> !bv.status().getOrDefault("lastBackupName", "").isEmpty())) {
            KubeErrors.call("list Backups in " + ns, () -> client.genericKubernetesResources(Longhorn.BACKUPS)
                    .inNamespace(ns).list().getItems()).stream().map(BackupCr::of)
                    .forEach(b -> backupsByName.put(b.name(), b));
        }
        Map<String, String> gaps = new TreeMap<>();
        for (BackupVolumeCr bv : bvs) {
            checkVolume(bv, backupsByName).ifPresent(g -> gaps.putIfAbsent(bv.volumeName(), g));
        }
        CatalogCompleteness c = CatalogCompleteness.of(reasons, gaps);
        LOG.debug("Longhorn's view in {}: {}", ns, c.summary());
        return c;
    }

    private Optional<String> checkTarget(String name) {
        String what = "BackupTarget " + ns + "/" + name;
        GenericKubernetesResource r = KubeErrors.call("get " + what, () ->
                client.genericKubernetesResources(Longhorn.BACKUP_TARGETS).inNamespace(ns).withName(name).get());
        if (r == null) {
            return Optional.of(what + " does not exist yet (Longhorn is not set up or still starting)");
        }
        BackupTargetCr t = BackupTargetCr.of(r);
        if (t.url().isBlank()) {
            return Optional.of(what + " has no backup target URL");
        }
        if (t.lastSyncedAt().isPresent() && t.unavailable()) {
            return Optional.of("Longhorn reports " + what + " unavailable"
                    + (t.unavailableMessage().isEmpty() ? "" : ": " + t.unavailableMessage()));
        }
        String gap;
        if (t.lastSyncedAt().isEmpty()) {
            gap = what + " has never synced" + (t.unavailable() && !t.unavailableMessage().isEmpty()
                    ? " (unavailable: " + t.unavailableMessage() + ")" : "");
        } else if (t.syncPending()) {
            gap = what + ": the sync requested at " + Times.rfc3339(t.syncRequestedAt().orElseThrow())
                    + " has not finished (last sync " + Times.rfc3339(t.lastSyncedAt().get()) + ")";
        } else if (t.lastSyncedAt().get().isBefore(syncedSince)) {
            gap = what + " last synced at " + Times.rfc3339(t.lastSyncedAt().get()) + ", before "
                    + Times.rfc3339(syncedSince) + " (this run)";
        } else {
            return Optional.empty();
        }
        ask(Longhorn.BACKUP_TARGETS, "BackupTarget", name, t.lastSyncedAt(), lost("BackupTarget/" + name,
                t.syncPending(), t.lastSyncedAt()));
        return Optional.of(gap);
    }

    private Optional<String> checkVolume(BackupVolumeCr bv, Map<String, BackupCr> backups) {
        String what = "BackupVolume " + bv.crName();
        Optional<Instant> last = bv.lastSyncedAt();
        if (last.isEmpty()) {
            ask(Longhorn.BACKUP_VOLUMES, "BackupVolume", bv.crName(), last, false);
            return Optional.of(what + " has never synced");
        }
        Optional<Instant> req = time(bv.syncRequestedAt());
        boolean pending = req.isPresent() && req.get().isAfter(last.get());
        String pendingText = pending ? what + ": the sync requested at " + Times.rfc3339(req.get()) + " has not finished" : "";
        String pointer = bv.status().getOrDefault("lastBackupName", "");
        BackupCr b = pointer.isEmpty() ? null : backups.get(pointer);
        boolean missing = !pointer.isEmpty()
                && (b == null || (!b.volumeName().isEmpty() && !b.volumeName().equals(bv.volumeName())));
        if (missing && !pending) {
            Instant ours = requested.get("BackupVolume/" + bv.crName());
            if (ours != null && !last.get().isBefore(ours)) {
                // a sync this check asked for has run and the backup is still not there: the store's pointer names a
                // backup that does not exist (the planner warns about the stale pointer)
                return Optional.empty();
            }
        }
        if (pending || missing) {
            ask(Longhorn.BACKUP_VOLUMES, "BackupVolume", bv.crName(), last,
                    lost("BackupVolume/" + bv.crName(), pending, last));
        }
        String pointerText = missing ? "last backup " + pointer + " has no Backup object yet"
                : b != null && b.state().isEmpty() ? "last backup " + pointer + " is not inspected by Longhorn yet" : "";
        if (pendingText.isEmpty() && pointerText.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(pendingText.isEmpty() ? pointerText : pointerText.isEmpty() ? pendingText
                : pointerText + " (" + pendingText + ")");
    }

    /**
     * Whether this check's last request for {@code key} was lost: nothing is pending, yet the object has not synced
     * since the time asked for. That happens when another writer (Longhorn's target sync setting every BackupVolume's
     * {@code syncRequestedAt} to its own, earlier, time) replaced the request; it is asked for again at once.
     */
    private boolean lost(String key, boolean pending, Optional<Instant> lastSynced) {
        Instant ours = requested.get(key);
        return ours != null && !pending && (lastSynced.isEmpty() || lastSynced.get().isBefore(ours));
    }

    /** Requests a sync of one object unless this check asked less than a resync interval ago (or {@code now}). */
    private void ask(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx, String kind, String name,
                     Optional<Instant> lastSynced, boolean now) {
        if (!requestSync) {
            return;
        }
        String key = kind + "/" + name;
        Instant at = clock.instant();
        Instant prev = askedAt.get(key);
        if (!now && prev != null && at.isBefore(prev.plus(resyncInterval))) {
            return;
        }
        askedAt.put(key, at);
        try {
            requested.put(key, SyncRequests.request(client, ns, ctx, kind, name, lastSynced, at));
        } catch (NotFoundException e) {
            LOG.debug("{} vanished before its sync could be requested", key);
        }
    }

    private static Optional<Instant> time(String s) {
        try {
            return Times.parse(s);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}

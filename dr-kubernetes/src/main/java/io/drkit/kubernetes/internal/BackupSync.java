package io.drkit.kubernetes.internal;

import io.drkit.core.ConflictException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.UnavailableException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.plan.RestoreStep;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Longhorn knows a backup before a volume is restored from it. Longhorn's admission webhook rejects a
 * Volume whose {@code fromBackup} names a Backup CR (or, since 1.8, a BackupVolume of the backup's target) that does
 * not exist yet, and right after a rebuild Longhorn may not have polled its backup target (default every 300 s).
 *
 * <p>When the Backup CR is missing or not yet inspected (state not {@code Completed}), a sync is requested by setting
 * {@code spec.syncRequestedAt} on the volume's BackupVolume if it exists, else on the BackupTarget (whose sync creates
 * missing BackupVolumes and requests their sync in turn), the way Longhorn's own sync endpoints do. The request is
 * repeated every resync interval, and the wait ends with a timeout naming what was missing.
 */
public final class BackupSync {
    private static final Logger LOG = LoggerFactory.getLogger(BackupSync.class);

    private final KubernetesClient client;
    private final BinderSettings settings;
    private final Clock clock;

    /** Creates the helper. */
    public BackupSync(KubernetesClient client, BinderSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** What Longhorn knows about one backup right now. */
    private record Known(Optional<BackupCr> backup, Optional<BackupVolumeCr> backupVolume) {
        boolean ready() {
            return backup.map(BackupCr::isComplete).orElse(false) && backupVolume.isPresent();
        }

        String describe(BackupUrl url) {
            if (backupVolume.isEmpty()) {
                return "no BackupVolume for volume " + url.volumeName() + " yet";
            }
            if (backup.isEmpty()) {
                return "BackupVolume " + backupVolume.get().crName() + " has no Backup " + url.backupName() + " yet";
            }
            return "Backup " + url.backupName() + " is " + (backup.get().state().isEmpty() ? "not inspected yet"
                    : backup.get().state()) + (backup.get().url().isEmpty() ? " without URL" : "");
        }
    }

    /**
     * Returns once the Backup CR named by the step's URL exists, is {@code Completed} with a URL, and its
     * BackupVolume exists; requests syncs and waits (phase {@link BindPhase#WAIT_FOR_BACKUP}) otherwise.
     *
     * @throws ConflictException   when a Backup CR of that name belongs to another volume
     * @throws DrTimeoutException  when Longhorn did not learn the backup within the sync timeout
     * @throws UnavailableException when the backup target is missing, or unavailable until the timeout
     */
    public void ensureKnown(RestoreStep step, BindContext ctx) {
        ensureKnown(step, ctx, true);
    }

    /**
     * As {@link #ensureKnown(RestoreStep, BindContext)}; with {@code reportPhase} false the wait is reported as
     * progress of the current phase only (phases are reported in order, never backwards).
     */
    public void ensureKnown(RestoreStep step, BindContext ctx, boolean reportPhase) {
        BackupUrl url = step.fromBackup();
        Known k = read(url);
        if (k.ready()) {
            return;
        }
        String why = "Longhorn does not know backup " + url.backupName() + " of volume " + url.volumeName() + " yet ("
                + k.describe(url) + ")" + (settings.requestSync() ? "; requesting a sync" : "");
        if (reportPhase) {
            ctx.phase(BindPhase.WAIT_FOR_BACKUP, why);
        } else {
            ctx.progress(-1, why);
        }
        Instant start = clock.instant();
        Instant lastRequest = null;
        String targetProblem = "";
        while (true) {
            Instant now = clock.instant();
            if (settings.requestSync() && (lastRequest == null
                    || !now.isBefore(lastRequest.plus(settings.resyncInterval())))) {
                targetProblem = requestSync(url, k);
                lastRequest = now;
            }
            Duration waited = Duration.between(start, now);
            if (waited.compareTo(settings.syncTimeout()) >= 0) {
                String what = "Longhorn did not learn backup " + url.backupName() + " of volume " + url.volumeName()
                        + " (" + k.describe(url) + ")";
                if (!targetProblem.isEmpty()) {
                    throw new UnavailableException(what + "; " + targetProblem);
                }
                throw new DrTimeoutException(what, settings.syncTimeout());
            }
            ctx.progress(-1, k.describe(url) + (targetProblem.isEmpty() ? "" : "; " + targetProblem) + "; waited "
                    + waited.toSeconds() + " s");
            Duration left = settings.syncTimeout().minus(waited);
            ctx.sleep(left.compareTo(settings.pollInterval()) < 0 ? left : settings.pollInterval(),
                    "wait for Longhorn to sync backup " + url.backupName());
            k = read(url);
            if (k.ready()) {
                ctx.progress(1.0, "Longhorn knows backup " + url.backupName());
                LOG.debug("backup {} of {} known after {}", url.backupName(), url.volumeName(), Duration.between(start, clock.instant()));
                return;
            }
        }
    }

    private Known read(BackupUrl url) {
        String ns = settings.namespace();
        GenericKubernetesResource b = KubeErrors.call("get Backup " + ns + "/" + url.backupName(), () ->
                client.genericKubernetesResources(Longhorn.BACKUPS).inNamespace(ns).withName(url.backupName()).get());
        Optional<BackupCr> backup = Optional.ofNullable(b).map(BackupCr::of);
        if (backup.isPresent() && !backup.get().volumeName().isEmpty() && !backup.get().volumeName().equals(url.volumeName())) {
            throw new ConflictException("Backup " + ns + "/" + url.backupName() + " in the cluster belongs to volume "
                    + backup.get().volumeName() + ", but the plan restores it as a backup of " + url.volumeName());
        }
        return new Known(backup, findBackupVolume(url.volumeName(), backup.map(BackupCr::backupTargetName).orElse("")));
    }

    private Optional<BackupVolumeCr> findBackupVolume(String volumeName, String backupsTarget) {
        String ns = settings.namespace();
        String target = backupsTarget.isEmpty() ? settings.backupTarget() : backupsTarget;
        return KubeErrors.call("list BackupVolumes in " + ns, () ->
                        client.genericKubernetesResources(Longhorn.BACKUP_VOLUMES).inNamespace(ns).list().getItems())
                .stream().map(BackupVolumeCr::of)
                .filter(bv -> bv.volumeName().equals(volumeName) && bv.inTarget(target))
                .findFirst();
    }

    /** Requests a sync; returns a problem with the backup target worth reporting, or "". */
    private String requestSync(BackupUrl url, Known k) {
        String ns = settings.namespace();
        if (k.backupVolume().isPresent()) {
            String name = k.backupVolume().get().crName();
            touch(Longhorn.BACKUP_VOLUMES, "BackupVolume", name, k.backupVolume().get().lastSyncedAt());
        }
        String target = settings.backupTarget();
        GenericKubernetesResource bt = KubeErrors.call("get BackupTarget " + ns + "/" + target, () ->
                client.genericKubernetesResources(Longhorn.BACKUP_TARGETS).inNamespace(ns).withName(target).get());
        if (bt == null) {
            throw new UnavailableException("BackupTarget " + ns + "/" + target + " does not exist: Longhorn has no backup "
                    + "target of that name, so it cannot learn backup " + url.backupName());
        }
        BackupTargetCr t = BackupTargetCr.of(bt);
        if (k.backupVolume().isEmpty()) {
            touch(Longhorn.BACKUP_TARGETS, "BackupTarget", target, t.lastSyncedAt());
        }
        if (t.unavailable()) {
            return "Longhorn reports backup target " + target + " unavailable"
                    + (t.unavailableMessage().isEmpty() ? "" : ": " + t.unavailableMessage());
        }
        return "";
    }

    private void touch(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx, String kind, String name,
                       Optional<Instant> lastSynced) {
        SyncRequests.request(client, settings.namespace(), ctx, kind, name, lastSynced, clock.instant());
    }
}

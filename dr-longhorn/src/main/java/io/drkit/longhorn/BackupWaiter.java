package io.drkit.longhorn;

import io.drkit.core.DrException;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.util.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait for Longhorn to learn a backup, shared by {@link LonghornClient#awaitBackup} and the binder: check whether
 * the backup is known (its BackupVolume listed and the Backup complete), ask for a sync where the server supports it
 * (backup volume if known, else all backup targets; not more often than the sync interval), and poll until known or
 * the timeout passes, then fail with a message naming the backup, the target and its state.
 */
final class BackupWaiter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWaiter.class);

    /** Sleeps between polls; may throw to stop (cancellation, a step deadline). */
    interface Pause {
        void pause(Duration d);
    }

    private final LonghornClient client;
    private final Duration pollInterval;
    private final Duration syncInterval;

    BackupWaiter(LonghornClient client, Duration pollInterval, Duration syncInterval) {
        this.client = client;
        this.pollInterval = pollInterval;
        this.syncInterval = syncInterval;
    }

    /** The backup, if Longhorn knows it and it is complete. */
    Optional<LonghornBackup> known(BackupUrl url, String target) {
        Optional<LonghornBackupVolume> bv = client.findBackupVolume(url.volumeName(), target);
        return bv.flatMap(b -> client.findBackup(b.id(), url.backupName())).filter(LonghornBackup::isComplete);
    }

    /** The target (name) whose location matches the URL, or null when none does. */
    String targetOf(BackupUrl backupUrl) {
        return client.findBackupTargetFor(backupUrl).map(LonghornBackupTarget::name).orElse(null);
    }

    /** How the wait will proceed on this server, for messages. */
    String how() {
        ServerCapabilities caps = client.capabilities();
        return caps.canSync() ? "asking it to sync its backup target"
                : "Longhorn " + caps.versionRange() + " cannot be asked to sync; waiting for its next backup-target poll";
    }

    /**
     * Waits until Longhorn knows the backup.
     *
     * @param prefix   prepended to the final error (e.g. the step id)
     * @param progress receives a line per poll
     * @param pause    sleeps between polls
     * @throws NotFoundException when the timeout passes first
     */
    LonghornBackup await(BackupUrl url, String target, Duration timeout, String prefix, Consumer<String> progress,
                         Pause pause) {
        ServerCapabilities caps = client.capabilities();
        String what = "backup " + url.backupName() + " of volume " + url.volumeName();
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        Instant lastSync = null;
        int syncs = 0;
        while (true) {
            Instant now = Instant.now();
            if (caps.canSync() && (lastSync == null || !now.isBefore(lastSync.plus(syncInterval)))) {
                lastSync = now;
                try {
                    Optional<LonghornBackupVolume> bv = client.findBackupVolume(url.volumeName(), target);
                    if (bv.isPresent() ? client.syncBackupVolume(bv.get().id()) : client.syncBackupTargets()) {
                        syncs++;
                    }
                } catch (LonghornNotFoundException | LonghornRequestException | LonghornConflictException e) {
                    // a sync is only a hint (Longhorn polls anyway): keep waiting
                    LOG.debug("sync request for {} failed: {}", what, e.getMessage());
                }
            }
            Optional<LonghornBackup> b = known(url, target);
            if (b.isPresent()) {
                return b.get();
            }
            Duration elapsed = Duration.between(start, Instant.now());
            if (!Instant.now().isBefore(deadline)) {
                throw new NotFoundException(prefix + what + " is still unknown to Longhorn at " + client.baseUrl()
                        + " after " + seconds(elapsed) + " (" + (caps.canSync() ? syncs + " sync request(s)" : how())
                        + "). Longhorn only restores backups it has listed from its backup target. " + targetReport(target));
            }
            progress.accept("waiting for Longhorn to learn " + what + " (" + seconds(elapsed)
                    + (caps.canSync() ? ", " + syncs + " sync request(s)" : ", no sync possible") + ")");
            pause.pause(pollInterval);
        }
    }

    private String targetReport(String target) {
        try {
            List<LonghornBackupTarget> targets = client.listBackupTargets();
            if (targets.isEmpty()) {
                return "Longhorn has no backup target configured.";
            }
            StringBuilder sb = new StringBuilder(target == null
                    ? "No backup target of Longhorn has this backup's URL. Targets: " : "Backup target: ");
            for (LonghornBackupTarget t : targets) {
                if (target != null && !t.name().equals(target)) {
                    continue;
                }
                sb.append(t.name()).append(" = ").append(Redaction.url(t.backupTargetUrl()))
                        .append(t.available() ? " (available" : " (UNAVAILABLE")
                        .append(t.message().isEmpty() ? "" : ": " + t.message())
                        .append(t.pollInterval().map(p -> ", polled every " + p.toSeconds() + " s").orElse(""))
                        .append(") ");
            }
            return sb.toString().trim();
        } catch (DrException e) {
            return "The backup targets could not be listed: " + e.getMessage();
        }
    }

    static String seconds(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : d.toMinutes() + " min";
    }
}

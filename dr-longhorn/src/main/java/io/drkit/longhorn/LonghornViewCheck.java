package io.drkit.longhorn;

import io.drkit.core.catalog.CatalogCompleteness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One look at whether Longhorn has synced what its REST API shows of one backup target (see
 * {@link LonghornBackupCatalog}): the target exists, has a URL and is available; no backup volume is an unsynced
 * placeholder; each volume's last backup is listed and inspected. Where it is not, it asks Longhorn for the syncs that
 * are missing (1.6.2+), each at most every {@link #RESYNC_INTERVAL}. Thread-safe.
 */
final class LonghornViewCheck {
    private static final Logger LOG = LoggerFactory.getLogger(LonghornBackupCatalog.class);
    /** How often a sync request for the same target or backup volume is repeated while the catalog waits. */
    static final Duration RESYNC_INTERVAL = Duration.ofSeconds(30);

    private final LonghornClient client;
    private final String targetName;
    private final boolean requestSync;
    private final Supplier<List<LonghornBackupVolume>> backupVolumes;
    private final Function<LonghornBackupVolume, List<LonghornBackup>> backupsOf;
    private final Map<String, Instant> askedAt = new HashMap<>();

    /**
     * A check of {@code targetName} on {@code client}.
     *
     * @param requestSync   whether to ask for syncs (else only look)
     * @param backupVolumes the usable backup volumes of the target (the catalog's reading, which records skips)
     * @param backupsOf     one backup volume's backups (likewise)
     */
    LonghornViewCheck(LonghornClient client, String targetName, boolean requestSync,
                      Supplier<List<LonghornBackupVolume>> backupVolumes,
                      Function<LonghornBackupVolume, List<LonghornBackup>> backupsOf) {
        this.client = client;
        this.targetName = targetName;
        this.requestSync = requestSync;
        this.backupVolumes = backupVolumes;
        this.backupsOf = backupsOf;
    }

    /** One look at Longhorn's view (asking for the syncs that are missing): what is not synced. */
    CatalogCompleteness check() {
        List<String> reasons = new ArrayList<>();
        Optional<LonghornBackupTarget> target = client.findBackupTarget(targetName);
        String what = "backup target " + targetName + " of Longhorn at " + client.baseUrl();
        if (target.isEmpty()) {
            reasons.add("Longhorn at " + client.baseUrl() + " has no backup target " + targetName
                    + " yet (not set up, or still starting)");
        } else if (!target.get().isConfigured()) {
            reasons.add(what + " has no URL");
        } else if (!target.get().available()) {
            reasons.add(target.get().message().isEmpty() ? what + " is not available yet (Longhorn has not reached it)"
                    : "Longhorn reports " + what + " unavailable: " + target.get().message());
            ask("backuptargets", client::syncBackupTargets);
        }
        Map<String, String> gaps = new TreeMap<>();
        for (LonghornBackupVolume bv : backupVolumes.get()) {
            volumeGap(bv).ifPresent(g -> gaps.put(bv.volumeName(), g));
        }
        return CatalogCompleteness.of(reasons, gaps);
    }

    private Optional<String> volumeGap(LonghornBackupVolume bv) {
        if (bv.isPlaceholder()) {
            ask("backupvolumes/" + bv.id(), () -> client.syncBackupVolume(bv.id()));
            return Optional.of("backup volume " + bv.id() + " has never synced");
        }
        if (bv.lastBackupName().isEmpty()) {
            return Optional.empty();
        }
        String pointer = bv.lastBackupName().get();
        List<LonghornBackup> backups = backupsOf.apply(bv);
        Optional<LonghornBackup> named = backups.stream().filter(b -> b.name().equals(pointer)).findFirst();
        long uninspected = backups.stream().filter(b -> b.state().isEmpty()).count();
        if (named.isEmpty()) {
            if (!backups.isEmpty() && uninspected == 0) {
                return Optional.empty(); // every backup is listed and inspected: the store's pointer names a missing one
            }
            ask("backupvolumes/" + bv.id(), () -> client.syncBackupVolume(bv.id()));
            return Optional.of("last backup " + pointer + " is not listed by Longhorn yet" + (backups.isEmpty()
                    ? " (no backup of this volume is)" : " (" + uninspected + " of " + backups.size() + " not inspected yet)"));
        }
        if (named.get().state().isEmpty()) {
            return Optional.of("last backup " + pointer + " is not inspected by Longhorn yet");
        }
        return Optional.empty();
    }

    /** Asks for one sync unless asked less than a resync interval ago; a sync is a hint, so failures only log. */
    private void ask(String key, java.util.function.BooleanSupplier sync) {
        if (!requestSync) {
            return;
        }
        Instant now = Instant.now();
        synchronized (askedAt) {
            Instant prev = askedAt.get(key);
            if (prev != null && now.isBefore(prev.plus(RESYNC_INTERVAL))) {
                return;
            }
            askedAt.put(key, now);
        }
        try {
            if (!sync.getAsBoolean()) {
                LOG.debug("Longhorn at {} cannot be asked to sync ({}); waiting for its own poll", client.baseUrl(), key);
            }
        } catch (LonghornNotFoundException | LonghornRequestException | LonghornConflictException e) {
            LOG.debug("sync request for {} failed: {}", key, e.getMessage());
        }
    }
}

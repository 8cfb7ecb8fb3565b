package io.drkit.kubernetes.internal;

import io.drkit.core.util.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Longhorn to sync a BackupTarget (everything on it) or a BackupVolume (its backups) the way its UI and REST sync
 * endpoints do: by setting {@code spec.syncRequestedAt}. Longhorn's controllers sync when that time is later than
 * {@code status.lastSyncedAt}, comparing at second precision, so the requested time is at least a second after the
 * last sync (longhorn-manager {@code manager/engine.go SyncBackupTarget/SyncBackupVolume},
 * {@code controller/backup_target_controller.go isBackupTargetSyncRequired}).
 */
public final class SyncRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRequests.class);

    private SyncRequests() {
    }

    /**
     * Sets {@code spec.syncRequestedAt} of {@code kind} {@code namespace/name} to {@code now} in whole seconds (or to a
     * second after {@code lastSynced} when that is not earlier at that precision) and returns the time written; a sync
     * has finished when {@code status.lastSyncedAt} is at or after it.
     *
     * @throws io.drkit.core.NotFoundException when the object does not exist
     */
    public static Instant request(KubernetesClient client, String namespace, ResourceDefinitionContext ctx, String kind,
                                  String name, Optional<Instant> lastSynced, Instant now) {
        // compared at the precision Longhorn writes: a request in the same second as the last sync is no later
        Instant second = now.truncatedTo(ChronoUnit.SECONDS);
        Instant at = lastSynced.map(l -> l.truncatedTo(ChronoUnit.SECONDS)).filter(l -> !second.isAfter(l))
                .map(l -> l.plusSeconds(1)).orElse(second);
        String value = Times.rfc3339(at);
        var op = client.genericKubernetesResources(ctx).inNamespace(namespace);
        Updates.update("request a sync of " + kind + " " + namespace + "/" + name, () -> op.withName(name).get(),
                r -> op.resource(r).update(), r -> {
                    Map<String, Object> spec = Cr.section(r, "spec");
                    spec.put("syncRequestedAt", value);
                    return Optional.of(r);
                });
        LOG.debug("requested a sync of {} {}/{} at {}", kind, namespace, name, value);
        return at;
    }
}

package io.drkit.kubernetes.internal;

import io.drkit.core.util.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.Optional;

/**
 * The fields of a Longhorn {@code BackupTarget} CR this library reads (longhorn-manager {@code v1beta2/backuptarget.go}):
 * where the store is, whether Longhorn could reach it, and when it last synced it.
 *
 * @param name               the CR name ({@code default} on every version)
 * @param url                {@code spec.backupTargetURL}; empty when no store is configured
 * @param available          {@code status.available}, empty when the status does not say (never reconciled)
 * @param unavailableMessage the message of the {@code Unavailable} condition, empty when none
 * @param lastSyncedAt       {@code status.lastSyncedAt}: when the last sync (of the whole target) started
 * @param syncRequestedAt    {@code spec.syncRequestedAt}: a sync is pending while it is later than the last sync
 */
public record BackupTargetCr(String name, String url, Optional<Boolean> available, String unavailableMessage,
                             Optional<Instant> lastSyncedAt, Optional<Instant> syncRequestedAt) {

    /** Reads the CR; unparsable times read as absent. */
    public static BackupTargetCr of(GenericKubernetesResource r) {
        Object avail = Cr.get(r, "status", "available");
        Optional<Boolean> available = avail == null ? Optional.empty() : Optional.of(Cr.bool(r, "status", "available"));
        String msg = Cr.mapList(r, "status", "conditions").stream()
                .filter(c -> "Unavailable".equals(String.valueOf(c.get("type"))))
                .filter(c -> "True".equalsIgnoreCase(String.valueOf(c.get("status"))))
                .map(c -> String.valueOf(c.getOrDefault("message", ""))).findFirst().orElse("");
        return new BackupTargetCr(Cr.name(r), Cr.str(r, "spec", "backupTargetURL"), available, msg,
                time(Cr.str(r, "status", "lastSyncedAt")), time(Cr.str(r, "spec", "syncRequestedAt")));
    }

    private static Optional<Instant> time(String s) {
        try {
            return Times.parse(s);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a requested sync has not run yet (Longhorn's own test: requested later than the last sync). */
    public boolean syncPending() {
        return syncRequestedAt.isPresent() && (lastSyncedAt.isEmpty() || syncRequestedAt.get().isAfter(lastSyncedAt.get()));
    }

    /** Whether Longhorn says it cannot reach the store. */
    public boolean unavailable() {
        return available.isPresent() && !available.get();
    }
}

package io.drkit.longhorn;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.util.Redaction;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup target as Longhorn's REST API reports it ({@code GET /v1/backuptargets}): where backups go and whether
 * Longhorn can currently reach it.
 *
 * @param name             the BackupTarget CR name ({@code default} on every version; more targets from 1.8)
 * @param backupTargetUrl  e.g. {@code s3://bucket@us-east-1/}; empty when no target is configured
 * @param credentialSecret name of the Secret (in longhorn-system) holding the store credentials; not a secret itself
 * @param pollInterval     how often Longhorn re-reads the store (its output is a Go duration such as {@code 5m0s})
 * @param available        whether Longhorn could reach the store on its last poll
 * @param message          the text of the target's {@code Unavailable} condition, empty when available
 */
public record LonghornBackupTarget(String name, String backupTargetUrl, String credentialSecret,
                                   Optional<Duration> pollInterval, boolean available, String message) {

    /** Replaces nulls. */
    public LonghornBackupTarget {
        Objects.requireNonNull(name, "name");
        backupTargetUrl = Objects.requireNonNullElse(backupTargetUrl, "");
        credentialSecret = Objects.requireNonNullElse(credentialSecret, "");
        pollInterval = Objects.requireNonNullElse(pollInterval, Optional.empty());
        message = Objects.requireNonNullElse(message, "");
    }

    /** Whether a store URL is configured at all. */
    public boolean isConfigured() {
        return !backupTargetUrl.isBlank();
    }

    /** The URL with anything password-like masked. */
    @Override
    public String toString() {
        return "LonghornBackupTarget[name=" + name + ", url=" + Redaction.url(backupTargetUrl)
                + ", credentialSecret=" + credentialSecret + ", pollInterval=" + pollInterval.map(Duration::toString).orElse("?")
                + ", available=" + available + (message.isEmpty() ? "" : ", message=" + message) + "]";
    }
}

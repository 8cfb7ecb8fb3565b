package io.drkit.kubernetes.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * The options of the Kubernetes binder, handed to its internal parts.
 *
 * @param namespace             Longhorn's namespace
 * @param backupTarget          backup target to sync when a backup volume is not known yet
 * @param pollInterval          how often waits re-check (backup sync, restore progress)
 * @param resyncInterval        how often a watched volume is re-read anyway, and a sync request repeated
 * @param syncTimeout           how long to wait for Longhorn to know a backup
 * @param requestSync           whether to request syncs ({@code spec.syncRequestedAt}) or only wait for Longhorn's poll
 * @param restoreTimeout        cap on one restore wait (the step deadline applies as well)
 * @param cryptoSecretNamespace namespace of the secret for encrypted volumes
 * @param cryptoSecretName      name of that secret
 */
public record BinderSettings(String namespace, String backupTarget, Duration pollInterval, Duration resyncInterval,
                             Duration syncTimeout, boolean requestSync, Optional<Duration> restoreTimeout,
                             String cryptoSecretNamespace, String cryptoSecretName) {
}

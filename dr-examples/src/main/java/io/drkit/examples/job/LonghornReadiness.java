package io.drkit.examples.job;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.UnavailableException;
import io.drkit.core.util.Times;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.ExecutorSettings;
import io.drkit.examples.options.JobSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The restore Job's wait for the cluster it was started in. The Job runs when a rebuilt cluster starts, applied by
 * GitOps next to Longhorn, so Longhorn's CRDs, its BackupTarget (and the target's URL, set by Longhorn's settings or
 * default resources) and the target's first sync may not exist yet. Instead of failing at once and burning the Job's
 * {@code backoffLimit} in the first minutes, the Job waits for them itself, up to {@code DRKIT_STARTUP_WAIT}, with a
 * progress line naming what it waits for whenever that changes and at least every {@link #LINE_EVERY}.
 *
 * <p>Only permissions the Job has anyway are used: {@code list} on {@code backupvolumes} (a 404 means the CRDs are not
 * installed) and {@code get} on {@code backuptargets}.
 */
final class LonghornReadiness {
    /** The longest time between two progress lines while waiting. */
    static final Duration LINE_EVERY = Duration.ofSeconds(30);

    private static final ResourceDefinitionContext BACKUP_VOLUMES = new ResourceDefinitionContext.Builder()
            .withGroup("longhorn.io").withVersion("v1beta2").withKind("BackupVolume").withPlural("backupvolumes")
            .withNamespaced(true).build();

    private LonghornReadiness() {
    }

    /**
     * Returns once Longhorn is there for {@code config}; waits up to {@link RestoreJobConfig#startupWait()} otherwise,
     * checking every {@link ExecutorSettings#pollInterval()} of its {@link RestoreJobConfig#executor()}.
     *
     * @throws UnavailableException naming what was still missing when the wait ended (exit 5: Kubernetes retries)
     * @throws CancelledException   when cancelled
     */
    static void await(KubernetesClient client, RestoreJobConfig config, ProgressLog log, Cancellation cancellation,
                      Clock clock) {
        Instant start = clock.instant();
        String last = null;
        Instant lastLine = Instant.MIN;
        while (true) {
            Optional<String> missing = missing(client, config);
            Instant now = clock.instant();
            Duration waited = Duration.between(start, now);
            if (missing.isEmpty()) {
                if (last != null) {
                    log.line("startup: Longhorn is ready after " + ProgressLog.seconds(waited));
                }
                return;
            }
            // What is missing is said before the wait can end, so that even a first check that outlasts a short wait
            // (a slow API server) leaves the line an operator looks for in the Job's log.
            if (!missing.get().equals(last) || !now.isBefore(lastLine.plus(LINE_EVERY))) {
                log.line("startup: waiting for " + missing.get() + " (" + ProgressLog.seconds(waited) + " of at most "
                        + config.startupWait() + ")");
                last = missing.get();
                lastLine = now;
            }
            if (waited.compareTo(config.startupWait()) >= 0) {
                throw new UnavailableException("gave up waiting for " + missing.get() + " after "
                        + ProgressLog.seconds(waited) + " (" + DrOptions.STARTUP_WAIT.key().orElseThrow() + "="
                        + config.startupWait() + "); Longhorn is not ready in this cluster yet");
            }
            cancellation.throwIfCancelled("wait for Longhorn");
            Duration left = config.startupWait().minus(waited);
            try {
                Thread.sleep(Math.max(1, (left.compareTo(config.executor().pollInterval()) < 0 ? left : config.executor().pollInterval()).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("wait for Longhorn was interrupted", e);
            }
            cancellation.throwIfCancelled("wait for Longhorn");
        }
    }

    /** What the Job still waits for, if anything. */
    private static Optional<String> missing(KubernetesClient client, RestoreJobConfig config) {
        String ns = config.settings().longhornNamespace();
        try {
            client.genericKubernetesResources(BACKUP_VOLUMES).inNamespace(ns)
                    .list(new ListOptionsBuilder().withLimit(1L).build());
        } catch (KubernetesClientException e) {
            return Optional.of(whileStarting(e, "Longhorn's CRDs (backupvolumes.longhorn.io answers HTTP 404)"));
        }
        String bt = "BackupTarget " + ns + "/" + config.settings().backupTargetName();
        GenericKubernetesResource target;
        try {
            target = client.genericKubernetesResources(LonghornBackupTargetUrl.BACKUP_TARGETS).inNamespace(ns)
                    .withName(config.settings().backupTargetName()).get();
        } catch (KubernetesClientException e) {
            return Optional.of(whileStarting(e, bt));
        }
        if (target == null) {
            return Optional.of(bt);
        }
        Object spec = target.getAdditionalProperties().get("spec");
        Object url = spec instanceof Map<?, ?> m ? m.get("backupTargetURL") : null;
        if (url == null || url.toString().isBlank()) {
            return Optional.of("a backupTargetURL on " + bt);
        }
        if (config.source() == JobSource.LONGHORN_CRDS) {
            Object status = target.getAdditionalProperties().get("status");
            Object synced = status instanceof Map<?, ?> m ? m.get("lastSyncedAt") : null;
            boolean never;
            try {
                never = synced == null || Times.parse(synced.toString()).isEmpty();
            } catch (IllegalArgumentException e) {
                never = true;
            }
            if (never) {
                return Optional.of("the first sync of " + bt);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code what} for answers that may pass while the cluster starts (404, 5xx, no answer); anything else (a
     * forbidden request, a bad request) ends the wait at once.
     */
    private static String whileStarting(KubernetesClientException e, String what) {
        int code = e.getCode();
        if (code == 404) {
            return what;
        }
        if (code == 0 || code >= 500 || code == 429) {
            return "the Kubernetes API server (" + (code == 0 ? "not reachable" : "HTTP " + code) + ") to read " + what;
        }
        throw e; // the Job reports it as a Kubernetes API error (exit 5)
    }
}

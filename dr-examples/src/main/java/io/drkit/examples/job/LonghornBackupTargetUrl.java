package io.drkit.examples.job;

import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;

/**
 * Reads the URL of one of Longhorn's backup targets from its BackupTarget CR ({@code spec.backupTargetURL}; a CR
 * named {@code default} exists on every Longhorn version from 1.4, mirroring the settings up to 1.7), so that the
 * Job reads the very store Longhorn restores from without repeating its URL in the ConfigMap. Needs {@code get} on
 * {@code backuptargets.longhorn.io}, which the Kubernetes backend's RBAC grants.
 */
final class LonghornBackupTargetUrl {
    static final ResourceDefinitionContext BACKUP_TARGETS = new ResourceDefinitionContext.Builder()
            .withGroup("longhorn.io").withVersion("v1beta2").withKind("BackupTarget").withPlural("backuptargets")
            .withNamespaced(true).build();

    private LonghornBackupTargetUrl() {
    }

    /**
     * The URL of BackupTarget {@code namespace/name}, for the Job's configuration key {@code key}.
     *
     * @throws UnavailableException  when the CR cannot be read or does not exist (yet: Longhorn may still be starting)
     * @throws InvalidInputException naming {@code key} when the CR has no URL
     */
    static String read(KubernetesClient client, String namespace, String name, String key) {
        String what = "BackupTarget " + namespace + "/" + name;
        GenericKubernetesResource bt;
        try {
            bt = client.genericKubernetesResources(BACKUP_TARGETS).inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String msg = "cannot read " + what + " to learn the backup target URL: " + (e.getCode() > 0
                    ? "HTTP " + e.getCode() + " " + e.getMessage()
                    : "API server not reachable (" + (root == e ? e.getMessage() : root) + ")");
            throw e.getCode() > 0 ? new UnavailableException(msg, e.getCode(), e) : new UnavailableException(msg, e);
        }
        if (bt == null) {
            throw new UnavailableException(what + " does not exist (is Longhorn installed and started?); its URL is "
                    + "needed because " + key + " is empty");
        }
        Object spec = bt.getAdditionalProperties().get("spec");
        Object url = spec instanceof Map<?, ?> m ? m.get("backupTargetURL") : null;
        if (url == null || url.toString().isBlank()) {
            throw new InvalidInputException(key + " is empty and " + what + " has no backupTargetURL: set "
                    + key);
        }
        return url.toString().trim();
    }
}

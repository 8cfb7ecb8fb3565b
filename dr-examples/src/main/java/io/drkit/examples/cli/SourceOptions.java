package io.drkit.examples.cli;

import io.drkit.examples.support.Connections;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the backups (and the cluster) are: shared by every command that reads backups. */
public final class SourceOptions {
    @Option(names = "--backupstore", paramLabel = "URL|DIR",
            description = "Read Longhorn's backupstore directly: an s3:// backup target URL (S3 settings from the "
                    + "environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINTS, AWS_CERT, "
                    + "VIRTUAL_HOSTED_STYLE, HTTP(S)_PROXY, NO_PROXY) or a local directory holding backupstore/ "
                    + "(a mounted NFS/CIFS share, a copy of the bucket).")
    String backupstore;

    @Option(names = "--target-url", paramLabel = "URL",
            description = "With a directory: the backup target URL Longhorn knows it by (e.g. nfs://nas:/export), "
                    + "so backup URLs match Longhorn's fromBackup.")
    String targetUrl;

    @Option(names = "--longhorn", paramLabel = "URL",
            description = "Longhorn manager REST API, e.g. http://longhorn-backend.longhorn-system.svc:9500. User "
                    + "info (https://user:password@longhorn.example/) is sent as HTTP basic authentication and never "
                    + "printed.")
    String longhorn;

    @Option(names = "--kubernetes", description = "Read backups from Longhorn's CRDs through the Kubernetes API "
            + "(current kubeconfig context or in-cluster, unless the command names another).")
    boolean kubernetes;

    @Option(names = "--backup-target", paramLabel = "NAME", defaultValue = "default",
            description = "Longhorn backup target name (1.8+). Default: ${DEFAULT-VALUE}.")
    String backupTarget;

    @Option(names = "--longhorn-namespace", paramLabel = "NS", defaultValue = "longhorn-system",
            description = "Longhorn's namespace. Default: ${DEFAULT-VALUE}.")
    String longhornNamespace;

    @Option(names = "--sync-wait", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "With --longhorn or --kubernetes: how long to wait for Longhorn to sync its view of the backup "
                    + "target (it is asked to) before answering with what is synced; what is not is listed and the "
                    + "command exits 5. 0 checks once. Default: ${DEFAULT-VALUE}.")
    Duration syncWait;

    /** Connections for these options (the catalog waits up to {@code --sync-wait} for Longhorn to sync). */
    Connections open(CliContext ctx, KubernetesOptions kube) {
        return new Connections(settings(ctx), kube.factory(ctx));
    }

    /** The settings for {@link Connections}. */
    Connections.Settings settings(CliContext ctx) {
        return new Connections.Settings(Optional.ofNullable(backupstore), Optional.ofNullable(targetUrl),
                Optional.ofNullable(longhorn), kubernetes, backupTarget, longhornNamespace, syncWait, ctx.env());
    }
}

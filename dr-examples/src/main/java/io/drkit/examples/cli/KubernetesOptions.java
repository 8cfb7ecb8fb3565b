package io.drkit.examples.cli;

import io.drkit.examples.support.KubernetesAccess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** Which cluster: {@code --kubeconfig FILE} and {@code --context NAME}, on every command that talks to Kubernetes. */
public final class KubernetesOptions {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig file to use (default: the files KUBECONFIG lists, else ~/.kube/config, else the "
                    + "in-cluster service account).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "Context of the kubeconfig to use (default: its current-context).")
    String context;

    /** Makes the command's Kubernetes client: from the file and context given, else the context's default. */
    Supplier<KubernetesClient> factory(CliContext ctx) {
        if (kubeconfig == null && context == null) {
            return ctx.kubernetes();
        }
        return () -> KubernetesAccess.client(Optional.ofNullable(kubeconfig), Optional.ofNullable(context), ctx.env());
    }
}

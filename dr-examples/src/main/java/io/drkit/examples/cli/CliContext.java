package io.drkit.examples.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the CLI runs against: its output streams, the environment (for the backup-target Secret keys), how it gets a
 * Kubernetes client, whether it has a terminal (progress bars), and the clock. Tests and the drill pass their own.
 *
 * @param out        standard output (results: tables or JSON)
 * @param err        standard error (progress bars, warnings, errors)
 * @param env        environment variables
 * @param kubernetes makes a Kubernetes client (kubeconfig or in-cluster by default)
 * @param terminal   whether progress bars may be drawn on {@code err}
 * @param clock      the clock for ages and plan timestamps
 */
public record CliContext(PrintStream out, PrintStream err, Map<String, String> env,
                         Supplier<KubernetesClient> kubernetes, boolean terminal, Clock clock) {

    /** Validates. */
    public CliContext {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        env = Map.copyOf(Objects.requireNonNullElse(env, Map.of()));
        Objects.requireNonNull(kubernetes, "kubernetes");
        Objects.requireNonNull(clock, "clock");
    }

    /** The real process: {@code System.out/err}, {@code System.getenv()}, kubeconfig, a terminal if there is one. */
    public static CliContext system() {
        return new CliContext(System.out, System.err, System.getenv(), () -> new KubernetesClientBuilder().build(),
                System.console() != null, Clock.systemUTC());
    }
}

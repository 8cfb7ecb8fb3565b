package io.drkit.examples.cli;

import io.drkit.examples.support.Connections;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a plan is carried out: the options of {@code dr apply} and {@code dr restore}. */
public final class ApplyOptions {
    @Option(names = "--via", paramLabel = "kubernetes|longhorn", defaultValue = "kubernetes",
            description = "Restore through Longhorn's CRDs and the Kubernetes API (pre-binds PVs with a claimRef), or "
                    + "Longhorn's REST API (needs --longhorn). Default: ${DEFAULT-VALUE}.")
    String via;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "Restores running at once. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--step-timeout", paramLabel = "DURATION", defaultValue = "2h", converter = DurationConverter.class,
            description = "Time allowed for one claim, restore included. Default: ${DEFAULT-VALUE}.")
    Duration stepTimeout;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often restore progress is read. Default: ${DEFAULT-VALUE}.")
    Duration pollInterval;

    Connections.Via via() {
        return switch (via.toLowerCase(java.util.Locale.ROOT)) {
            case "kubernetes", "k8s" -> Connections.Via.KUBERNETES;
            case "longhorn", "rest" -> Connections.Via.LONGHORN;
            default -> throw new io.drkit.core.InvalidInputException("--via must be kubernetes or longhorn, not '" + via + "'");
        };
    }
}

package io.drkit.examples.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;

/** Runs the CLI in-process with captured output, a fixed clock and a chosen Kubernetes client factory. */
final class CliHarness {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    private final Map<String, String> env;
    private final Supplier<KubernetesClient> kubernetes;

    CliHarness(Map<String, String> env, Supplier<KubernetesClient> kubernetes) {
        this.env = env;
        this.kubernetes = kubernetes;
    }

    static CliHarness offline() {
        return new CliHarness(Map.of(), () -> {
            throw new io.drkit.core.UnavailableException("no cluster in this test");
        });
    }

    /** A context writing nowhere, with this harness's environment, Kubernetes client factory and clock. */
    CliContext context() {
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream(), true);
        return new CliContext(nowhere, nowhere, env, kubernetes, false, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, kubernetes, false,
                Clock.fixed(NOW, ZoneOffset.UTC));
        int code = DrCli.run(ctx, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.drkit.core.JsonLimits;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr} holds {@code -Xmx256m} on hostile sizes (issue 11, item 10): a Longhorn list of a GiB and more, and a plan
 * of 100,000 steps, each fail with an error naming the bound instead of running out of memory. Run in a child JVM
 * with that heap, as {@code java -Xmx256m -jar dr.jar} would.
 */
class DrCliMemoryBoundsTest {
    @TempDir
    Path work;

    @Test
    void aGibibyteLonghornAnswerAndAHundredThousandStepPlanFailOnTheirBoundsUnder256MiB() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicLong sent = new AtomicLong();
        String item = "{\"id\":\"pvc-%d\",\"name\":\"pvc-%d\",\"volumeName\":\"pvc-%d\",\"size\":\"1073741824\","
                + "\"created\":\"2026-09-03T10:05:00Z\",\"lastBackupName\":\"backup-1\",\"labels\":{\"KubernetesStatus\":"
                + "\"{\\\"namespace\\\":\\\"ns\\\",\\\"pvcName\\\":\\\"data\\\"}\"},\"messages\":{\"note\":\""
                + "x".repeat(4000) + "\"},\"links\":{\"self\":\"http://longhorn/v1/backupvolumes/pvc\"}}";
        server.createContext("/v1/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/v1/backuptargets")) { // a synced, available target
                byte[] b = ("{\"type\":\"collection\",\"data\":[{\"id\":\"default\",\"name\":\"default\","
                        + "\"type\":\"backupTarget\",\"available\":true,\"backupTargetURL\":\"s3://backups@us-east-1/\","
                        + "\"pollInterval\":\"5m0s\",\"message\":\"\"}]}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, b.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(b);
                }
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/v1/backupvolumes")) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0); // chunked: no length to refuse up front
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("{\"type\":\"collection\",\"data\":[".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; sent.get() < (3L << 30); i++) {
                    byte[] b = ((i == 0 ? "" : ",") + item.formatted(i, i, i)).getBytes(StandardCharsets.UTF_8);
                    out.write(b);
                    sent.addAndGet(b.length);
                }
            } catch (IOException e) {
                // the client stopped reading: expected
            } finally {
                exchange.close();
            }
        });
        server.start();
        try {
            Path plan = hundredThousandStepPlan();

            ChildCli.Result r = ChildCli.run(work, List.of("-Xmx256m"), Map.of(), List.of(
                    List.of("volumes", "--longhorn", "http://127.0.0.1:" + server.getAddress().getPort()),
                    List.of("apply", plan.toString(), "--no-catalog-check")));

            assertThat(r.exitCodes()).as(r.toString()).containsExactly(ExitCodes.UNAVAILABLE, ExitCodes.USAGE);
            assertThat(r.all()).as(r.toString()).doesNotContain("OutOfMemoryError")
                    .contains("Longhorn API response exceeds a limit: Document length")
                    .contains("restore plan field steps has more than " + JsonLimits.PLAN.maxEntries() + " entries (limit)");
            assertThat(sent.get()).isLessThan(3L << 30);
        } finally {
            server.stop(0);
        }
    }

    /** A valid-looking plan of 100,000 small steps (about 40 MB, under the document bound). */
    private Path hundredThousandStepPlan() throws IOException {
        Path file = work.resolve("huge-plan.json");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"kind\":\"RestorePlan\",\"schemaVersion\":1,\"createdAt\":\"2026-11-26T12:00:00Z\",\"source\":\"x\","
                    + "\"request\":{\"all\":true},\"steps\":[");
            for (int i = 0; i < 100_000; i++) {
                w.write((i == 0 ? "" : ",") + ("{\"pvc\":\"ns/c%d\",\"volumeName\":\"v%d\",\"pvName\":\"v%d\",\"sizeBytes\":1,"
                        + "\"accessModes\":[\"ReadWriteOnce\"],\"backup\":{\"name\":\"b-%d\",\"volumeName\":\"v-%d\","
                        + "\"state\":\"COMPLETED\",\"url\":\"s3://b@r/?backup=b-%d&volume=v-%d\"}}")
                        .formatted(i, i, i, i, i, i, i));
            }
            w.write("],\"skips\":[],\"warnings\":[]}");
        }
        assertThat(Files.size(file)).isLessThan(JsonLimits.PLAN.maxDocumentBytes());
        return file;
    }
}

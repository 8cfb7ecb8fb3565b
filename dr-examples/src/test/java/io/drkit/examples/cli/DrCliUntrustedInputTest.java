package io.drkit.examples.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dr} against hostile input (issue 11): hand-edited plans (item 4), control characters in names and arguments,
 * errors that named their place twice, and a Longhorn that answers 200 with nothing (item 12).
 */
class DrCliUntrustedInputTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String HOSTILE = "x\u001b]0;pwned\u0007\u001b[2J\rY\u202e";

    @TempDir
    static Path dir;
    static Path store;
    static String plan;

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").notifier(new ConsoleNotifier(false)))
            .build();

    private final CliHarness cli = CliHarness.offline();

    @BeforeAll
    static void writeStore() {
        store = dir.resolve("store");
        ExampleStore.writeDirectory(store);
        CliHarness.Result r = CliHarness.offline().run("plan", "--backupstore", store.toString(), "--offline",
                "--group", "critical", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        plan = r.out();
    }

    /** The plan with the karakeep step edited, written to a file. */
    private static Path edited(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) M.readTree(plan);
        for (JsonNode s : root.get("steps")) {
            if (s.get("pvc").asText().equals("karakeep/data-pvc")) {
                edit.accept((ObjectNode) s);
            }
        }
        return Files.writeString(Files.createTempFile(dir, "plan", ".json"), M.writeValueAsString(root));
    }

    private static JsonNode step(String pvc) throws IOException {
        for (JsonNode s : M.readTree(plan).get("steps")) {
            if (s.get("pvc").asText().equals(pvc)) {
                return s;
            }
        }
        throw new AssertionError(pvc);
    }

    private static int karakeep() throws IOException {
        ArrayNode steps = (ArrayNode) M.readTree(plan).get("steps");
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).get("pvc").asText().equals("karakeep/data-pvc")) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @Test
    void applyRefusesAPlanWhoseUrlPointsAtAnotherVolumesBackup() throws IOException {
        String immichUrl = step("immich/library").get("backup").get("url").asText();
        Path file = edited(s -> ((ObjectNode) s.get("backup")).put("url", immichUrl));

        CliHarness.Result r = cli.run("apply", file.toString(), "--backupstore", store.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("steps[" + karakeep() + "].backup.url").contains("pvc-immich");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "pvName | a/b | pvName",
        "fsType | ../../bin/sh | fsType",
        "backup.state | IN_PROGRESS | backup.state",
        "backup.name | ../../x | backup.name",
        "volumeName | Bad_Volume | volumeName",
        "accessModes | ReadWriteSometimes | accessModes[0]",
        "replicas | -1 | replicas",
    })
    void applyRefusesAHandEditedStepWhenThePlanIsReadWithItsPathAndExitCode2(String field, String value, String path)
            throws IOException {
        Path file = edited(s -> {
            ObjectNode target = field.startsWith("backup.") ? (ObjectNode) s.get("backup") : s;
            String f = field.startsWith("backup.") ? field.substring(7) : field;
            switch (f) {
                case "accessModes" -> target.putArray(f).add(value);
                case "replicas" -> target.put(f, Integer.parseInt(value));
                default -> target.put(f, value);
            }
        });

        CliHarness.Result r = cli.run("apply", file.toString(), "--backupstore", store.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("plan document: steps[" + karakeep() + "]." + path + ":");
    }

    @Test
    void applyChecksEveryBackupAgainstTheCatalogBeforeCreatingAnything() throws IOException {
        JsonNode immich = step("immich/library").get("backup");
        Path forged = edited(s -> s.set("backup", immich.deepCopy()));

        CliHarness.Result r = cli.run("apply", forged.toString(), "--backupstore", store.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("plan refused, nothing was changed")
                .contains("was taken of claim immich/library, not of karakeep/data-pvc");
    }

    @Test
    void applyWithoutABackupSourceToCheckAgainstSaysSo() throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "plan", ".json"), plan);

        CliHarness.Result r = cli.run("apply", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--no-catalog-check");
    }

    @Test
    void controlCharactersInStoreNamesAndArgumentsAreShownEscaped() throws IOException {
        Path evil = store.getParent().resolve("evil-store");
        ExampleStore.writeDirectory(evil);
        Path volumeCfg;
        try (Stream<Path> files = Files.walk(evil)) {
            volumeCfg = files.filter(p -> p.endsWith(Path.of("pvc-immich", "volume.cfg"))).findFirst().orElseThrow();
        }
        Path hostileVolume = Files.createDirectories(volumeCfg.getParent().resolveSibling("pvc-" + HOSTILE));
        Files.copy(volumeCfg, hostileVolume.resolve("volume.cfg"));

        CliHarness.Result table = cli.run("volumes", "--backupstore", evil.toString());
        CliHarness.Result missing = cli.run("backups", "pvc-" + HOSTILE, "--backupstore", evil.toString());
        CliHarness.Result option = cli.run("volumes", "--nope" + HOSTILE);
        CliHarness.Result json = cli.run("volumes", "--backupstore", evil.toString(), "-o", "json");

        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("x\\u001b]0;pwned\\u0007\\u001b[2J\\u000dY\\u202e");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(option.exitCode()).isEqualTo(ExitCodes.USAGE);
        for (CliHarness.Result r : new CliHarness.Result[] {table, missing, option, json}) {
            assertThat(r.out() + r.err()).as(r.toString()).doesNotContain("\u001b", "\u0007", "\r", "\u202e");
        }
        assertThat(M.readTree(json.out()).get("skipped").findValuesAsText("location"))
                .anySatisfy(l -> assertThat(l).endsWith("pvc-" + HOSTILE + "/"));
    }

    @Test
    void anErrorNamesTheLocationOfBadDataOnce() throws IOException {
        Path broken = store.getParent().resolve("broken-store");
        ExampleStore.writeDirectory(broken);
        Path cfg;
        try (Stream<Path> files = Files.walk(broken)) {
            cfg = files.filter(p -> p.getFileName().toString().equals("backup_backup-bbbb000000000001.cfg"))
                    .findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(cfg);
        Files.write(cfg, java.util.Arrays.copyOf(whole, 100));

        CliHarness.Result r = cli.run("restore-to-file", "pvc-immich", "--backupstore", broken.toString(), "--backup",
                "backup-bbbb000000000001", "--output", dir.resolve("immich.img").toString());

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        String line = r.err().lines().filter(l -> l.startsWith("dr restore-to-file:")).findFirst().orElseThrow();
        assertThat(line.split("\\(at ", -1)).as(line).hasSize(2);
    }

    @Test
    void aLonghornThatAnswers200WithNothingIsUnavailableNotAnEmptyList() {
        wm.stubFor(get(urlPathMatching("/v1/schemas/.*")).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get("/v1/backuptargets").willReturn(aResponse().withStatus(200).withHeader("Content-Type",
                "application/json").withBody("{\"type\":\"collection\",\"data\":[{\"id\":\"default\",\"name\":"
                + "\"default\",\"type\":\"backupTarget\",\"available\":true,\"backupTargetURL\":\"s3://b@r/\","
                + "\"pollInterval\":\"5m0s\",\"message\":\"\"}]}")));
        wm.stubFor(get("/v1/backupvolumes").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")));

        CliHarness.Result r = cli.run("volumes", "--longhorn", wm.baseUrl());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.out()).doesNotContain("backup volume(s)");
        assertThat(r.err()).contains("empty body").contains("HTTP 200 to GET /v1/backupvolumes");
    }
}

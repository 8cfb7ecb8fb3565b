package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.examples.support.InProcessKubernetes;
import io.drkit.examples.support.LoopbackServers;
import io.drkit.examples.support.LoopbackServers.Blackhole;
import io.drkit.examples.support.LoopbackServers.StubHttpServer;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command checks the backends it needs once, up front, with a short timeout: an unreachable Kubernetes API
 * server, Longhorn or bucket ends it with exit code 5 within seconds, naming what was tried and the way out, and
 * {@code apply}/{@code restore} start no step. All servers are on loopback: closed ports, blackholes (accept and never
 * answer), stub servers with a fixed answer, and the in-process Kubernetes API.
 */
class DrCliPreflightTest {
    private static final String PLAN_FILE = "{plan}";
    private static final String STORE = "{store}";

    @TempDir
    static Path dir;
    static Path store;
    static Path planFile;

    /** A harness whose default Kubernetes client must never be used: the tests name the cluster with --kubeconfig. */
    private static CliHarness cli(Map<String, String> env) {
        return new CliHarness(env, () -> {
            throw new AssertionError("the default Kubernetes client was used instead of --kubeconfig/--context");
        });
    }

    @BeforeAll
    static void storeAndPlan() throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        ExampleStore.writeDirectory(store);
        CliHarness.Result plan = CliHarness.offline().run("plan", "--backupstore", store.toString(), "--offline",
                "--group", "critical", "-o", "json");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        planFile = Files.writeString(dir.resolve("plan.json"), plan.out());
    }

    /** Every command that talks to Kubernetes, with arguments that make it need the cluster; true: it has --offline. */
    static Stream<Arguments> clusterCommands() {
        return Stream.of(
                Arguments.of(List.of("plan", "--backupstore", STORE, "--selector", "data-tier=critical"), true),
                Arguments.of(List.of("restore", "--backupstore", STORE, "--group", "critical"), true),
                Arguments.of(List.of("apply", PLAN_FILE, "--no-catalog-check"), false),
                Arguments.of(List.of("volumes", "--kubernetes"), false),
                Arguments.of(List.of("backups", "pvc-karakeep", "--kubernetes"), false),
                Arguments.of(List.of("audit", "--backupstore", STORE), true),
                Arguments.of(List.of("policy", "audit"), false),
                Arguments.of(List.of("policy", "apply"), false),
                Arguments.of(List.of("lint"), false));
    }

    private static String[] args(List<String> command, String... more) {
        List<String> a = new ArrayList<>();
        for (String s : command) {
            a.add(s.equals(STORE) ? store.toString() : s.equals(PLAN_FILE) ? planFile.toString() : s);
        }
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static void assertUnavailableWithTheWayOut(CliHarness.Result r, Path kubeconfig, boolean offline) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).as(r.toString()).contains("the Kubernetes API server")
                .contains("kubeconfig " + kubeconfig).contains("context dr-test")
                .contains("--kubeconfig FILE or --context NAME").doesNotContain("token-of-");
        if (offline) {
            assertThat(r.err()).contains("--offline");
        }
        assertThat(r.out()).as("nothing was planned, listed or restored").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("clusterCommands")
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyClusterCommandFailsFastWhenTheApiServerRefusesConnections(List<String> command, boolean offline) {
        Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("refused.yaml"), "dr-test=" + LoopbackServers.closedUrl());
        CliHarness.Result r = cli(Map.of()).run(args(command, "--kubeconfig", kubeconfig.toString()));
        assertUnavailableWithTheWayOut(r, kubeconfig, offline);
        assertThat(r.err()).contains("is unreachable: connection refused");
    }

    @ParameterizedTest
    @MethodSource("clusterCommands")
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyClusterCommandFailsFastWhenTheApiServerNeverAnswers(List<String> command, boolean offline) {
        try (Blackhole hole = new Blackhole()) {
            Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("blackhole.yaml"), "dr-test=" + hole.url());
            CliHarness.Result r = cli(Map.of("DRKIT_CONNECT_TIMEOUT", "1s"))
                    .run(args(command, "--kubeconfig", kubeconfig.toString()));
            assertUnavailableWithTheWayOut(r, kubeconfig, offline);
            assertThat(r.err()).contains("did not answer within 1s").contains("--connect-timeout DURATION");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theReadmePlanBySelectorGivesUpWithinTheDefaultTimeoutOnAServerThatNeverAnswers() {
        try (Blackhole hole = new Blackhole()) {
            Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("readme.yaml"), "dr-test=" + hole.url());
            CliHarness.Result r = cli(Map.of("KUBECONFIG", kubeconfig.toString())).run("plan", "--backupstore",
                    store.toString(), "--selector", "data-tier=critical", "--context", "dr-test");
            assertUnavailableWithTheWayOut(r, kubeconfig, true);
            assertThat(r.err()).contains("did not answer within 5s");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theConnectTimeoutFlagWinsOverTheEnvironmentAndIsAcceptedBeforeOrAfterTheCommand() {
        try (Blackhole hole = new Blackhole()) {
            Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("flag.yaml"), "dr-test=" + hole.url());
            CliHarness env = cli(Map.of("DRKIT_CONNECT_TIMEOUT", "30s"));
            CliHarness.Result before = env.run("--connect-timeout", "1500ms", "lint", "--kubeconfig", kubeconfig.toString());
            assertThat(before.exitCode()).as(before.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(before.err()).contains("did not answer within 1500ms");
            CliHarness.Result after = env.run("lint", "--kubeconfig", kubeconfig.toString(), "--connect-timeout", "1s");
            assertThat(after.exitCode()).as(after.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(after.err()).contains("did not answer within 1s");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "0s", "1h"})
    void aBadConnectTimeoutIsAUsageErrorNamingWhereItCameFrom(String value) {
        CliHarness.Result env = cli(Map.of("DRKIT_CONNECT_TIMEOUT", value)).run("lint");
        assertThat(env.exitCode()).as(env.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(env.err()).contains("DRKIT_CONNECT_TIMEOUT");
        if (!value.equals("soon")) {
            CliHarness.Result flag = cli(Map.of()).run("lint", "--connect-timeout", value);
            assertThat(flag.exitCode()).as(flag.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(flag.err()).contains("--connect-timeout");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void applyToAnApiServerThatFailsStartsNoStep() {
        try (StubHttpServer api = new StubHttpServer(503, "{\"kind\":\"Status\",\"code\":503}")) {
            Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("503.yaml"), "dr-test=" + api.url());
            CliHarness.Result r = cli(Map.of()).run("apply", planFile.toString(), "--kubeconfig", kubeconfig.toString(),
                    "--poll-interval", "10ms", "--no-catalog-check");
            assertUnavailableWithTheWayOut(r, kubeconfig, false);
            assertThat(r.err()).contains("answered HTTP 503").contains("--via longhorn --longhorn URL");
            assertThat(api.requests()).as("only the check, no step").containsExactly("GET /version");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void applyThroughLonghornThatFailsStartsNoStep() {
        try (StubHttpServer longhorn = new StubHttpServer(503, "{\"type\":\"error\",\"message\":\"overloaded\"}")) {
            CliHarness.Result r = CliHarness.offline().run("apply", planFile.toString(), "--via", "longhorn",
                    "--longhorn", longhorn.url(), "--poll-interval", "10ms");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err()).contains("Longhorn's manager API " + longhorn.url()).contains("answered HTTP 503")
                    .contains("--longhorn URL");
            assertThat(r.out()).as("no report: no step ran").isEmpty();
            assertThat(longhorn.requests()).as("only the check, no step").containsExactly("GET /v1/backuptargets");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void applyThroughLonghornThatRefusesConnectionsExitsWith5() {
        String url = LoopbackServers.closedUrl();
        CliHarness.Result r = CliHarness.offline().run("apply", planFile.toString(), "--via", "longhorn",
                "--longhorn", url, "--poll-interval", "10ms");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("Longhorn's manager API " + url).contains("connection refused")
                .contains("--via kubernetes").contains("--longhorn URL");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void volumesFromLonghornThatNeverAnswersExitsWith5() {
        try (Blackhole hole = new Blackhole()) {
            CliHarness.Result r = CliHarness.offline().run("volumes", "--longhorn", hole.url(), "--connect-timeout", "1s");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err()).contains("Longhorn's manager API").contains("did not answer within 1s")
                    .contains("--backupstore URL|DIR to read the backupstore directly instead");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void wrongCredentialsAreAccessDeniedWithExitCode5() {
        try (StubHttpServer api = new StubHttpServer(401, "{\"kind\":\"Status\",\"code\":401,\"message\":\"Unauthorized\"}");
             StubHttpServer longhorn = new StubHttpServer(403, "{\"type\":\"error\",\"message\":\"forbidden\"}")) {
            Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("401.yaml"), "dr-test=" + api.url());
            CliHarness.Result k = cli(Map.of()).run("policy", "audit", "--kubeconfig", kubeconfig.toString());
            assertThat(k.exitCode()).as(k.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(k.err()).contains("access denied").contains("HTTP 401").doesNotContain("token-of-");
            CliHarness.Result l = CliHarness.offline().run("volumes", "--longhorn", longhorn.url());
            assertThat(l.exitCode()).as(l.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(l.err()).contains("access denied").contains("HTTP 403");
        }
    }

    @Test
    void aKubeconfigFilePointingAtAWorkingApiServerIsUsed() {
        try (InProcessKubernetes k8s = InProcessKubernetes.start()) {
            k8s.newClient("test-admin").persistentVolumeClaims().inNamespace("karakeep").resource(
                    new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("karakeep").withName("data-pvc")
                            .addToLabels("data-tier", "critical").endMetadata().withNewSpec()
                            .withAccessModes("ReadWriteOnce").withStorageClassName("longhorn").withNewResources()
                            .addToRequests("storage", new Quantity("16Mi")).endResources().endSpec().build()).create();
            Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("working.yaml"),
                    "dead=" + LoopbackServers.closedUrl(), "dr-test=" + k8s.url());

            CliHarness.Result plan = cli(Map.of()).run("plan", "--backupstore", store.toString(), "--selector",
                    "data-tier=critical", "--kubeconfig", kubeconfig.toString(), "--context", "dr-test", "-o", "json");
            assertThat(plan.exitCode()).as(plan.toString()).isZero();
            assertThat(plan.out()).contains("\"clusterAware\" : true").contains("karakeep/data-pvc");

            CliHarness.Result policy = cli(Map.of("KUBECONFIG", kubeconfig.toString())).run("policy", "audit",
                    "--context", "dr-test");
            assertThat(policy.exitCode()).as(policy.toString()).isEqualTo(ExitCodes.VIOLATIONS);
            assertThat(policy.out()).contains("JOB_MISSING");

            CliHarness.Result current = cli(Map.of()).run("lint", "--kubeconfig", kubeconfig.toString());
            assertThat(current.exitCode()).as("the current context is the dead one").isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(current.err()).contains("context dead");
        }
    }

    @Test
    void anUnknownContextOrAMissingKubeconfigIsAUsageError() {
        Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("two.yaml"), "dr-test=" + LoopbackServers.closedUrl(),
                "other=" + LoopbackServers.closedUrl());
        CliHarness.Result unknown = cli(Map.of()).run("lint", "--kubeconfig", kubeconfig.toString(), "--context", "prod");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("context 'prod'").contains(kubeconfig.toString()).contains("dr-test, other");

        CliHarness.Result viaEnv = cli(Map.of("KUBECONFIG", kubeconfig.toString())).run("policy", "audit", "--context", "prod");
        assertThat(viaEnv.exitCode()).as(viaEnv.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(viaEnv.err()).contains("context 'prod'").contains("KUBECONFIG=" + kubeconfig);

        Path missing = dir.resolve("no-such-kubeconfig");
        CliHarness.Result gone = cli(Map.of()).run("plan", "--backupstore", store.toString(), "--all",
                "--kubeconfig", missing.toString());
        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(gone.err()).contains("--kubeconfig " + missing + ": no such file");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theMessageNamesTheKubeconfigFileOfTheContextWhenKubeconfigListsSeveral() {
        Path first = LoopbackServers.kubeconfig(dir.resolve("a/config"), "alpha=" + LoopbackServers.closedUrl());
        Path second = LoopbackServers.kubeconfig(dir.resolve("b/config"), "dr-test=" + LoopbackServers.closedUrl());
        String list = dir.resolve("missing/config") + File.pathSeparator + first + File.pathSeparator + second;
        CliHarness.Result r = cli(Map.of("KUBECONFIG", list)).run("lint", "--context", "dr-test");
        assertUnavailableWithTheWayOut(r, second, false);
    }

    @Test
    void offlineCommandsDoNotTouchTheCluster() {
        Path kubeconfig = LoopbackServers.kubeconfig(dir.resolve("offline.yaml"), "dr-test=" + LoopbackServers.closedUrl());
        CliHarness.Result r = cli(Map.of()).run("plan", "--backupstore", store.toString(), "--group", "critical",
                "--offline", "--kubeconfig", kubeconfig.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUnreachableBucketIsExitCode5NamingTheBucketAndEndpoint() {
        String endpoint = LoopbackServers.closedUrl();
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t-value",
                "AWS_ENDPOINTS", endpoint);
        for (String command : List.of("volumes", "verify")) {
            CliHarness.Result r = cli(env).run(command, "--backupstore", "s3://lh-backups@us-east-1/cluster-a/");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err()).contains("the backupstore s3://lh-backups@us-east-1/").contains(endpoint)
                    .contains("connection refused").contains("--backupstore URL|DIR").doesNotContain("s3cr3t-value");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBucketThatNeverAnswersGivesUpWithinTheDefaultTimeoutDespiteTheSdksRetries() {
        try (Blackhole hole = new Blackhole()) {
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t-value",
                    "AWS_ENDPOINTS", hole.url());
            CliHarness.Result r = cli(env).run("volumes", "--backupstore", "s3://lh-backups@us-east-1/");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err()).contains("the backupstore s3://lh-backups@us-east-1/").contains("did not answer within 5s");
            assertThat(hole.accepted()).as("one attempt, no retry").isEqualTo(1);
        }
    }

    @Test
    void aReachableBucketAndDirectoryPassTheCheck() {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.startTransient()) {
            BackupTarget target = BackupTarget.parse("s3://empty@us-east-1/");
            s3.createBucket("empty").close();
            CliHarness.Result r = cli(s3.longhornSecret()).run("volumes", "--backupstore", target.url());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("0 backup volume(s)");
            CliHarness.Result noBucket = cli(s3.longhornSecret()).run("volumes", "--backupstore", "s3://nope@us-east-1/");
            assertThat(noBucket.exitCode()).as(noBucket.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(noBucket.err()).contains("nope");
        }
        assertThat(cli(Map.of()).run("volumes", "--backupstore", store.toString()).exitCode()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "restore-to-file", "drill"})
    void commandsThatNeverTalkToKubernetesDoNotOfferItsOptions(String command) {
        CliHarness.Result r = cli(Map.of()).run(command, "--help");
        assertThat(r.out()).doesNotContain("--kubeconfig=").doesNotContain("--context=");
        assertThat(cli(Map.of()).run("plan", "--help").out()).contains("--kubeconfig=FILE").contains("--context=NAME")
                .contains("--connect-timeout=DURATION");
    }
}

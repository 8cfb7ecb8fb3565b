package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets planted everywhere a user may put them (user info in {@code --longhorn}, a query token, the S3 secret key,
 * a session token, user info in {@code AWS_ENDPOINTS}) never appear in anything {@code dr} prints: standard output,
 * standard error, drkit's own logs at DEBUG, stack traces of {@code --debug} (issue 11, item 3). Every command runs
 * as {@code java -jar dr.jar} would, in a child JVM whose whole output is captured.
 */
class DrCliSecretsTest {
    private static final String TARGET = "s3://lh-backups@us-east-1/cluster-a/";
    private static final String LONGHORN_PASSWORD = "PWlonghorn-7f3a9e";
    private static final String QUERY_TOKEN = "QTOKENc0ffee42";
    private static final String SESSION_TOKEN = "SESSIONtoken5d1e77";
    private static final String ENDPOINT_PASSWORD = "PWendpoint-91c2b8";

    @TempDir
    Path work;

    @Test
    void noPlantedSecretAppearsInAnyOutputOfAnyCommand() throws Exception {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.startTransient();
             LonghornSimulator longhorn = LonghornSimulator.start(LonghornVersion.V1_9).restorePolls(1)) {
            BackupTarget target = BackupTarget.parse(TARGET);
            s3.createBucket("lh-backups").close();
            try (S3ObjectSource sink = S3ObjectSource.forTarget(target, s3.longhornSecret())) {
                ExampleStore.write(sink, target);
            }
            longhorn.backupTarget("default", TARGET, true, "");
            longhorn.backup("pvc-karakeep", ExampleStore.KARAKEEP_NEWEST).pvc(PvcRef.parse("karakeep/data-pvc"))
                    .volumeSize(16L << 20).publish();

            Map<String, String> env = new HashMap<>(s3.longhornSecret());
            env.put("AWS_ENDPOINTS", s3.endpoint().toString().replace("://", "://s3user:" + ENDPOINT_PASSWORD + "@"));
            String lh = longhorn.baseUrl().replace("://", "://admin:" + LONGHORN_PASSWORD + "@") + "/?token="
                    + QUERY_TOKEN;
            String deadLonghorn = "http://admin:" + LONGHORN_PASSWORD + "@127.0.0.1:9/?token=" + QUERY_TOKEN;
            String tokenTarget = TARGET + "?token=" + QUERY_TOKEN;

            CliHarness.Result planned = new CliHarness(s3.longhornSecret(), () -> null)
                    .run("plan", "--backupstore", TARGET, "--pvc", "karakeep/data-pvc", "--offline", "-o", "json");
            assertThat(planned.exitCode()).as(planned.toString()).isZero();
            Path plan = Files.writeString(work.resolve("plan.json"), planned.out());
            String image = work.resolve("karakeep.img").toString();

            List<List<String>> commands = new ArrayList<>();
            // the raw store on S3, with the secret keys, a session token and AWS_ENDPOINTS with user info
            commands.add(List.of("volumes", "--backupstore", TARGET));
            commands.add(List.of("volumes", "--backupstore", TARGET, "-o", "json"));
            commands.add(List.of("backups", "pvc-karakeep", "--backupstore", TARGET, "-o", "json"));
            commands.add(List.of("plan", "--backupstore", TARGET, "--all", "--offline"));
            commands.add(List.of("plan", "--backupstore", TARGET, "--all", "--offline", "-o", "json"));
            commands.add(List.of("audit", "--backupstore", TARGET, "--offline"));
            commands.add(List.of("verify", "--backupstore", TARGET, "--level", "sample"));
            commands.add(List.of("restore-to-file", "pvc-karakeep", "--backupstore", TARGET, "--output", image));
            commands.add(List.of("apply", plan.toString(), "--backupstore", TARGET, "--via", "longhorn", "--longhorn",
                    lh, "--poll-interval", "20ms"));
            // Longhorn's REST API with user info and a query token in its URL
            commands.add(List.of("volumes", "--longhorn", lh));
            commands.add(List.of("backups", "pvc-karakeep", "--longhorn", lh, "-o", "json"));
            commands.add(List.of("plan", "--longhorn", lh, "--all", "--offline", "-o", "json"));
            commands.add(List.of("audit", "--longhorn", lh, "--offline"));
            commands.add(List.of("verify", "--longhorn", lh));
            commands.add(List.of("restore-to-file", "pvc-karakeep", "--longhorn", lh, "--output", image + "2"));
            commands.add(List.of("apply", plan.toString(), "--longhorn", lh, "--via", "longhorn", "--poll-interval",
                    "20ms", "-o", "json"));
            // failures, with stack traces
            commands.add(List.of("--debug", "volumes", "--longhorn", deadLonghorn));
            commands.add(List.of("--debug", "plan", "--backupstore", tokenTarget, "--all", "--offline"));
            commands.add(List.of("--debug", "apply", plan.toString(), "--target-url", tokenTarget, "--backupstore",
                    TARGET));

            ChildCli.Result r = ChildCli.run(work, List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.log.io.drkit=debug"),
                    env, commands);

            // a session token (the embedded S3 server refuses the header, so these fail: what they print counts)
            Map<String, String> withToken = new HashMap<>(env);
            withToken.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
            ChildCli.Result t = ChildCli.run(work, List.of("-Dorg.slf4j.simpleLogger.log.io.drkit=debug"), withToken,
                    List.of(List.of("volumes", "--backupstore", TARGET),
                            List.of("--debug", "restore-to-file", "pvc-karakeep", "--backupstore", TARGET, "--output",
                                    image + "3")));

            assertThat(t.exitCodes()).as(t.toString()).hasSize(2);
            assertThat(t.all()).as(t.toString()).doesNotContain(LONGHORN_PASSWORD, QUERY_TOKEN, SESSION_TOKEN,
                    ENDPOINT_PASSWORD, s3.secretKey());
            assertThat(r.exitCodes()).as(r.toString()).hasSize(commands.size());
            assertThat(r.exitCodes().subList(0, 9)).as(r.toString()).containsExactly(0, 0, 0, 0, 0, 4, 0, 0, 0);
            assertThat(r.exitCodes().get(9)).as(r.toString()).isZero();
            assertThat(r.exitCodes().get(15)).as(r.toString()).isZero();
            assertThat(r.exitCodes().subList(16, 19)).as(r.toString()).containsExactly(5, 2, 2);
            assertThat(r.out()).contains("pvc-karakeep").contains("RESTORED");
            assertThat(r.err()).contains("DEBUG"); // drkit's debug logs were captured too
            assertThat(r.all()).as(r.toString()).doesNotContain(LONGHORN_PASSWORD, QUERY_TOKEN, SESSION_TOKEN,
                    ENDPOINT_PASSWORD, s3.secretKey());
        }
    }
}

package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.examples.cli.CliContext;
import io.drkit.examples.cli.DrCli;
import io.drkit.kubernetes.RbacManifest;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.VerifyShard;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.NbdTools;
import io.drkit.s3.testing.WrittenBackup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verification base in {@code dr-examples/deploy/verify/}: it renders with {@code kubectl kustomize}, every object
 * loads without unknown fields and is accepted by the mock API server, the Indexed Job's own arguments verify every
 * volume exactly once over its completion indexes (the damaged volume failing exactly one shard), the documented
 * {@code jq} line merges the shards' logs, the overlay in its README keeps the shard counts consistent, and
 * {@code dr audit} uses exactly the permissions {@code rbac.yaml} grants while the verification pods get none.
 */
class VerifyManifestsTest {
    private static final Path DIR = Path.of("deploy", "verify");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAIN = "io.drkit.examples.cli.DrCli";
    private static final List<String> VOLUMES = List.of("pvc-a", "pvc-b", "pvc-c", "pvc-d", "pvc-e", "pvc-f");
    private static final String DAMAGED = "pvc-e";
    private static MockApiServer api;
    private static Map<String, List<HasMetadata>> manifests;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        api = new MockApiServer(new AtomicLong());
        manifests = new TreeMap<>();
        for (String file : resources()) {
            try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
                manifests.put(file, api.admin().load(in).items());
            }
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @SuppressWarnings("unchecked")
    private static List<String> resources() throws IOException {
        GenericKubernetesResource k = YAML.unmarshal(Files.readString(DIR.resolve("kustomization.yaml")),
                GenericKubernetesResource.class);
        assertThat(k.getKind()).isEqualTo("Kustomization");
        assertThat(k.getAdditionalProperties()).containsEntry("namespace", "longhorn-system");
        return (List<String>) k.getAdditionalProperties().get("resources");
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return manifests.values().stream().flatMap(Collection::stream).filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static void requireKubectl() {
        DeployManifestsTest.requireKubectl();
    }

    private static String kustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    // ---------------------------------------------------------------- files and objects

    @Test
    void theKustomizationListsEveryManifestAndTheApiServerAcceptsEachWithoutUnknownFields() throws IOException {
        Set<String> yamlFiles;
        try (Stream<Path> files = Files.list(DIR)) {
            yamlFiles = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.startsWith("kustomization.")).collect(Collectors.toSet());
        }
        assertThat(resources()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(yamlFiles);
        assertThat(DIR.resolve("README.md")).isRegularFile();

        KubernetesClient client = api.admin();
        List<String> applied = new ArrayList<>();
        manifests.forEach((file, items) -> {
            for (HasMetadata item : items) {
                String where = file + ": " + item.getKind() + " " + item.getMetadata().getName();
                List<String> unknown = new ArrayList<>();
                DeployManifestsTest.unknownFields(item, item.getKind(), unknown);
                assertThat(unknown).as(where + ": fields fabric8's model does not know (typos?)").isEmpty();
                assertThat(client.resource(item).create().getMetadata().getUid()).as(where).isNotNull();
                assertThat(client.resource(item).get()).as(where + " read back").isNotNull();
                applied.add(item.getKind() + "/" + item.getMetadata().getName());
            }
        });
        assertThat(applied).containsExactlyInAnyOrder("ServiceAccount/drkit-verify", "ServiceAccount/drkit-audit",
                "ClusterRole/drkit-audit", "Role/drkit-audit", "ClusterRoleBinding/drkit-audit", "RoleBinding/drkit-audit",
                "ConfigMap/drkit-verify", "Job/drkit-verify", "CronJob/drkit-verify-sample", "CronJob/drkit-audit");
    }

    @Test
    void kubectlKustomizeRendersExactlyTheObjectsOfTheFilesInLonghornsNamespace() throws Exception {
        requireKubectl();
        List<HasMetadata> rendered = api.admin().load(new ByteArrayInputStream(kustomize(DIR).getBytes(StandardCharsets.UTF_8)))
                .items();

        assertThat(rendered).containsExactlyInAnyOrderElementsOf(manifests.values().stream().flatMap(Collection::stream).toList());
        for (HasMetadata o : rendered) {
            if (!o.getKind().startsWith("Cluster")) {
                assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                        .isEqualTo("longhorn-system");
            }
        }
    }

    // ---------------------------------------------------------------- the pods

    /** The shard count {@code N} of {@code --shard auto/N} in a container's arguments. */
    private static int shardCount(Container c) {
        List<String> args = c.getArgs();
        int i = args.indexOf("--shard");
        assertThat(i).as("--shard in " + args).isNotNegative();
        assertThat(args.get(i + 1)).startsWith("auto/");
        return Integer.parseInt(args.get(i + 1).substring("auto/".length()));
    }

    private static void assertRunsTheDrCliLockedDown(PodSpec pod, Container c, String serviceAccount, boolean token) {
        assertThat(pod.getServiceAccountName()).isEqualTo(serviceAccount);
        assertThat(named(ServiceAccount.class, serviceAccount)).isNotNull();
        if (!token) {
            assertThat(pod.getAutomountServiceAccountToken()).as("no API access, no token").isFalse();
        }
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(c.getCommand()).endsWith(MAIN).contains("/opt/drkit/dr.jar");
        assertThat(c.getArgs()).contains("$(DRKIT_BACKUPSTORE)").containsSubsequence("-o", "jsonl");
        ConfigMap cm = named(ConfigMap.class, c.getEnvFrom().get(0).getConfigMapRef().getName());
        assertThat(cm.getData()).containsKey("DRKIT_BACKUPSTORE");
        assertThat(c.getEnvFrom().get(1).getSecretRef().getOptional()).isTrue();
    }

    private static void assertShardFailurePolicy(JobSpec spec, Container c) {
        assertThat(spec.getCompletionMode()).isEqualTo("Indexed");
        assertThat(spec.getCompletions()).as("completions = N of --shard auto/N").isEqualTo(shardCount(c));
        assertThat(spec.getParallelism()).isBetween(1, spec.getCompletions());
        assertThat(spec.getBackoffLimitPerIndex()).isPositive();
        List<PodFailurePolicyRule> rules = spec.getPodFailurePolicy().getRules();
        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.getAction()).isEqualTo("FailIndex");
            assertThat(r.getOnExitCodes().getContainerName()).isEqualTo(c.getName());
            assertThat(r.getOnExitCodes().getOperator()).isEqualTo("In");
            assertThat(r.getOnExitCodes().getValues()).containsExactlyInAnyOrder(2, 3);
        });
    }

    @Test
    void theIndexedJobVerifiesOneShardPerPodAtFullLevel() throws Exception {
        Job job = named(Job.class, "drkit-verify");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertShardFailurePolicy(job.getSpec(), c);
        assertRunsTheDrCliLockedDown(pod, c, "drkit-verify", false);
        assertThat(c.getArgs()).startsWith("verify").containsSubsequence("--level", "full");
        assertThat(Class.forName(MAIN)).isNotNull();
    }

    @Test
    void theCronJobsSampleEveryNightAndAuditTheClaims() {
        CronJob sample = named(CronJob.class, "drkit-verify-sample");
        JobSpec spec = sample.getSpec().getJobTemplate().getSpec();
        PodSpec pod = spec.getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(sample.getSpec().getSchedule()).matches("\\S+ \\S+ \\S+ \\S+ \\S+");
        assertThat(sample.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        assertShardFailurePolicy(spec, c);
        assertRunsTheDrCliLockedDown(pod, c, "drkit-verify", false);
        assertThat(c.getArgs()).startsWith("verify").containsSubsequence("--level", "sample")
                .containsSubsequence("--seed", "random");

        CronJob audit = named(CronJob.class, "drkit-audit");
        PodSpec auditPod = audit.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        Container a = auditPod.getContainers().get(0);
        assertRunsTheDrCliLockedDown(auditPod, a, "drkit-audit", true);
        assertThat(a.getArgs()).startsWith("audit");
        assertThat(audit.getSpec().getJobTemplate().getSpec().getPodFailurePolicy().getRules()).singleElement()
                .satisfies(r -> assertThat(r.getOnExitCodes().getValues()).containsExactlyInAnyOrder(2, 4));
    }

    // ---------------------------------------------------------------- running the Job's arguments

    private record Run(int exitCode, String out, String err) {
    }

    /** Runs the dr CLI in this JVM as a pod of the manifests would: {@code $(VAR)} expanded from {@code env}. */
    private static Run runPod(Container c, Map<String, String> env, Supplier<KubernetesClient> kubernetes) {
        List<String> args = c.getArgs().stream().map(a -> {
            String s = a;
            for (Map.Entry<String, String> e : env.entrySet()) {
                s = s.replace("$(" + e.getKey() + ")", e.getValue());
            }
            return s;
        }).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, kubernetes, false,
                Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));
        int code = DrCli.run(ctx, args.toArray(String[]::new));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path storeWithADamagedVolume() throws IOException {
        Path store = Files.createDirectories(tmp.resolve("store"));
        DirectoryObjectSource source = DirectoryObjectSource.of(store);
        BackupstoreWriter w = BackupstoreWriter.create(source, BackupTarget.directory(store), 21);
        Map<String, WrittenBackup> newest = new HashMap<>();
        for (String v : VOLUMES) {
            newest.put(v, w.volume(v).size(4L << 20).compression(CompressionMethod.LZ4)
                    .backup("backup-0000000000000001", Instant.parse("2026-11-26T03:00:00Z"), c -> c.text(0).mixed(2L << 20)));
        }
        source.put(w.layout().blockKey(DAMAGED, newest.get(DAMAGED).blocks().get(2L << 20)),
                "bit rot".getBytes(StandardCharsets.UTF_8));
        return store;
    }

    @Test
    void theJobsPodsVerifyEveryVolumeExactlyOnceAndOnlyTheDamagedVolumesShardFails() throws Exception {
        Job job = named(Job.class, "drkit-verify");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        int shards = job.getSpec().getCompletions();
        Path store = storeWithADamagedVolume();
        Supplier<KubernetesClient> noApi = () -> {
            throw new AssertionError("a verification pod must not talk to the Kubernetes API");
        };

        StringBuilder logs = new StringBuilder();
        Map<String, Integer> verifiedBy = new HashMap<>();
        Map<Integer, Integer> exitCodes = new TreeMap<>();
        for (int index = 0; index < shards; index++) {
            Map<String, String> env = new LinkedHashMap<>(named(ConfigMap.class, "drkit-verify").getData());
            env.put("DRKIT_BACKUPSTORE", store.toString());
            env.put("JOB_COMPLETION_INDEX", Integer.toString(index));
            Run r = runPod(c, env, noApi);
            exitCodes.put(index, r.exitCode());
            assertThat(r.out().lines().count()).as("one JSON line per pod\n" + r).isEqualTo(1);
            JsonNode doc = JSON.readTree(r.out());
            assertThat(doc.get("shard").get("index").asInt()).isEqualTo(index);
            for (JsonNode b : doc.get("backups")) {
                assertThat(verifiedBy.put(b.get("volume").asText(), index)).as("verified twice").isNull();
            }
            // what `kubectl logs` shows: stdout and stderr of every pod, one after the other
            logs.append(r.out()).append("2026-11-26T12:00:00Z [main] WARN some.Logger - a warning on stderr\n");
        }
        int damagedShard = VerifyShard.shardOf(DAMAGED, shards);
        assertThat(verifiedBy.keySet()).containsExactlyInAnyOrderElementsOf(VOLUMES);
        assertThat(exitCodes).as("exit 3 fails exactly the damaged volume's shard (podFailurePolicy FailIndex)")
                .allSatisfy((i, code) -> assertThat(code).isEqualTo(i == damagedShard ? 3 : 0));

        if (NbdTools.find("jq").isEmpty()) {
            Assumptions.abort("jq is not installed: the README's jq line was not run");
        }
        Path log = tmp.resolve("logs.txt");
        Files.writeString(log, logs);
        NbdTools.Result merged = NbdTools.run(Duration.ofMinutes(1), "bash", "-o", "pipefail", "-c",
                "cat " + log + readmeJqPipeline());
        assertThat(merged.exitCode()).as(merged.output()).isZero();
        JsonNode verdict = JSON.readTree(merged.output());
        List<Integer> indexes = new ArrayList<>();
        verdict.get("shards").forEach(n -> indexes.add(n.asInt()));
        assertThat(indexes).containsExactly(java.util.stream.IntStream.range(0, shards).boxed().toArray(Integer[]::new));
        assertThat(verdict.get("status").asText()).isEqualTo("DAMAGED");
        assertThat(verdict.get("backups").asInt()).isEqualTo(VOLUMES.size());
        assertThat(verdict.get("damaged")).singleElement().satisfies(d -> {
            assertThat(d.get("volume").asText()).isEqualTo(DAMAGED);
            assertThat(d.get("badBlocks").get(0).get("offsets").get(0).asLong()).isEqualTo(2L << 20);
        });
    }

    /** The jq part of the gather command in README.md (after {@code <!-- jq-gather -->}): {@code | jq ... | jq ...}. */
    private static String readmeJqPipeline() throws IOException {
        String readme = Files.readString(DIR.resolve("README.md"));
        String block = readme.substring(readme.indexOf("<!-- jq-gather -->"));
        block = block.substring(block.indexOf("```bash") + 7, block.indexOf("```", block.indexOf("```bash") + 7));
        String command = block.replace("\\\n", " ");
        int pipe = command.indexOf("| jq");
        assertThat(pipe).as("the README's gather command pipes into jq").isPositive();
        assertThat(command.substring(0, pipe)).contains("kubectl").contains("logs").contains("job-name=drkit-verify");
        return " " + command.substring(pipe).strip();
    }

    @Test
    void theReadmesOverlayKeepsCompletionsAndShardCountsEqual() throws Exception {
        DeployManifestsTest.requireKustomizePatchTargets();
        String readme = Files.readString(DIR.resolve("README.md"));
        int start = readme.indexOf("# overlays/verify/kustomization.yaml");
        String overlay = readme.substring(start, readme.indexOf("```", start)).lines().map(l -> l.replaceFirst("^   ", ""))
                .collect(Collectors.joining("\n"));
        Path dir = Files.createDirectories(tmp.resolve("overlay"));
        Files.writeString(dir.resolve("kustomization.yaml"), overlay.replace("../../dr-examples/deploy/verify",
                dir.toAbsolutePath().relativize(DIR.toAbsolutePath()).toString())); // kustomize wants a relative path

        List<HasMetadata> rendered = api.admin().load(new ByteArrayInputStream(kustomize(dir).getBytes(StandardCharsets.UTF_8)))
                .items();
        Job job = rendered.stream().filter(Job.class::isInstance).map(Job.class::cast).findFirst().orElseThrow();
        CronJob sample = rendered.stream().filter(CronJob.class::isInstance).map(CronJob.class::cast)
                .filter(cj -> cj.getMetadata().getName().equals("drkit-verify-sample")).findFirst().orElseThrow();
        Container jc = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container sc = sample.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(job.getSpec().getCompletions()).isEqualTo(8).isEqualTo(shardCount(jc));
        assertThat(sample.getSpec().getJobTemplate().getSpec().getCompletions()).isEqualTo(8).isEqualTo(shardCount(sc));
        assertThat(jc.getImage()).isEqualTo("registry.example.com/drkit/restore-job:0.1.0");
        assertThat(jc.getEnvFrom().get(1).getSecretRef().getName()).isEqualTo("minio-secret");
        assertThat(rendered.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).findFirst().orElseThrow()
                .getData()).containsEntry("DRKIT_BACKUPSTORE", "s3://longhorn-backups@eu-central-1/");
    }

    // ---------------------------------------------------------------- RBAC

    @Test
    void drAuditUsesExactlyThePermissionsRbacYamlGrantsAndVerificationGetsNone() throws Exception {
        RbacManifest rbac = RbacManifest.parse(Files.readString(DIR.resolve("rbac.yaml")));
        Path store = storeWithADamagedVolume();
        MockApiServer recording = new MockApiServer(new AtomicLong());
        try {
            KubernetesClient auditClient = recording.client("drkit-audit");
            Container c = named(CronJob.class, "drkit-audit").getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            Run r = runPod(c, Map.of("DRKIT_BACKUPSTORE", store.toString()), () -> auditClient);

            assertThat(r.exitCode()).as(r.toString()).isIn(0, 4);
            assertThat(JSON.readTree(r.out()).get("kind").asText()).isEqualTo("AuditReport");
            List<MockApiServer.Call> calls = recording.callsBy("drkit-audit");
            assertThat(calls).as("dr audit read the cluster").isNotEmpty();
            assertThat(recording.writesBy("drkit-audit")).isEmpty();
            Set<RbacManifest.Access> used = calls.stream().map(MockApiServer.Call::access).filter(Objects::nonNull)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(used).allSatisfy(a -> assertThat(rbac.allows(a)).as(a + " granted").isTrue());
            assertThat(used).as("every permission granted is used").containsExactlyInAnyOrderElementsOf(rbac.grants());
        } finally {
            recording.close();
        }
        List<String> subjects = new ArrayList<>();
        all(ClusterRoleBinding.class).forEach(b -> b.getSubjects().forEach(s -> subjects.add(s.getName())));
        all(RoleBinding.class).forEach(b -> b.getSubjects().forEach(s -> subjects.add(s.getName())));
        assertThat(subjects).containsOnly("drkit-audit");
        assertThat(rbac.grants()).extracting(RbacManifest.Access::verb).containsOnly("list");
    }
}

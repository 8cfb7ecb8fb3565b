package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.Surface;
import io.drkit.examples.support.Durations;
import io.drkit.kubernetes.PolicyReport;
import io.drkit.kubernetes.RbacManifest;
import io.drkit.kubernetes.RecurringJobPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/**
 * The kustomize base in {@code dr-examples/deploy/}: every manifest loads with fabric8 without unknown fields and is
 * accepted by the mock API server (Longhorn's CRDs registered), the kustomization lists every file, the RBAC is the
 * Kubernetes backend's to the letter, the RecurringJobs are the seed policy, the ConfigMap holds exactly the keys the
 * Job reads at their defaults, and the Job is wired to all of them.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("deploy");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static MockApiServer api;
    private static Map<String, List<HasMetadata>> manifests;

    @BeforeAll
    static void load() throws IOException {
        api = new MockApiServer(new AtomicLong());
        manifests = loadFiles();
    }

    /** Every file the kustomization lists, loaded with fabric8, by file name. */
    private static Map<String, List<HasMetadata>> loadFiles() throws IOException {
        return loadFiles(api.admin(), DEPLOY);
    }

    /** Every file the kustomization in {@code dir} lists, loaded with fabric8 (as the tests apply them), by file name. */
    static Map<String, List<HasMetadata>> loadFiles(KubernetesClient client, Path dir) throws IOException {
        Map<String, List<HasMetadata>> out = new TreeMap<>();
        for (String file : kustomizationResources(dir)) {
            try (InputStream in = Files.newInputStream(dir.resolve(file))) {
                out.put(file, client.load(in).items());
            }
        }
        return out;
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    // ---------------------------------------------------------------- files

    @Test
    void theKustomizationListsEveryManifestInTheDirectory() throws IOException {
        assertThat(kustomizationResources()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(yamlFiles(DEPLOY));
        assertThat(kustomization().getAdditionalProperties()).containsEntry("namespace", jobNamespace());
        assertThat(DEPLOY.resolve("README.md")).isRegularFile();
    }

    @Test
    void everyManifestLoadsWithoutUnknownFieldsAndTheApiServerAcceptsIt() {
        KubernetesClient client = api.admin();
        List<String> applied = new ArrayList<>();
        manifests.forEach((file, items) -> {
            assertThat(items).as(file + " holds manifests").isNotEmpty();
            for (HasMetadata item : items) {
                String where = file + ": " + item.getKind() + " " + item.getMetadata().getName();
                if (item instanceof GenericKubernetesResource g) {
                    assertThat(g.getKind()).as(where + " is a known custom resource").isEqualTo("RecurringJob");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) g.getAdditionalProperties().get("spec");
                    assertThat(spec.keySet()).as(where + " spec fields (longhorn-manager recurringjob.go)")
                            .isSubsetOf("name", "task", "cron", "retain", "retainAge", "retentionPolicy", "concurrency", "groups",
                                    "labels", "parameters");
                    assertThat(g.getAdditionalProperties().keySet()).as(where).containsOnly("spec");
                } else {
                    List<String> unknown = new ArrayList<>();
                    unknownFields(item, item.getKind(), unknown);
                    assertThat(unknown).as(where + ": fields fabric8's model does not know (typos?)").isEmpty();
                }
                HasMetadata created = client.resource(item).create();
                assertThat(created.getMetadata().getUid()).as(where).isNotNull();
                HasMetadata back = client.resource(item).get();
                assertThat(back).as(where + " read back").isNotNull();
                applied.add(item.getKind() + "/" + item.getMetadata().getName());
            }
        });
        assertThat(applied).containsExactlyInAnyOrder("ServiceAccount/drkit-restore", "ClusterRole/drkit-restore",
                "Role/drkit-restore", "ClusterRoleBinding/drkit-restore", "RoleBinding/drkit-restore",
                "ConfigMap/drkit-restore", "Job/drkit-restore", "RecurringJob/default-snapshot",
                "RecurringJob/default-backup", "RecurringJob/critical-snapshot", "RecurringJob/critical-backup");
    }

    @Test
    void kubectlKustomizeBuildsExactlyTheManifestsTheTestsApply() throws Exception {
        assertKustomizeBuildsExactlyTheFiles(DEPLOY);
    }

    /**
     * {@code kubectl kustomize dir} renders exactly the objects of the files its kustomization lists, loaded as the
     * tests load and apply them (so the namespace transform and everything else kustomize does changes nothing).
     */
    static void assertKustomizeBuildsExactlyTheFiles(Path dir) throws Exception {
        requireKubectl();
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String built = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(built).isZero();
        MockApiServer server = new MockApiServer(new AtomicLong(), false);
        try {
            List<HasMetadata> rendered = server.admin().load(new ByteArrayInputStream(built.getBytes(StandardCharsets.UTF_8)))
                    .items();
            List<HasMetadata> applied = loadFiles(server.admin(), dir).values().stream().flatMap(Collection::stream).toList();

            assertThat(rendered).isNotEmpty().containsExactlyInAnyOrderElementsOf(applied);
        } finally {
            server.close();
        }
    }

    /** The variable that makes the kustomize tests fail instead of skip where kubectl is missing (set by .ci/run). */
    static final String REQUIRE_KUBECTL = "DRKIT_REQUIRE_KUBECTL";

    /**
     * The one rule of the kustomize tests: without kubectl they are skipped, unless {@value #REQUIRE_KUBECTL}=1 (set
     * by .ci/run, which installs Debian's kubernetes-client) makes that a failure.
     */
    static void requireKubectl() {
        if (!kubectlIsInstalled()) {
            String m = "kubectl is not installed; set " + REQUIRE_KUBECTL + "=1 to make this a failure instead of a skip";
            if ("1".equals(System.getenv(REQUIRE_KUBECTL))) {
                fail(m);
            }
            Assumptions.abort(m);
        }
    }

    /**
     * {@link #requireKubectl()}, and a kubectl whose built-in kustomize reads {@code patches} with a {@code target}
     * (kustomize v3.1+, in kubectl 1.21+, which prints "Kustomize Version"): the overlays the READMEs show use it. Debian
     * bookworm's kubernetes-client is kubectl 1.20 (kustomize v2.0.3): it renders the bases, and skips this.
     */
    static void requireKustomizePatchTargets() throws IOException, InterruptedException {
        requireKubectl();
        Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        if (!version.contains("Kustomize Version")) {
            Assumptions.abort("this kubectl's kustomize is older than v3.1 (no `patches` with `target`): " + version.strip());
        }
    }

    /** Whether {@code kubectl} (with its built-in kustomize) is on the PATH. */
    static boolean kubectlIsInstalled() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- RBAC

    @Test
    void theRbacIsTheKubernetesBackendsRenderedForTheJobsServiceAccount() throws IOException {
        Job job = one(Job.class);
        String ns = jobNamespace();
        String sa = job.getSpec().getTemplate().getSpec().getServiceAccountName();
        RbacManifest expected = RbacManifest.load().render(ns, ns, sa);

        RbacManifest deployed = RbacManifest.parse(Files.readString(DEPLOY.resolve("rbac.yaml")));

        assertThat(deployed.objects()).containsExactlyInAnyOrderElementsOf(expected.objects());
        assertThat(deployed.grants()).isEqualTo(expected.grants()).isNotEmpty();
        assertThat(one(ClusterRoleBinding.class).getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getNamespace() + "/" + s.getName()).isEqualTo(ns + "/" + sa));
        assertThat(one(RoleBinding.class).getMetadata().getNamespace()).isEqualTo(ns);
        assertThat(one(Role.class).getMetadata().getNamespace()).isEqualTo(configMap().getData().get("DRKIT_LONGHORN_NAMESPACE"));
        assertThat(one(ClusterRole.class).getRules()).isNotEmpty();
    }

    // ---------------------------------------------------------------- policy

    @Test
    void theRecurringJobsAreTheSeedPolicy() {
        Map<String, RecurringJobPolicy.Job> deployed = new TreeMap<>();
        for (HasMetadata item : manifests.get("recurringjobs.yaml")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) ((GenericKubernetesResource) item).getAdditionalProperties().get("spec");
            assertThat(spec.get("name")).isEqualTo(item.getMetadata().getName());
            @SuppressWarnings("unchecked")
            RecurringJobPolicy.Job j = new RecurringJobPolicy.Job((String) spec.get("name"), (String) spec.get("task"),
                    (String) spec.get("cron"), ((Number) spec.get("retain")).intValue(),
                    ((Number) spec.get("concurrency")).intValue(), (List<String>) spec.get("groups"),
                    (Map<String, String>) spec.get("labels"));
            deployed.put(j.name(), j);
            assertThat(item.getMetadata().getNamespace()).isEqualTo(jobNamespace());
        }

        assertThat(deployed).isEqualTo(RecurringJobPolicy.seed().jobs());
    }

    @Test
    void aClusterWithTheDeployedRecurringJobsHasNoPolicyDrift() {
        MockApiServer fresh = new MockApiServer(new AtomicLong());
        try {
            for (HasMetadata item : manifests.get("recurringjobs.yaml")) {
                fresh.admin().resource(item).create();
            }
            PolicyReport report = RecurringJobPolicy.builder().namespace(jobNamespace()).longhornVersion("v1.9.3").build()
                    .audit(fresh.admin());
            assertThat(report.drifts(PolicyReport.Kind.JOB_MISSING)).isEmpty();
            assertThat(report.drifts(PolicyReport.Kind.JOB_DIFFERS)).isEmpty();
            assertThat(report.compliant()).as(report.toString()).isTrue();
        } finally {
            fresh.close();
        }
    }

    // ---------------------------------------------------------------- ConfigMap and Job

    @Test
    void theConfigMapHoldsExactlyTheKeysTheJobReadsAtTheirDefaults() {
        Map<String, String> data = configMap().getData();

        List<DrOption<?>> keys = DrOptions.readOn(Surface.JOB);
        assertThat(data.keySet()).containsExactlyInAnyOrderElementsOf(keys.stream().map(o -> o.key().orElseThrow()).toList());
        for (DrOption<?> o : keys) {
            assertThat(data.get(o.key().orElseThrow())).as(o.key().orElseThrow()).isEqualTo(o.defaultText(Surface.JOB).orElse(""));
        }
        assertThat(RestoreJobConfig.fromEnvironment(data)).isEqualTo(RestoreJobConfig.fromEnvironment(Map.of()));
        assertThat(RestoreJobConfig.fromEnvironment(data).request().pvcSelector()).map(Object::toString).contains("data-tier=critical");
    }

    @Test
    void theJobRunsOnceAsNonRootInLonghornsNamespaceWithTheConfigMapAndLonghornsSecret() {
        Job job = one(Job.class);
        JobSpec spec = job.getSpec();
        var pod = spec.getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        ConfigMap cm = configMap();
        ServiceAccount sa = one(ServiceAccount.class);

        assertThat(job.getMetadata().getNamespace()).isEqualTo(cm.getData().get("DRKIT_LONGHORN_NAMESPACE"))
                .isEqualTo(cm.getMetadata().getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
        assertThat(pod.getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
        assertThat(spec.getBackoffLimit()).isBetween(1, 10);
        assertThat(spec.getCompletions()).isNull();
        assertThat(spec.getParallelism()).isNull();
        long oneAttempt = Durations.parse(cm.getData().get("DRKIT_STARTUP_WAIT"))
                .plus(Durations.parse(cm.getData().get("DRKIT_SYNC_WAIT")))
                .plus(Durations.parse(cm.getData().get("DRKIT_STEP_TIMEOUT"))).toSeconds();
        assertThat((long) spec.getActiveDeadlineSeconds()).as("deadline above one attempt's waits and step timeout")
                .isGreaterThan(oneAttempt);
        assertThat(spec.getBackoffLimit()).as("the Job waits for Longhorn itself, so retries are few").isLessThanOrEqualTo(4);
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(c.getCommand()).as("the image's entrypoint runs RestoreJob").isNullOrEmpty();
        assertThat(c.getArgs()).isNullOrEmpty();
        List<EnvFromSource> envFrom = c.getEnvFrom();
        assertThat(envFrom).anySatisfy(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo(cm.getMetadata().getName()));
        assertThat(envFrom).anySatisfy(e -> {
            assertThat(e.getSecretRef()).isNotNull();
            assertThat(e.getSecretRef().getName()).isNotBlank();
        });
        assertThat(envFrom.get(1).getSecretRef()).as("deploy/README.md patches envFrom/1/secretRef/name").isNotNull();
        assertThat(envFrom.get(1).getSecretRef().getOptional()).as("NFS targets and IAM roles need no Secret").isTrue();
        assertThat(c.getEnv()).as("all configuration comes from the ConfigMap and the Secret").isNullOrEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static GenericKubernetesResource kustomization() {
        try {
            return YAML.unmarshal(Files.readString(DEPLOY.resolve("kustomization.yaml")), GenericKubernetesResource.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> kustomizationResources() {
        return kustomizationResources(DEPLOY);
    }

    /** The {@code resources} of the kustomization in {@code dir}. */
    static List<String> kustomizationResources(Path dir) {
        GenericKubernetesResource k;
        try {
            k = YAML.unmarshal(Files.readString(dir.resolve("kustomization.yaml")), GenericKubernetesResource.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(k.getKind()).isEqualTo("Kustomization");
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) k.getAdditionalProperties().get("resources");
        return resources;
    }

    /** The YAML files in {@code dir} (not in its subdirectories), but the kustomization. */
    static Set<String> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.startsWith("kustomization.")).collect(Collectors.toSet());
        }
    }

    private static String jobNamespace() {
        return one(Job.class).getMetadata().getNamespace();
    }

    private static ConfigMap configMap() {
        return one(ConfigMap.class);
    }

    private static <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = manifests.values().stream().flatMap(Collection::stream).filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("one " + type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /** Collects every field fabric8's typed model kept as an unknown ("additional") property, with its path. */
    static void unknownFields(Object o, String path, List<String> out) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out));
            return;
        }
        if (!(o instanceof KubernetesResource)) {
            return;
        }
        Map<String, Object> getters = new LinkedHashMap<>();
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() == 0 && m.getName().startsWith("get") && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() != Object.class) {
                try {
                    getters.put(m.getName(), m.invoke(o));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        Object extra = getters.remove("getAdditionalProperties");
        if (extra instanceof Map<?, ?> m && !m.isEmpty()) {
            m.keySet().forEach(k -> out.add(path + "." + k));
        }
        getters.forEach((name, value) -> unknownFields(value, path + "." + Character.toLowerCase(name.charAt(3))
                + name.substring(4), out));
    }
}

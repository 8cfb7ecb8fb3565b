package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.examples.cli.CliContext;
import io.drkit.examples.cli.DrCli;
import io.drkit.examples.cli.ExitCodes;
import io.drkit.kubernetes.RbacManifest;
import io.drkit.kubernetes.RbacManifest.Access;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kustomize base in {@code dr-examples/deploy/policy/}: the role of {@code dr policy} and {@code dr lint}, apart
 * from the restore Job's. Its RBAC is the Kubernetes backend's policy manifest to the letter, and the commands, run
 * against a recording API server, use exactly the permissions it grants (nothing denied, nothing granted unused).
 */
class PolicyManifestsTest {
    private static final Path DIR = Path.of("deploy", "policy");
    private static final String CLI = "dr-cli";
    private static final String LONGHORN_NS = "longhorn-system";

    @Test
    void theKustomizationListsEveryManifestInTheDirectoryAndTheReadmeExists() throws IOException {
        assertThat(DeployManifestsTest.kustomizationResources(DIR))
                .containsExactlyInAnyOrderElementsOf(DeployManifestsTest.yamlFiles(DIR));
        assertThat(DIR.resolve("README.md")).isRegularFile();
    }

    @Test
    void theRbacIsTheKubernetesBackendsPolicyManifestRenderedForItsServiceAccount() throws IOException {
        ServiceAccount sa = load("serviceaccount.yaml").stream().map(ServiceAccount.class::cast).findFirst().orElseThrow();
        String ns = sa.getMetadata().getNamespace();
        RbacManifest expected = RbacManifest.loadPolicy().render(LONGHORN_NS, ns, sa.getMetadata().getName());

        RbacManifest deployed = deployed();

        assertThat(deployed.objects()).containsExactlyInAnyOrderElementsOf(expected.objects());
        assertThat(deployed.grants()).isEqualTo(expected.grants()).isNotEmpty();
        assertThat(deployed.objects()).filteredOn(o -> o instanceof ClusterRoleBinding).singleElement().satisfies(o ->
                assertThat(((ClusterRoleBinding) o).getSubjects()).singleElement()
                        .satisfies(s -> assertThat(s.getNamespace() + "/" + s.getName()).isEqualTo(ns + "/drkit-policy")));
    }

    @Test
    void theRestoreJobsRoleHasNoneOfThePolicyRolesWrites() throws IOException {
        RbacManifest restore = RbacManifest.parse(Files.readString(Path.of("deploy", "rbac.yaml")));
        List<Access> policyWrites = deployed().grants().stream().filter(g -> !Set.of("get", "list", "watch").contains(g.verb()))
                .toList();

        assertThat(policyWrites).isNotEmpty().noneSatisfy(w -> assertThat(restore.allows(w)).isTrue());
        assertThat(restore.grants()).extracting(Access::resource).doesNotContain("recurringjobs", "storageclasses");
    }

    @Test
    void policyAuditApplyAndLintUseExactlyThePermissionsOfThePolicyRole() throws IOException {
        RbacManifest rbac = deployed();
        List<MockApiServer.Call> calls;
        MockApiServer api = new MockApiServer(new AtomicLong());
        try {
            longhorn19WithACriticalClaimOnALonghornVolume(api.admin());

            assertExit(run(api, "policy", "audit"), ExitCodes.VIOLATIONS);
            assertExit(run(api, "policy", "apply"), ExitCodes.OK);
            assertExit(run(api, "policy", "audit"), ExitCodes.OK);
            var jobs = api.admin().genericKubernetesResources(crd("RecurringJob", "recurringjobs")).inNamespace(LONGHORN_NS);
            GenericKubernetesResource edited = jobs.withName("critical-backup").get();
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) edited.getAdditionalProperties().get("spec");
            spec.put("retain", 3);
            jobs.resource(edited).update();
            assertExit(run(api, "policy", "audit"), ExitCodes.VIOLATIONS);
            assertExit(run(api, "policy", "apply"), ExitCodes.OK);
            assertExit(run(api, "lint"), ExitCodes.OK);
            calls = api.callsBy(CLI);
        } finally {
            api.close();
        }

        List<String> denied = calls.stream().filter(c -> c.access() != null && !rbac.allows(c.access()))
                .map(c -> c.method() + " " + c.path() + " needs " + c.access()).distinct().toList();
        assertThat(denied).as("requests deploy/policy/rbac.yaml does not allow").isEmpty();
        Set<Access> used = calls.stream().map(MockApiServer.Call::access).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(rbac.grants()).allSatisfy(g -> assertThat(used).as("deploy/policy/rbac.yaml grants %s, never used", g)
                .anyMatch(a -> a.apiGroup().equals(g.apiGroup()) && a.resource().equals(g.resource())
                        && a.verb().equals(g.verb()) && (g.namespace().isEmpty() || g.namespace().equals(a.namespace()))));
    }

    // ---------------------------------------------------------------- helpers

    /** Longhorn 1.9 (its version setting), claim shop/db labelled critical and bound to a Longhorn PV, a StorageClass. */
    private static void longhorn19WithACriticalClaimOnALonghornVolume(KubernetesClient admin) {
        admin.genericKubernetesResources(crd("Setting", "settings")).inNamespace(LONGHORN_NS).resource(
                new GenericKubernetesResourceBuilder().withApiVersion("longhorn.io/v1beta2").withKind("Setting")
                        .withNewMetadata().withName("current-longhorn-version").withNamespace(LONGHORN_NS).endMetadata()
                        .addToAdditionalProperties("value", "v1.9.1").build()).create();
        GenericKubernetesResource volume = new GenericKubernetesResourceBuilder().withApiVersion("longhorn.io/v1beta2")
                .withKind("Volume").withNewMetadata().withName("pvc-db").withNamespace(LONGHORN_NS).endMetadata()
                .addToAdditionalProperties("spec", Map.of("size", "1073741824", "numberOfReplicas", 1)).build();
        admin.genericKubernetesResources(crd("Volume", "volumes")).inNamespace(LONGHORN_NS).resource(volume).create();
        admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pvc-db").endMetadata()
                .withNewSpec().addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("pvc-db")
                .endCsi().withNewClaimRef().withNamespace("shop").withName("db").endClaimRef().endSpec().build()).create();
        admin.persistentVolumeClaims().inNamespace("shop").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withNamespace("shop").withName("db").addToLabels("data-tier", "critical").endMetadata().withNewSpec()
                .withAccessModes("ReadWriteOnce").withStorageClassName("longhorn").withVolumeName("pvc-db")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
        admin.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("longhorn")
                .endMetadata().withProvisioner("driver.longhorn.io").build()).create();
    }

    private static ResourceDefinitionContext crd(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("longhorn.io").withVersion("v1beta2").withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** What {@code dr args...} printed (stdout and stderr) and its exit code. */
    private record Run(String command, int exitCode, String output) {
    }

    /** Runs {@code dr args...} in-process against the mock API server as {@value #CLI}. */
    private static Run run(MockApiServer api, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), Map.of(), () -> api.client(CLI), false, Clock.systemUTC());
        int code = DrCli.run(ctx, args);
        return new Run("dr " + String.join(" ", args), code, out.toString(StandardCharsets.UTF_8));
    }

    private static void assertExit(Run run, int expected) {
        assertThat(run.exitCode()).as("%s printed:%n%s", run.command(), run.output()).isEqualTo(expected);
    }

    private static RbacManifest deployed() throws IOException {
        return RbacManifest.parse(Files.readString(DIR.resolve("rbac.yaml")));
    }

    private static List<HasMetadata> load(String file) throws IOException {
        MockApiServer api = new MockApiServer(new AtomicLong(), false);
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            return new ArrayList<>(api.admin().load(in).items());
        } finally {
            api.close();
        }
    }

    @Test
    void kubectlKustomizeBuildsExactlyTheManifestsOfTheFiles() throws Exception {
        DeployManifestsTest.assertKustomizeBuildsExactlyTheFiles(DIR);
    }
}

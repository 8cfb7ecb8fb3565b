package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import io.drkit.kubernetes.RbacManifest.Access;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves the checked-in RBAC is exactly what the module needs: every code path runs against a recording API server,
 * each request the library's client makes is mapped to (API group, resource, verb, namespace), and the set used by the
 * restore paths (binder, inspector, catalog) must equal the set granted by {@code rbac.yaml}, the set used by the
 * policy paths ({@link RecurringJobPolicy}, {@link StorageClassLint}) the set granted by {@code policy-rbac.yaml}
 * (nothing missing, nothing extra, in each).
 */
class RbacCoverageTest {

    private static RestoreStep step(PvcRef pvc, Backup b, String name, boolean createPvc, String storageClass) {
        return RestoreStep.builder(pvc, b).volumeName(name).pvName(name).sizeBytes(b.volumeSize()).storageClassName(storageClass)
                .accessModes(List.of(AccessMode.READ_WRITE_ONCE)).replicas(1).recurringJobGroups(Set.of("critical")).createPvc(createPvc).build();
    }

    private static BindContext ctx(RestoreStep s) {
        return BindContext.create(s, Duration.ofSeconds(30), Cancellation.create(), BindListener.NONE);
    }

    @Test
    void theRestorePathsAndThePolicyPathsEachNeedExactlyTheirRole() {
        Set<Access> restoreUsed = new TreeSet<>();
        Set<Access> policyUsed = new TreeSet<>();
        try (SimCluster sim = SimCluster.start()) {
            var client = sim.cluster.client();
            PvcRef db = PvcRef.of("shop", "db-data");
            PvcRef wiki = PvcRef.of("wiki", "data");
            PvcRef media = PvcRef.of("media", "library");

            // ---- restore (the restore Job, dr plan/apply/restore with --kubernetes): binder, inspector, catalog
            // binder: backup unknown to Longhorn (BackupTarget sync), restore wait with progress, PV, claim
            Backup b1 = sim.store.publish("pvc-src1", "backup-9000000000000001", db, 1L << 30);
            RestoreStep s1 = step(db, b1, "restored-1", true, "longhorn");
            sim.binder.inspect(s1);
            sim.binder.bind(s1, ctx(s1));
            // binder: backup volume known, backup new (BackupVolume sync); existing PV reserved
            Instant t = Instant.parse("2026-11-20T03:00:00Z");
            sim.store.put(BackupVolume.builder("pvc-src2").size(1L << 30).build(), List.of());
            sim.longhorn.syncNow();
            Backup b2 = Backup.builder("backup-9000000000000002", "pvc-src2").snapshotCreatedAt(t).completedAt(t)
                    .volumeSize(1L << 30).url(MutableCatalog.TARGET.backupUrl("backup-9000000000000002", "pvc-src2")).build();
            sim.store.put(BackupVolume.builder("pvc-src2").size(1L << 30).build(), List.of(b2));
            sim.cluster.admin().persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("restored-2")
                    .endMetadata().withNewSpec().addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                    .withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("restored-2").endCsi().endSpec().build()).create();
            RestoreStep s2 = step(wiki, b2, "restored-2", false, "longhorn-static").toBuilder().recurringJobGroups(Set.of()).build();
            sim.binder.bind(s2, ctx(s2));
            sim.binder.bind(s2, ctx(s2));

            // cluster state, all namespaces and scoped
            KubernetesClusterInspector.create(client).inspect();
            KubernetesClusterInspector.builder().client(client).namespaces("shop").build().inspect();

            // catalog
            try (LonghornCrdCatalog catalog = LonghornCrdCatalog.create(client)) {
                catalog.listBackupVolumes();
                catalog.listBackups("pvc-src1");
                catalog.newestCompleteBackups();
                catalog.scanAll();
            }
            List<MockCluster.Call> restoreCalls = sim.cluster.libraryCalls();

            // ---- policy and lint (dr policy, dr lint)
            // policy on Longhorn 1.9 (volumes and claims labelled), then audit; a claim on another driver
            sim.createClaim(media, "longhorn", "1Gi", Map.of("data-tier", "critical"));
            var wikiClaim = sim.createClaim(wiki, "longhorn-static", "1Gi", Map.of("data-tier", "critical"));
            wikiClaim.getSpec().setVolumeName("restored-2");
            sim.cluster.admin().persistentVolumeClaims().inNamespace("wiki").resource(wikiClaim).update();
            var claims = sim.cluster.admin().persistentVolumeClaims().inNamespace("shop");
            var c = claims.withName("db-data").get();
            c.getMetadata().setLabels(Map.of("data-tier", "critical"));
            claims.resource(c).update();
            RecurringJobPolicy.seed().apply(client);
            RecurringJobPolicy.builder().backupRetain("critical", 9).build().apply(client);
            int readOnlyFrom = sim.cluster.libraryCalls().size();
            RecurringJobPolicy.seed().audit(client);

            // lint
            sim.cluster.admin().storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                    .withName("longhorn").endMetadata().withProvisioner("driver.longhorn.io").build()).create();
            StorageClassLint.lint(client);
            List<MockCluster.Call> all = sim.cluster.libraryCalls();
            assertThat(all.subList(readOnlyFrom, all.size())).as("audit and lint only read").isNotEmpty()
                    .allSatisfy(call -> assertThat(call.method()).isEqualTo("GET"));

            record(restoreCalls, RbacManifest.load(), restoreUsed);
            record(all.subList(restoreCalls.size(), all.size()), RbacManifest.loadPolicy(), policyUsed);
        }
        assertExactly(RbacManifest.load(), restoreUsed);
        assertExactly(RbacManifest.loadPolicy(), policyUsed);
    }

    /** Every call is a resource request the role allows; adds its permission to {@code used}. */
    private static void record(List<MockCluster.Call> calls, RbacManifest role, Set<Access> used) {
        assertThat(calls).isNotEmpty();
        for (MockCluster.Call call : calls) {
            Access a = call.access();
            assertThat(a).as("resource request %s", call).isNotNull();
            assertThat(role.allows(a)).as("%s needs %s, which %s does not grant", call, a, role.resource()).isTrue();
            used.add(a);
        }
    }

    /** Every permission the role grants was used (nothing extra); with {@link #record}, exactly what is needed. */
    private static void assertExactly(RbacManifest role, Set<Access> used) {
        Set<String> needed = used.stream().map(a -> a.apiGroup() + "/" + a.resource() + ":" + a.verb()).collect(Collectors.toSet());
        assertThat(role.grants()).allSatisfy(g -> assertThat(used).as("%s grants %s, never used", role.resource(), g)
                .anyMatch(a -> a.apiGroup().equals(g.apiGroup()) && a.resource().equals(g.resource()) && a.verb().equals(g.verb())
                        && (g.namespace().isEmpty() || g.namespace().equals(a.namespace()))));
        assertThat(needed).as(role.resource()).hasSameSizeAs(role.grants());
    }

    @ParameterizedTest(name = "{0} {1}?{2} needs {3}")
    @CsvSource(delimiter = '|', value = {
        "GET|/api/v1/persistentvolumes/pv-1||core/persistentvolumes:get",
        "GET|/api/v1/persistentvolumes||core/persistentvolumes:list",
        "POST|/api/v1/namespaces/shop/persistentvolumeclaims||core/persistentvolumeclaims:create in shop",
        "GET|/apis/longhorn.io/v1beta2/namespaces/longhorn-system/volumes|fieldSelector=metadata.name=v&watch=true|longhorn.io/volumes:watch in longhorn-system",
        "PUT|/apis/longhorn.io/v1beta2/namespaces/longhorn-system/volumes/v/status||longhorn.io/volumes/status:update in longhorn-system",
        "PATCH|/apis/storage.k8s.io/v1/storageclasses/x||storage.k8s.io/storageclasses:patch",
        "DELETE|/api/v1/namespaces/a/persistentvolumeclaims||core/persistentvolumeclaims:deletecollection in a"})
    void mapsRequestsToRbacPermissions(String method, String path, String query, String expected) {
        assertThat(Access.of(method, path, query == null ? "" : query)).hasToString(expected);
        assertThat(Access.of("GET", "/version", "")).isNull();
    }

    @Test
    void rendersTheManifestForAnotherServiceAccountAndLonghornNamespace() {
        RbacManifest r = RbacManifest.load().render("storage", "dr-system", "restore-job");
        assertThat(r.objects()).filteredOn(o -> o instanceof Role).singleElement()
                .satisfies(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("storage"));
        assertThat(r.objects()).filteredOn(o -> o instanceof ClusterRoleBinding).singleElement().satisfies(o ->
                assertThat(((ClusterRoleBinding) o).getSubjects()).singleElement().satisfies(s -> {
                    assertThat(s.getNamespace()).isEqualTo("dr-system");
                    assertThat(s.getName()).isEqualTo("restore-job");
                }));
        RbacManifest again = RbacManifest.parse(r.yaml());
        assertThat(again.grants()).extracting(Access::resource).contains("volumes", "persistentvolumes");
        assertThat(again.allows(new Access("longhorn.io", "volumes", "create", "storage"))).isTrue();
        assertThat(again.allows(new Access("longhorn.io", "volumes", "create", "longhorn-system"))).isFalse();
        assertThat(RbacManifest.load().yaml()).contains("kind: ClusterRole").contains("kind: Role");
    }

    @Test
    void refusesManifestsWithOtherKinds() {
        assertThatThrownBy(() -> RbacManifest.parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ConfigMap");
    }
}

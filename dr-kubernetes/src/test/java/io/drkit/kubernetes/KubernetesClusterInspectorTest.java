package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LonghornVolumeInfo;
import io.drkit.core.cluster.PvInfo;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.PvcRef;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesClusterInspectorTest {
    private MockCluster cluster;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
        var admin = cluster.admin();
        var shop = admin.persistentVolumeClaims().inNamespace("shop");
        var bound = shop.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("db-data").withNamespace("shop")
                .addToLabels("data-tier", "critical").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withVolumeName("pvc-1111")
                .withNewResources().addToRequests("storage", new Quantity("10Gi")).endResources().endSpec().build()).create();
        bound.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
        shop.resource(bound).updateStatus();
        admin.persistentVolumeClaims().inNamespace("media").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("cache").withNamespace("media").endMetadata().withNewSpec().withAccessModes("ReadWriteMany")
                .withNewResources().addToRequests("storage", new Quantity("512Mi")).endResources().endSpec().build()).create();
        var pv = admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pvc-1111").endMetadata()
                .withNewSpec().addToCapacity("storage", new Quantity("10Gi")).withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withNewClaimRef().withNamespace("shop").withName("db-data").endClaimRef()
                .withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("pvc-1111").endCsi().endSpec().build()).create();
        pv.setStatus(new PersistentVolumeStatusBuilder().withPhase("Bound").build());
        admin.persistentVolumes().resource(pv).updateStatus();
        admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("nfs-old").endMetadata()
                .withNewSpec().addToCapacity("storage", new Quantity("1Ti")).withNewNfs().withServer("nas").withPath("/x")
                .endNfs().endSpec().build()).create();
        GenericKubernetesResource v = Cr.create(Longhorn.VOLUMES, Longhorn.DEFAULT_NAMESPACE, "pvc-1111");
        v.getMetadata().setLabels(Map.of("recurring-job-group.longhorn.io/critical", "enabled"));
        Cr.section(v, "spec").put("size", "10737418240");
        Cr.section(v, "spec").put("fromBackup", "s3://backups@us-east-1/?backup=backup-0000000000000001&volume=pvc-0999");
        var vols = admin.genericKubernetesResources(Longhorn.VOLUMES).inNamespace(Longhorn.DEFAULT_NAMESPACE);
        GenericKubernetesResource created = vols.resource(v).create();
        Cr.section(created, "status").put("state", "attached");
        vols.resource(created).updateStatus();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void readsClaimsVolumesAndLonghornVolumesIntoAnOnlineState() {
        try (KubernetesClusterInspector inspector = KubernetesClusterInspector.create(cluster.client())) {
            ClusterState state = inspector.inspect();

            assertThat(state.online()).isTrue();
            PvcInfo db = state.findPvc(PvcRef.of("shop", "db-data")).orElseThrow();
            assertThat(db.labels()).containsEntry("data-tier", "critical");
            assertThat(db.phase()).isEqualTo("Bound");
            assertThat(db.storageClassName()).contains("longhorn");
            assertThat(db.requestedBytes()).isEqualTo(10L << 30);
            assertThat(db.accessModes()).containsExactly("ReadWriteOnce");
            assertThat(db.volumeName()).contains("pvc-1111");
            PvcInfo cache = state.findPvc(PvcRef.of("media", "cache")).orElseThrow();
            assertThat(cache.phase()).isEqualTo("Pending");
            assertThat(cache.storageClassName()).isEmpty();
            assertThat(cache.volumeName()).isEmpty();

            PvInfo pv = state.findPv("pvc-1111").orElseThrow();
            assertThat(pv.claimRef()).contains(PvcRef.of("shop", "db-data"));
            assertThat(pv.isLonghorn()).isTrue();
            assertThat(pv.volumeHandle()).contains("pvc-1111");
            assertThat(pv.phase()).isEqualTo("Bound");
            assertThat(pv.capacityBytes()).isEqualTo(10L << 30);
            assertThat(state.findPv("nfs-old").orElseThrow().isLonghorn()).isFalse();
            assertThat(state.findPvForVolume("pvc-1111")).map(PvInfo::name).contains("pvc-1111");

            LonghornVolumeInfo v = state.findVolume("pvc-1111").orElseThrow();
            assertThat(v.fromBackup()).hasValueSatisfying(u -> assertThat(u).contains("backup=backup-0000000000000001"));
            assertThat(v.size()).isEqualTo(10L << 30);
            assertThat(v.state()).isEqualTo("attached");
            assertThat(v.labels()).containsEntry("recurring-job-group.longhorn.io/critical", "enabled");
        }
    }

    @Test
    void aNamespaceScopeReadsOnlyThoseNamespacesWithNamespacedRequests() {
        try (KubernetesClusterInspector inspector = KubernetesClusterInspector.builder().client(cluster.client())
                .namespaces("media").persistentVolumes(false).longhornVolumes(false).build()) {
            ClusterState state = inspector.inspect();
            assertThat(state.pvcs()).extracting(PvcInfo::ref).containsExactly(PvcRef.of("media", "cache"));
            assertThat(state.pvs()).isEmpty();
            assertThat(state.volumes()).isEmpty();
        }
        assertThat(cluster.libraryCalls()).extracting(MockCluster.Call::path)
                .containsExactly("/api/v1/namespaces/media/persistentvolumeclaims");
    }

    @Test
    void aClusterWithoutLonghornCrdsHasNoLonghornVolumes() {
        cluster.fail(c -> c.path().contains("/apis/longhorn.io/"), 404, "the server could not find the requested resource", 1);
        try (KubernetesClusterInspector inspector = KubernetesClusterInspector.create(cluster.client())) {
            ClusterState state = inspector.inspect();
            assertThat(state.volumes()).isEmpty();
            assertThat(state.pvcs()).hasSize(2);
            assertThat(inspector.describe()).contains("Kubernetes at");
        }
    }

    @Test
    void mapsAClaimWithoutStatusAsPending() {
        var c = new PersistentVolumeClaimBuilder().withNewMetadata().withName("x").withNamespace("y").endMetadata().build();
        assertThat(KubernetesClusterInspector.toPvcInfo(c)).map(PvcInfo::phase).contains("Pending");
        var bad = new PersistentVolumeClaimBuilder().withNewMetadata().withName("Not_Valid").withNamespace("y").endMetadata().build();
        assertThat(KubernetesClusterInspector.toPvcInfo(bad)).isEqualTo(Optional.empty());
        assertThat(List.of(KubernetesClusterInspector.toPvInfo(new PersistentVolumeBuilder().withNewMetadata().withName("bare")
                .endMetadata().build()))).singleElement().satisfies(p -> assertThat(p.csiDriver()).isEmpty());
    }
}

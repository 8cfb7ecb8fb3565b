package io.drkit.kubernetes;

import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A mock API server with a running simulated Longhorn over a mutable backup store, and a binder with short
 * intervals: the environment of the binder tests.
 */
final class SimCluster implements AutoCloseable {
    static final String NS = Longhorn.DEFAULT_NAMESPACE;

    final MockCluster cluster;
    final MutableCatalog store = new MutableCatalog();
    final SimulatedLonghorn longhorn;
    final KubernetesVolumeBinder binder;

    private SimCluster(Consumer<SimulatedLonghorn.Builder> sim, Consumer<KubernetesVolumeBinder.Builder> options) {
        cluster = MockCluster.start();
        SimulatedLonghorn.Builder sb = SimulatedLonghorn.builder(cluster.simClient(), store).tick(Duration.ofMillis(15));
        sim.accept(sb);
        longhorn = sb.build().start();
        KubernetesVolumeBinder.Builder bb = KubernetesVolumeBinder.builder().client(cluster.client())
                .pollInterval(Duration.ofMillis(20)).resyncInterval(Duration.ofMillis(300)).syncTimeout(Duration.ofSeconds(10));
        options.accept(bb);
        binder = bb.build();
    }

    static SimCluster start() {
        return new SimCluster(s -> { }, b -> { });
    }

    static SimCluster start(Consumer<SimulatedLonghorn.Builder> sim, Consumer<KubernetesVolumeBinder.Builder> options) {
        return new SimCluster(sim, options);
    }

    GenericKubernetesResource volume(String name) {
        return cluster.admin().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(NS).withName(name).get();
    }

    PersistentVolume pv(String name) {
        return cluster.admin().persistentVolumes().withName(name).get();
    }

    PersistentVolumeClaim pvc(PvcRef ref) {
        return cluster.admin().persistentVolumeClaims().inNamespace(ref.namespace()).withName(ref.name()).get();
    }

    /** Creates a claim as GitOps would: storage class, size, access mode, no volumeName. */
    PersistentVolumeClaim createClaim(PvcRef ref, String storageClass, String size, Map<String, String> labels) {
        return cluster.admin().persistentVolumeClaims().inNamespace(ref.namespace()).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(ref.name()).withNamespace(ref.namespace()).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(storageClass)
                .withNewResources().addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(size)).endResources()
                .endSpec().build()).create();
    }

    Set<String> volumeGroups(String name) {
        GenericKubernetesResource v = volume(name);
        return v == null ? Set.of() : Cr.labels(v).keySet().stream()
                .filter(k -> k.startsWith(LonghornLabels.RECURRING_JOB_GROUP_PREFIX))
                .map(k -> k.substring(LonghornLabels.RECURRING_JOB_GROUP_PREFIX.length())).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        binder.close();
        longhorn.close();
        cluster.close();
    }
}

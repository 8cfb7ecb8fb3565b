package io.drkit.kubernetes;

import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes BackupVolume and Backup CRs by hand, field by field as longhorn-manager's controllers fill them (1.4–1.7:
 * plain BackupVolume names, no targets; 1.9.1+: hashed names, {@code spec.volumeName}, {@code backup-target}
 * labels), independently of the simulated Longhorn's code.
 */
final class CrFixtures {
    static final String NS = "longhorn-system";
    static final ResourceDefinitionContext BV = new ResourceDefinitionContext.Builder().withGroup("longhorn.io")
            .withVersion("v1beta2").withKind("BackupVolume").withPlural("backupvolumes").withNamespaced(true).build();
    static final ResourceDefinitionContext BACKUP = new ResourceDefinitionContext.Builder().withGroup("longhorn.io")
            .withVersion("v1beta2").withKind("Backup").withPlural("backups").withNamespaced(true).build();

    private CrFixtures() {
    }

    /** Longhorn 1.9.1+'s BackupVolume name: {@code <vol>-<sha256("<vol>-<target>")[:8]>}. */
    static String hashedName(String volume, String target) throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-256").digest((volume + "-" + target).getBytes(StandardCharsets.UTF_8));
        return volume + "-" + HexFormat.of().formatHex(h).substring(0, 8);
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Writes the whole fixture; {@code target} null means Longhorn 1.7 (no targets). */
    static void write(KubernetesClient c, CatalogFixture f, String target) throws Exception {
        for (BackupVolume v : f.volumes()) {
            writeVolume(c, v, target);
            for (Backup b : f.backupsOf(v.name())) {
                writeBackup(c, b, target);
            }
        }
    }

    static GenericKubernetesResource writeVolume(KubernetesClient c, BackupVolume v, String target) throws Exception {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("longhorn.io/v1beta2");
        r.setKind("BackupVolume");
        String name = target == null ? v.name() : hashedName(v.name(), target);
        ObjectMetaBuilder m = new ObjectMetaBuilder().withName(name).withNamespace(NS);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("syncRequestedAt", null);
        if (target != null) {
            m.addToLabels("backup-volume", v.name()).addToLabels("backup-target", target);
            spec.put("volumeName", v.name());
            spec.put("backupTargetName", target);
        }
        r.setMetadata(m.build());
        r.setAdditionalProperty("spec", spec);
        var op = c.genericKubernetesResources(BV).inNamespace(NS);
        GenericKubernetesResource created = op.resource(r).create();
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("ownerID", "node-1");
        st.put("size", Long.toString(v.size()));
        st.put("labels", new LinkedHashMap<>(v.labels()));
        st.put("createdAt", v.createdAt().map(CrFixtures::time).orElse(""));
        st.put("lastBackupName", v.lastBackupName().orElse(""));
        st.put("lastBackupAt", v.lastBackupAt().map(CrFixtures::time).orElse(""));
        st.put("dataStored", "0");
        st.put("messages", Map.of());
        st.put("storageClassName", v.storageClassName().orElse(""));
        st.put("lastSyncedAt", "2026-11-20T00:00:00Z");
        created.setAdditionalProperty("status", st);
        return op.resource(created).updateStatus();
    }

    static GenericKubernetesResource writeBackup(KubernetesClient c, Backup b, String target) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("longhorn.io/v1beta2");
        r.setKind("Backup");
        ObjectMetaBuilder m = new ObjectMetaBuilder().withName(b.name()).withNamespace(NS).addToLabels("backup-volume", b.volumeName());
        if (target != null) {
            m.addToLabels("backup-target", target);
        }
        r.setMetadata(m.build());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("syncRequestedAt", null);
        spec.put("snapshotName", "");
        spec.put("labels", new LinkedHashMap<>(b.labels()));
        spec.put("backupMode", b.parameters().getOrDefault("backup-mode", ""));
        r.setAdditionalProperty("spec", spec);
        var op = c.genericKubernetesResources(BACKUP).inNamespace(NS);
        GenericKubernetesResource created = op.resource(r).create();
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("state", switch (b.state()) {
            case COMPLETED -> "Completed";
            case IN_PROGRESS -> "InProgress";
            case ERROR -> "Error";
            default -> "";
        });
        st.put("progress", b.isComplete() ? 100 : 40);
        st.put("url", b.isComplete() ? b.url().orElseThrow() : "");
        st.put("snapshotName", b.snapshotName().orElse(""));
        st.put("snapshotCreatedAt", b.snapshotCreatedAt().map(CrFixtures::time).orElse(""));
        st.put("backupCreatedAt", b.completedAt().map(CrFixtures::time).orElse(""));
        st.put("size", Long.toString(b.size()));
        st.put("labels", new LinkedHashMap<>(b.labels()));
        st.put("messages", Map.of());
        st.put("volumeName", b.volumeName());
        st.put("volumeSize", Long.toString(b.volumeSize()));
        st.put("compressionMethod", b.compression().wireName());
        st.put("lastSyncedAt", "2026-11-20T00:00:00Z");
        if (target != null) {
            st.put("backupTargetName", target);
        }
        created.setAdditionalProperty("status", st);
        return op.resource(created).updateStatus();
    }
}

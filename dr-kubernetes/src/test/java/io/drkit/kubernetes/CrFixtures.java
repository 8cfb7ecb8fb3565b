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
    static final ResourceDefinitionContext BT = new ResourceDefinitionContext.Builder().withGroup("longhorn.io")
            .withVersion("v1beta2").withKind("BackupTarget").withPlural("backuptargets").withNamespaced(true).build();
    /** When the fixture's Longhorn last synced its target and backup volumes. */
    static final String SYNCED = "2026-11-20T00:00:00Z";

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

    /** Writes the whole fixture and its BackupTarget, synced; {@code target} null means Longhorn 1.7 (no targets). */
    static void write(KubernetesClient c, CatalogFixture f, String target) throws Exception {
        writeTarget(c, target == null ? "default" : target, f.target().url(), SYNCED);
        for (BackupVolume v : f.volumes()) {
            writeVolume(c, v, target);
            for (Backup b : f.backupsOf(v.name())) {
                writeBackup(c, b, target);
            }
        }
    }

    /** A BackupTarget as Longhorn keeps it: URL, poll interval, available, last synced at {@code lastSynced} ("" never). */
    static GenericKubernetesResource writeTarget(KubernetesClient c, String name, String url, String lastSynced) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("longhorn.io/v1beta2");
        r.setKind("BackupTarget");
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("backupTargetURL", url);
        spec.put("credentialSecret", "s3-credentials");
        spec.put("pollInterval", "5m0s");
        spec.put("syncRequestedAt", null);
        r.setAdditionalProperty("spec", spec);
        var op = c.genericKubernetesResources(BT).inNamespace(NS);
        GenericKubernetesResource created = op.resource(r).create();
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("ownerID", "node-1");
        st.put("available", !lastSynced.isEmpty());
        st.put("conditions", java.util.List.of());
        st.put("lastSyncedAt", lastSynced.isEmpty() ? null : lastSynced);
        created.setAdditionalProperty("status", st);
        return op.resource(created).updateStatus();
    }

    /**
     * Plays Longhorn's sync for a store that has nothing new: every BackupTarget or BackupVolume whose
     * {@code spec.syncRequestedAt} is later than its {@code status.lastSyncedAt} gets that time as its last sync, until
     * closed. The fixture's CRs are those of a Longhorn that has synced, so a sync changes nothing else.
     */
    static AutoCloseable answerSyncRequests(KubernetesClient c) {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                for (ResourceDefinitionContext ctx : java.util.List.of(BT, BV)) {
                    try {
                        var op = c.genericKubernetesResources(ctx).inNamespace(NS);
                        for (GenericKubernetesResource r : op.list().getItems()) {
                            Object req = ((Map<?, ?>) r.getAdditionalProperties().getOrDefault("spec", Map.of())).get("syncRequestedAt");
                            Object st = r.getAdditionalProperties().get("status");
                            Object last = st instanceof Map<?, ?> m ? m.get("lastSyncedAt") : null;
                            if (req != null && !req.toString().isEmpty() && (last == null
                                    || Instant.parse(req.toString()).isAfter(Instant.parse(last.toString())))) {
                                @SuppressWarnings("unchecked")
                                Map<String, Object> status = new LinkedHashMap<>(st instanceof Map<?, ?> m
                                        ? (Map<String, Object>) m : Map.of());
                                status.put("lastSyncedAt", req.toString());
                                r.setAdditionalProperty("status", status);
                                op.resource(r).updateStatus();
                            }
                        }
                    } catch (RuntimeException e) {
                        // a conflict or a closing server: try again
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fixture-sync");
        t.setDaemon(true);
        t.start();
        return () -> {
            stop.set(true);
            t.interrupt();
            t.join(5_000);
        };
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
        st.put("lastSyncedAt", SYNCED);
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
        st.put("url", b.isComplete() ? b.url().orElseThrow().url() : "");
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

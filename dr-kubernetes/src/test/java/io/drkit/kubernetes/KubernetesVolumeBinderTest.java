package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.bind.StepInspection;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.ReclaimPolicy;
import io.drkit.core.plan.RestoreStep;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Kubernetes binder against the mock API server and the simulated Longhorn: GitOps ordering, conflicts, waits. */
class KubernetesVolumeBinderTest {
    private static final PvcRef DB = PvcRef.of("shop", "db-data");
    private SimCluster sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private SimCluster sim() {
        sim = SimCluster.start();
        return sim;
    }

    private static RestoreStep step(Backup b, String name) {
        return RestoreStep.builder(DB, b).volumeName(name).pvName(name).sizeBytes(b.volumeSize()).storageClassName("longhorn")
                .accessModes(List.of(AccessMode.READ_WRITE_ONCE)).replicas(2).staleReplicaTimeout(30)
                .recurringJobGroups(Set.of("critical")).recurringJobs(Set.of("weekly-extra")).reason("test").build();
    }

    private static BindContext ctx(RestoreStep s, Duration timeout, BindListener l) {
        return BindContext.create(s, timeout, Cancellation.create(), l);
    }

    private static BindContext ctx(RestoreStep s) {
        return ctx(s, Duration.ofSeconds(30), BindListener.NONE);
    }

    /** Waits (without asserting any duration) until a condition holds, for effects of the simulated controllers. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(15);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition never became true");
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- reads per step

    /**
     * Reads of the step's own objects (its Longhorn volume, PVs, its claim) outside the restore wait, counted per
     * step: the executor reads them once and hands that state to the engine (they were read twice, 8 reads).
     */
    private static List<String> stateReads(List<MockCluster.Call> calls) {
        return calls.stream().filter(c -> c.method().equals("GET") && !c.query().contains("watch=true"))
                .filter(c -> c.path().endsWith("/volumes/restored-db") || c.path().contains("/persistentvolumes")
                        || c.path().contains("/persistentvolumeclaims"))
                .map(c -> c.method() + " " + c.path() + (c.query().isEmpty() ? "" : "?" + c.query())).toList();
    }

    @Test
    void aFreshStepReadsItsObjectsOnceThroughTheExecutor() {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000009", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db");
        java.util.concurrent.atomic.AtomicReference<BindPhase> phase = new java.util.concurrent.atomic.AtomicReference<>();
        List<MockCluster.Call> outsideRestoreWait = Collections.synchronizedList(new ArrayList<>());
        sim.cluster.observe(c -> {
            if (c.agent().startsWith(MockCluster.LIBRARY) && phase.get() != BindPhase.RESTORING) {
                outsideRestoreWait.add(c);
            }
        });
        io.drkit.core.execute.ExecutionListener l = new io.drkit.core.execute.ExecutionListener() {
            @Override
            public void phase(RestoreStep step, BindPhase p, String detail) {
                phase.set(p);
            }
        };
        io.drkit.core.plan.RestorePlan plan = new io.drkit.core.plan.RestorePlan(io.drkit.core.plan.RestorePlan.SCHEMA_VERSION,
                Instant.now(), "test", true, io.drkit.core.plan.RestoreRequest.of(DB), List.of(s), List.of(), List.of());

        var report = io.drkit.core.execute.RestoreExecutor.builder().binder(sim.binder).listener(l).build().execute(plan);

        assertThat(report.results()).extracting(r -> r.outcome()).containsExactly(StepOutcome.RESTORED);
        assertThat(stateReads(outsideRestoreWait)).as("GETs of the step's volume, PVs and claim").hasSizeLessThanOrEqualTo(4)
                .containsExactlyInAnyOrder(
                        "GET /apis/longhorn.io/v1beta2/namespaces/longhorn-system/volumes/restored-db",
                        "GET /api/v1/persistentvolumes/restored-db",
                        "GET /api/v1/persistentvolumes",
                        "GET /api/v1/namespaces/shop/persistentvolumeclaims/db-data");

        int before = sim.cluster.libraryCalls().size();
        var again = io.drkit.core.execute.RestoreExecutor.builder().binder(sim.binder).build().execute(plan);
        List<MockCluster.Call> adoptCalls = sim.cluster.libraryCalls().subList(before, sim.cluster.libraryCalls().size());
        assertThat(again.results()).extracting(r -> r.outcome()).containsExactly(StepOutcome.ADOPTED);
        assertThat(adoptCalls).as("a complete step: 4 reads, nothing else").hasSize(4);
        assertThat(stateReads(adoptCalls)).hasSize(4);
    }

    // ---------------------------------------------------------------- what gets written

    @Test
    void createsTheVolumeCrTheWayLonghornsCrPathNeedsIt() {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000001", DB, 1L << 30);
        sim.binder.bind(step(b, "restored-db"), ctx(step(b, "restored-db")));

        MockCluster.Call post = sim.cluster.libraryCalls().stream()
                .filter(c -> c.method().equals("POST") && c.path().endsWith("/volumes")).findFirst().orElseThrow();
        assertThat(post.body()).contains("\"size\":\"1073741824\"").contains("\"frontend\":\"blockdev\"")
                .contains("\"numberOfReplicas\":2").contains("\"accessMode\":\"rwo\"").contains("\"dataEngine\":\"v1\"")
                .contains("\"staleReplicaTimeout\":30");
        GenericKubernetesResource v = sim.volume("restored-db");
        assertThat(Cr.str(v, "spec", "fromBackup")).isEqualTo(b.url().orElseThrow().url());
        assertThat(Cr.labels(v)).containsEntry("recurring-job-group.longhorn.io/critical", "enabled")
                .containsEntry("recurring-job.longhorn.io/weekly-extra", "enabled")
                .doesNotContainKey("recurring-job-group.longhorn.io/default");
        assertThat(v.getMetadata().getAnnotations()).containsEntry("drkit.io/pvc", "shop/db-data");
    }

    @ParameterizedTest(name = "replicas {0} -> numberOfReplicas {1}, reclaim {2}")
    @CsvSource({"2, 2, RETAIN, Retain", "0, 3, DELETE, Delete"})
    void createsThePvLikePvCreateButPreBoundToTheClaim(int replicas, String attr, ReclaimPolicy policy, String reclaim) {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000002", DB, 2L << 30);
        RestoreStep s = step(b, "restored-db").toBuilder().replicas(replicas).reclaimPolicy(policy).fsType("xfs").build();
        BindResult r = sim.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        PersistentVolume pv = sim.pv("restored-db");
        var spec = pv.getSpec();
        assertThat(spec.getCsi().getDriver()).isEqualTo("driver.longhorn.io");
        assertThat(spec.getCsi().getVolumeHandle()).isEqualTo("restored-db");
        assertThat(spec.getCsi().getFsType()).isEqualTo("xfs");
        assertThat(spec.getCsi().getVolumeAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of("diskSelector", "",
                "nodeSelector", "", "numberOfReplicas", attr, "staleReplicaTimeout", "30"));
        assertThat(spec.getCapacity()).containsEntry("storage", new Quantity("2Gi"));
        assertThat(spec.getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(spec.getVolumeMode()).isEqualTo("Filesystem");
        assertThat(spec.getPersistentVolumeReclaimPolicy()).isEqualTo(reclaim);
        assertThat(spec.getStorageClassName()).isEqualTo("longhorn");
        assertThat(spec.getClaimRef().getKind()).isEqualTo("PersistentVolumeClaim");
        assertThat(spec.getClaimRef().getNamespace()).isEqualTo("shop");
        assertThat(spec.getClaimRef().getName()).isEqualTo("db-data");
        assertThat(spec.getClaimRef().getUid()).isNull();
    }

    // ---------------------------------------------------------------- GitOps ordering

    @Test
    void aClaimCreatedAfterTheRestoreBindsToThePreBoundPv() throws Exception {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000003", DB, 1L << 30);
        sim.binder.bind(step(b, "restored-db"), ctx(step(b, "restored-db")));
        assertThat(sim.pvc(DB)).isNull();
        eventually(() -> sim.pv("restored-db").getStatus() != null && "Available".equals(sim.pv("restored-db").getStatus().getPhase()));

        PersistentVolumeClaim claim = sim.createClaim(DB, "longhorn", "1Gi", Map.of("data-tier", "critical"));
        // what Kubernetes' PV controller checks for a pre-bound PV: claimRef names the claim, same class,
        // enough capacity, every requested access mode, same volume mode
        PersistentVolume pv = sim.pv("restored-db");
        assertThat(pv.getSpec().getClaimRef().getNamespace() + "/" + pv.getSpec().getClaimRef().getName()).isEqualTo("shop/db-data");
        assertThat(SimulatedLonghorn.misfit(pv, claim)).isEmpty();

        eventually(() -> "Bound".equals(sim.pvc(DB).getStatus() == null ? null : sim.pvc(DB).getStatus().getPhase()));
        PersistentVolumeClaim bound = sim.pvc(DB);
        assertThat(bound.getSpec().getVolumeName()).isEqualTo("restored-db");
        assertThat(bound.getStatus().getCapacity()).containsEntry("storage", new Quantity("1Gi"));
        assertThat(sim.pv("restored-db").getSpec().getClaimRef().getUid()).isEqualTo(claim.getMetadata().getUid());
        assertThat(sim.pv("restored-db").getStatus().getPhase()).isEqualTo("Bound");
    }

    @Test
    void aClaimCreatedBeforeTheRestoreBindsOnceThePvExists() throws Exception {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000004", DB, 1L << 30);
        sim.createClaim(DB, "longhorn", "1Gi", Map.of());
        RestoreStep s = step(b, "restored-db");
        assertThat(sim.binder.inspect(s).state()).isEqualTo(StepInspection.State.NOT_STARTED);

        sim.binder.bind(s, ctx(s));

        eventually(() -> sim.pvc(DB).getStatus() != null && "Bound".equals(sim.pvc(DB).getStatus().getPhase()));
        assertThat(sim.pvc(DB).getSpec().getVolumeName()).isEqualTo("restored-db");
    }

    @Test
    void aClaimThatCouldNeverBindIsAConflictAndNothingIsCreated() {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000005", DB, 1L << 30);
        sim.createClaim(DB, "nfs-client", "1Gi", Map.of());
        RestoreStep s = step(b, "restored-db");

        assertThat(sim.binder.inspect(s)).satisfies(i -> {
            assertThat(i.state()).isEqualTo(StepInspection.State.CONFLICT);
            assertThat(i.detail()).contains("storage class 'nfs-client'");
        });
        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("nothing was changed");
        assertThat(sim.volume("restored-db")).isNull();
        assertThat(sim.pv("restored-db")).isNull();
        assertThat(sim.cluster.libraryWrites()).isEmpty();
    }

    @Test
    void aClaimBoundElsewhereIsNeverModified() {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000006", DB, 1L << 30);
        var claims = sim.cluster.admin().persistentVolumeClaims().inNamespace("shop");
        PersistentVolumeClaim c = sim.createClaim(DB, "longhorn", "1Gi", Map.of());
        c.getSpec().setVolumeName("pvc-fresh-empty");
        c = claims.resource(c).update();
        c.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
        PersistentVolumeClaim before = claims.resource(c).updateStatus();
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("bound to PV pvc-fresh-empty");
        PersistentVolumeClaim after = sim.pvc(DB);
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(sim.volume("restored-db")).isNull();
        assertThat(sim.pv("restored-db")).isNull();
        assertThat(sim.cluster.libraryWrites()).isEmpty();
    }

    @Test
    void aPvBoundToAnotherClaimIsAConflictAndStaysUntouched() {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000007", DB, 1L << 30);
        sim.cluster.admin().persistentVolumes().resource(new PersistentVolumeBuilder()
                .withNewMetadata().withName("restored-db").endMetadata().withNewSpec()
                .addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withNewClaimRef().withNamespace("wiki").withName("data").endClaimRef()
                .withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("restored-db").endCsi().endSpec().build()).create();
        RestoreStep s = step(b, "restored-db");

        assertThat(sim.binder.inspect(s).state()).isEqualTo(StepInspection.State.CONFLICT);
        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("bound to claim wiki/data");
        assertThat(sim.pv("restored-db").getSpec().getClaimRef().getName()).isEqualTo("data");
        assertThat(sim.cluster.libraryWrites()).isEmpty();
        assertThat(sim.volume("restored-db")).isNull();
    }

    @Test
    void reservesAnUnclaimedPvOfTheRestoredVolume() {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000008", DB, 1L << 30);
        sim.cluster.admin().persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("restored-db")
                .endMetadata().withNewSpec().addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("restored-db")
                .endCsi().endSpec().build()).create();
        RestoreStep s = step(b, "restored-db");

        BindResult r = sim.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESUMED);
        assertThat(r.actions()).anyMatch(a -> a.startsWith("reserved existing PV restored-db"));
        assertThat(sim.pv("restored-db").getSpec().getClaimRef().getName()).isEqualTo("db-data");
    }

    @Test
    void createsTheClaimWhenTheStepAsksAndKubernetesBindsIt() throws Exception {
        Backup b = sim().store.publish("pvc-src", "backup-1000000000000009", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db").toBuilder().createPvc(true).build();

        BindResult r = sim.binder.bind(s, ctx(s));

        assertThat(r.pvcCreated()).isTrue();
        PersistentVolumeClaim c = sim.pvc(DB);
        assertThat(c.getSpec().getVolumeName()).isEqualTo("restored-db");
        assertThat(c.getSpec().getStorageClassName()).isEqualTo("longhorn");
        assertThat(c.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
        eventually(() -> sim.pvc(DB).getStatus() != null && "Bound".equals(sim.pvc(DB).getStatus().getPhase()));
        assertThat(sim.binder.inspect(s).state()).isEqualTo(StepInspection.State.COMPLETE);
    }

    // ---------------------------------------------------------------- waiting, progress, failure

    @Test
    void reportsRestoreProgressFromTheEngineInOrder() {
        sim = SimCluster.start(l -> l.restoreTicks(12), o -> { });
        Backup b = sim.store.publish("pvc-src", "backup-2000000000000001", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db");
        List<Double> fractions = Collections.synchronizedList(new ArrayList<>());
        List<String> details = Collections.synchronizedList(new ArrayList<>());
        sim.binder.bind(s, ctx(s, Duration.ofSeconds(30), new BindListener() {
            @Override
            public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
                if (phase == BindPhase.RESTORING && fraction >= 0) {
                    fractions.add(fraction);
                    details.add(detail);
                }
            }
        }));

        assertThat(fractions).isSortedAccordingTo(Double::compare);
        assertThat(fractions).anyMatch(f -> f > 0 && f < 1);
        assertThat(fractions.get(fractions.size() - 1)).isEqualTo(1.0);
        assertThat(details).anyMatch(d -> d.contains("restoring backup-2000000000000001") && d.contains("2 replicas"));
    }

    @Test
    void failsWhenTheRestoreFaultsAndCreatesNoPv() {
        Backup b = sim().store.publish("pvc-src", "backup-2000000000000002", DB, 1L << 30);
        sim.longhorn.failRestore("restored-db", "All replica restore failed");
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isExactlyInstanceOf(DrException.class)
                .hasMessageContaining("restore of volume restored-db from backup backup-2000000000000002 failed")
                .hasMessageContaining("RestoreFailure: All replica restore failed")
                .hasMessageContaining("replica errors");
        assertThat(sim.pv("restored-db")).isNull();
        assertThat(sim.binder.inspect(s)).satisfies(i -> {
            assertThat(i.state()).isEqualTo(StepInspection.State.PARTIAL);
            assertThat(i.detail()).contains("restore failed");
        });
    }

    @Test
    void failsAtTheStepDeadlineWhenTheRestoreNeverFinishes() {
        Backup b = sim().store.publish("pvc-src", "backup-2000000000000003", DB, 1L << 30);
        sim.longhorn.stallRestore("restored-db");
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s, Duration.ofSeconds(2), BindListener.NONE)))
                .isInstanceOf(DrTimeoutException.class).hasMessageContaining("restore of volume restored-db");
        assertThat(sim.pv("restored-db")).isNull();
    }

    @Test
    void theRestoreTimeoutCapsTheWaitBelowTheStepDeadline() {
        sim = SimCluster.start(l -> { }, o -> o.restoreTimeout(Duration.ofSeconds(1)));
        Backup b = sim.store.publish("pvc-src", "backup-2000000000000004", DB, 1L << 30);
        sim.longhorn.stallRestore("restored-db");
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s, Duration.ofMinutes(5), BindListener.NONE)))
                .isInstanceOf(DrTimeoutException.class).hasMessageContaining("last seen state=attached")
                .satisfies(e -> assertThat(((DrTimeoutException) e).timeout()).isEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void cancellationStopsTheWaitAndAStalledRestoreResumesOnTheNextRun() throws Exception {
        Backup b = sim().store.publish("pvc-src", "backup-2000000000000005", DB, 1L << 30);
        sim.longhorn.stallRestore("restored-db");
        RestoreStep s = step(b, "restored-db");
        Cancellation cancel = Cancellation.create();
        CountDownLatch restoring = new CountDownLatch(1);
        BindContext c = BindContext.create(s, Duration.ofMinutes(5), cancel, new BindListener() {
            @Override
            public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
                if (phase == BindPhase.RESTORING && fraction > 0) {
                    restoring.countDown();
                }
            }
        });
        CompletableFuture<BindResult> run = CompletableFuture.supplyAsync(() -> sim.binder.bind(s, c));
        assertThat(restoring.await(20, TimeUnit.SECONDS)).isTrue();
        cancel.cancel();
        assertThatThrownBy(() -> run.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(CancelledException.class);

        assertThat(sim.binder.inspect(s).state()).isEqualTo(StepInspection.State.PARTIAL);
        sim.longhorn.resumeRestore("restored-db");
        BindResult again = sim.binder.bind(s, ctx(s));
        assertThat(again.outcome()).isEqualTo(StepOutcome.RESUMED);
        assertThat(again.actions()).contains("adopted volume restored-db", "restored volume restored-db");
    }

    // ---------------------------------------------------------------- making Longhorn know the backup

    @Test
    void requestsASyncAndWaitsForABackupLonghornLearnsLate() throws Exception {
        sim();
        Backup b = Backup.builder("backup-3000000000000001", "pvc-late").snapshotCreatedAt(Instant.parse("2026-11-20T03:00:00Z"))
                .completedAt(Instant.parse("2026-11-20T03:01:30Z")).volumeSize(1L << 30)
                .url(MutableCatalog.TARGET.backupUrl("backup-3000000000000001", "pvc-late")).build();
        RestoreStep s = step(b, "restored-late");
        List<BindPhase> phases = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<BindResult> run = CompletableFuture.supplyAsync(() -> sim.binder.bind(s, ctx(s, Duration.ofSeconds(30),
                new BindListener() {
                    @Override
                    public void phase(RestoreStep step, BindPhase phase, String detail) {
                        phases.add(phase);
                        if (phase == BindPhase.WAIT_FOR_BACKUP) {
                            waiting.countDown();
                        }
                    }
                })));
        assertThat(waiting.await(20, TimeUnit.SECONDS)).isTrue();
        // the backup reaches the store only now, after Longhorn's first sync found nothing
        eventually(() -> sim.longhorn.targetSyncs() > 0);
        sim.store.publish("pvc-late", "backup-3000000000000001", DB, 1L << 30);

        BindResult r = run.get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(phases).containsSubsequence(BindPhase.WAIT_FOR_BACKUP, BindPhase.CREATE_VOLUME, BindPhase.RESTORING,
                BindPhase.CREATE_PV, BindPhase.DONE);
        assertThat(sim.cluster.libraryWrites()).anyMatch(c -> c.method().equals("PUT") && c.path().contains("/backuptargets/default")
                && c.body().contains("syncRequestedAt"));
    }

    @Test
    void requestsASyncOfTheBackupVolumeWhenOnlyTheBackupIsNew() {
        sim().store.publish("pvc-src", "backup-3000000000000010", DB, 1L << 30);
        sim.longhorn.syncNow();
        Backup newer = sim.store.publish("pvc-src", "backup-3000000000000011", DB, 1L << 30);
        RestoreStep s = step(newer, "restored-db");

        BindResult r = sim.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        String bv = sim.longhorn.backupVolumeName("pvc-src");
        assertThat(sim.cluster.libraryWrites()).anyMatch(c -> c.method().equals("PUT")
                && c.path().endsWith("/backupvolumes/" + bv) && c.body().contains("syncRequestedAt"));
        assertThat(sim.cluster.libraryWrites()).noneMatch(c -> c.path().contains("/backuptargets/"));
    }

    @Test
    void failsWithATimeoutWhenLonghornNeverLearnsTheBackup() {
        sim = SimCluster.start(l -> l.ignoreSyncRequests(true), o -> o.syncTimeout(Duration.ofSeconds(1)));
        Backup b = sim.store.publish("pvc-src", "backup-3000000000000002", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(DrTimeoutException.class)
                .hasMessageContaining("Longhorn did not learn backup backup-3000000000000002 of volume pvc-src")
                .hasMessageContaining("no BackupVolume for volume pvc-src");
        assertThat(sim.volume("restored-db")).isNull();
    }

    @Test
    void reportsAnUnavailableBackupTargetInsteadOfATimeout() {
        sim = SimCluster.start(l -> { }, o -> o.syncTimeout(Duration.ofSeconds(1)));
        sim.longhorn.backupTargetAvailable(false, "failed to list objects: connection refused");
        Backup b = sim.store.publish("pvc-src", "backup-3000000000000003", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("backup target default unavailable").hasMessageContaining("connection refused");
    }

    @Test
    void retriesWhenLonghornsWebhookRejectsTheBackupAsUnknown() {
        Backup b = sim().store.publish("pvc-src", "backup-3000000000000004", DB, 1L << 30);
        sim.cluster.fail(c -> c.method().equals("POST") && c.path().endsWith("/volumes") && c.agent().startsWith(MockCluster.LIBRARY),
                422, "admission webhook validator.longhorn.io denied the request: cannot get backup backup-3000000000000004", 1);
        RestoreStep s = step(b, "restored-db");
        List<BindPhase> phases = Collections.synchronizedList(new ArrayList<>());

        BindResult r = sim.binder.bind(s, ctx(s, Duration.ofSeconds(30), new BindListener() {
            @Override
            public void phase(RestoreStep step, BindPhase phase, String detail) {
                phases.add(phase);
            }
        }));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(sim.cluster.libraryWrites()).filteredOn(c -> c.method().equals("POST") && c.path().endsWith("/volumes")).hasSize(2);
        assertThat(phases).isSortedAccordingTo(Enum::compareTo);
    }

    // ---------------------------------------------------------------- races and errors

    @Test
    void adoptsAVolumeThatAConcurrentRunCreatedFromTheSameBackup() {
        Backup b = sim().store.publish("pvc-src", "backup-4000000000000001", DB, 1L << 30);
        sim.cluster.performThenFail(c -> c.method().equals("POST") && c.path().endsWith("/volumes"), 409,
                "volumes.longhorn.io restored-db already exists");
        RestoreStep s = step(b, "restored-db");

        BindResult r = sim.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESUMED);
        assertThat(r.actions()).contains("adopted volume restored-db created concurrently from the same backup");
        assertThat(sim.pv("restored-db")).isNotNull();
    }

    @Test
    void aPvForAnotherClaimAppearingDuringTheRestoreIsAConflict() {
        Backup b = sim().store.publish("pvc-src", "backup-4000000000000002", DB, 1L << 30);
        sim.longhorn.stallRestore("restored-db");
        RestoreStep s = step(b, "restored-db");
        CompletableFuture<Void> racer = CompletableFuture.runAsync(() -> {
            try {
                // after the pre-flight: the volume is restoring; someone else creates a PV of the same name
                eventually(() -> sim.longhorn.events().stream().anyMatch(e -> e.contains("attached for restore")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sim.cluster.admin().persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("restored-db")
                    .endMetadata().withNewSpec().withNewClaimRef().withNamespace("other").withName("x").endClaimRef()
                    .withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("restored-db").endCsi().endSpec().build()).create();
            sim.longhorn.resumeRestore("restored-db");
        });

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("bound to claim other/x").hasMessageContaining("the PV was not changed");
        racer.join();
        assertThat(sim.pv("restored-db").getSpec().getClaimRef().getName()).isEqualTo("x");
    }

    @Test
    void aForbiddenPvCreateSurfacesAsUnavailableNamingThePvAndStatus() {
        Backup b = sim().store.publish("pvc-src", "backup-4000000000000003", DB, 1L << 30);
        sim.cluster.fail(c -> c.method().equals("POST") && c.path().endsWith("/persistentvolumes"), 403,
                "persistentvolumes is forbidden: User cannot create resource", 1);
        RestoreStep s = step(b, "restored-db");

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("create PersistentVolume restored-db").hasMessageContaining("403")
                .satisfies(e -> assertThat(((UnavailableException) e).status()).hasValue(403));
    }

    @ParameterizedTest(name = "volume name ''{0}''")
    @ValueSource(strings = {"Restored_DB", "a-volume-name-that-is-longer-than-forty-chars", "-leading-dash"})
    void refusesNamesLonghornWouldRewriteBeforeTouchingTheCluster(String name) {
        Backup b = sim().store.publish("pvc-src", "backup-5000000000000001", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db").toBuilder().volumeName(name).build();

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(InvalidInputException.class).hasMessageContaining(name);
        assertThat(sim.cluster.libraryCalls()).isEmpty();
    }

    @Test
    void aStepWithoutTheStorageClassThePlanDecidesIsRefusedBeforeTouchingTheCluster() {
        Backup b = sim().store.publish("pvc-src", "backup-5000000000000002", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db").toBuilder().storageClassName("").build();

        assertThatThrownBy(() -> sim.binder.bind(s, ctx(s))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("storageClassName: no storage class given");
        assertThat(sim.cluster.libraryCalls()).isEmpty();
        assertThat(sim.binder.describe()).contains("longhorn-system");
        assertThat(Longhorn.DEFAULT_NAMESPACE).isEqualTo(SimCluster.NS);
    }

    @Test
    void thePvAndClaimGetTheStorageClassAndAccessModesOfThePlanAsTheyAre() {
        Backup b = sim().store.publish("pvc-src", "backup-5000000000000003", DB, 1L << 30);
        RestoreStep s = step(b, "restored-db").toBuilder().storageClassName("longhorn-static")
                .accessModes(List.of(AccessMode.READ_WRITE_ONCE_POD)).createPvc(true).build();

        sim.binder.bind(s, ctx(s));

        assertThat(sim.pv("restored-db").getSpec().getStorageClassName()).isEqualTo("longhorn-static");
        assertThat(sim.pv("restored-db").getSpec().getAccessModes()).containsExactly("ReadWriteOncePod");
        assertThat(sim.pvc(DB).getSpec().getStorageClassName()).isEqualTo("longhorn-static");
        assertThat(sim.pvc(DB).getSpec().getAccessModes()).containsExactly("ReadWriteOncePod");
        assertThat(sim.cluster.libraryCalls()).as("no Longhorn setting or backup volume is read to pick a class")
                .noneMatch(c -> c.path().contains("/settings/"));
    }
}

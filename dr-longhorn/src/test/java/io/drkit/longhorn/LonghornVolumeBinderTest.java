package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.bind.StepInspection;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.plan.RestoreStep;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link LonghornVolumeBinder} against the stateful {@link LonghornSimulator}, on Longhorn 1.4, 1.7 and 1.9. */
class LonghornVolumeBinderTest {
    private static final PvcRef PVC = PvcRef.of("shop", "db-data");
    private SimulatedLonghorn lh;

    private SimulatedLonghorn start(LonghornVersion v) {
        lh = new SimulatedLonghorn(v);
        return lh;
    }

    @AfterEach
    void stop() {
        if (lh != null) {
            lh.close();
        }
    }

    private static RestoreStep step(Backup b, String name, boolean createPvc) {
        return RestoreStep.builder(PVC, b).volumeName(name).pvName(name).sizeBytes(b.volumeSize())
                .storageClassName("longhorn").replicas(2).staleReplicaTimeout(30)
                .recurringJobGroups(Set.of("critical")).recurringJobs(Set.of("nightly")).createPvc(createPvc).build();
    }

    private static BindContext ctx(RestoreStep s) {
        return ctx(s, Cancellation.create(), BindListener.NONE);
    }

    private static BindContext ctx(RestoreStep s, Cancellation c, BindListener l) {
        return BindContext.create(s, Duration.ofSeconds(30), c, l);
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void restoresCreatesPvAndClaimAndTheClaimBindsThePv(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-00000000000000a1", PVC, 3L << 30);
        RestoreStep s = step(b, "restored-db", true);

        BindResult r = lh.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(r.pvcCreated()).isTrue();
        LonghornSimulator.SimVolume vol = lh.sim.volume("restored-db").orElseThrow();
        assertThat(vol.restored()).isTrue();
        assertThat(vol.size()).isEqualTo(3L << 30);
        assertThat(vol.numberOfReplicas()).isEqualTo(2);
        assertThat(vol.staleReplicaTimeout()).isEqualTo(30);
        assertThat(vol.createBody().contains("\"dataEngine\"")).isEqualTo(v.hasDataEngine());
        assertThat(lh.sim.volumeGroups("restored-db")).containsExactly("critical");
        assertThat(vol.labels()).containsKey("recurring-job.longhorn.io/nightly");
        assertThat(lh.sim.pvc(PVC).orElseThrow().volumeName()).isEqualTo("restored-db");
        assertThat(lh.sim.pv("restored-db").orElseThrow().claimRef()).contains(PVC);
        assertThat(lh.binder.inspect(s).state()).isEqualTo(StepInspection.State.COMPLETE);
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void listsTheVolumesOncePerStepThroughTheExecutor(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-00000000000000a9", PVC, 1L << 30);
        RestoreStep s = step(b, "restored-db", true);
        RestorePlan plan = new RestorePlan(RestorePlan.SCHEMA_VERSION, Instant.now(), "test", true,
                RestoreRequest.of(PVC), List.of(s), List.of(), List.of());
        RestoreExecutor executor = RestoreExecutor.builder().binder(lh.binder).build();

        assertThat(executor.execute(plan).results()).extracting(r -> r.outcome()).containsExactly(StepOutcome.RESTORED);
        assertThat(lh.sim.server().findAll(getRequestedFor(urlEqualTo("/v1/volumes")))).as("GET /v1/volumes").hasSize(1);

        assertThat(executor.execute(plan).results()).extracting(r -> r.outcome()).containsExactly(StepOutcome.ADOPTED);
        assertThat(lh.sim.server().findAll(getRequestedFor(urlEqualTo("/v1/volumes")))).as("GET /v1/volumes").hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void bindingTwiceWithAClaimAdoptsEverything(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-00000000000000a2", PVC, 1L << 30);
        RestoreStep s = step(b, "restored-db", true);
        lh.binder.bind(s, ctx(s));

        BindResult again = lh.binder.bind(s, ctx(s));

        assertThat(again.outcome()).isEqualTo(StepOutcome.ADOPTED);
        assertThat(again.pvcCreated()).isFalse();
        lh.sim.server().verify(1, postRequestedFor(urlEqualTo("/v1/volumes")));
        lh.sim.server().verify(1, postRequestedFor(urlEqualTo("/v1/volumes/restored-db?action=pvcCreate")));
    }

    @ParameterizedTest
    @EnumSource(value = LonghornVersion.class, names = {"V1_7", "V1_9"})
    void syncsABackupLonghornHasNotListedYetAndWaits(LonghornVersion v) {
        start(v);
        lh.sim.publishBackup("pvc-src", "backup-00000000000000b0", PVC, 1L << 30);
        Backup b = lh.sim.backup("pvc-src", "backup-00000000000000b1").pvc(PVC)
                .snapshotCreated(java.time.Instant.parse("2026-11-20T03:00:00Z")).notSyncedYet(Long.MAX_VALUE).publish();
        RestoreStep s = step(b, "restored-db", false);

        BindResult r = lh.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(lh.sim.volumeRestoredFrom("restored-db", b)).isTrue();
        lh.sim.server().verify(postRequestedFor(urlPathMatching("/v1/backupvolumes/.*"))
                .withQueryParam("action", com.github.tomakehurst.wiremock.client.WireMock.equalTo("backupVolumeSync")));
    }

    @ParameterizedTest
    @EnumSource(value = LonghornVersion.class, names = {"V1_7", "V1_9"})
    void syncsTheBackupTargetWhenEvenTheBackupVolumeIsUnknown(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.backup("pvc-new", "backup-00000000000000c1").pvc(PVC).notSyncedYet(Long.MAX_VALUE).publish();
        RestoreStep s = step(b, "restored-new", false);

        assertThat(lh.binder.bind(s, ctx(s)).outcome()).isEqualTo(StepOutcome.RESTORED);
        lh.sim.server().verify(putRequestedFor(urlEqualTo("/v1/backuptargets")));
    }

    @Test
    void waitsForLonghorn14sOwnPollBecauseItCannotBeAskedToSync() {
        start(LonghornVersion.V1_4);
        Backup b = lh.sim.backup("pvc-src", "backup-00000000000000d1").pvc(PVC).notSyncedYet(25).publish();
        RestoreStep s = step(b, "restored-db", false);
        List<String> details = new java.util.concurrent.CopyOnWriteArrayList<>();

        BindResult r = lh.binder.bind(s, ctx(s, Cancellation.create(), new BindListener() {
            @Override
            public void phase(RestoreStep step, BindPhase phase, String detail) {
                details.add(detail);
            }
        }));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(lh.sim.syncRequests()).isZero();
        assertThat(details).anyMatch(d -> d.contains("cannot be asked to sync"));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void failsFastOnAFaultedRestoreAndInspectionSaysWhatToDo(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-00000000000000e1", PVC, 1L << 30);
        lh.sim.failRestoreOf("restored-db");
        RestoreStep s = step(b, "restored-db", false);

        assertThatThrownBy(() -> lh.binder.bind(s, ctx(s))).isInstanceOf(DrException.class)
                .hasMessageContaining("faulted").hasMessageContaining("RestoreFailure");
        StepInspection after = lh.binder.inspect(s);
        assertThat(after.state()).isEqualTo(StepInspection.State.PARTIAL);
        assertThat(after.detail()).contains("delete the volume");
        assertThat(lh.sim.pv("restored-db")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void resumesAVolumeRestoredEarlierWhoseUrlListsItsParametersInAnotherOrder(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-00000000000000f1", PVC, 1L << 30);
        lh.sim.createRestoredVolume("restored-db",
                "s3://backups@us-east-1/?volume=pvc-src&backup=backup-00000000000000f1", 1L << 30);
        RestoreStep s = step(b, "restored-db", false);
        assertThat(lh.binder.inspect(s).state()).isEqualTo(StepInspection.State.PARTIAL);

        BindResult r = lh.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESUMED);
        assertThat(r.actions()).anyMatch(a -> a.startsWith("adopted volume restored-db"))
                .anyMatch(a -> a.contains("added recurring group critical"))
                .anyMatch(a -> a.startsWith("created PV"));
        assertThat(lh.sim.volumeGroups("restored-db")).contains("critical");
        lh.sim.server().verify(0, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void refusesASameNameVolumeFromAnotherBackupAndChangesNothing(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-0000000000000101", PVC, 1L << 30);
        lh.sim.createRestoredVolume("restored-db", "s3://backups@us-east-1/?backup=backup-0000000000000999&volume=pvc-src",
                1L << 30);
        RestoreStep s = step(b, "restored-db", true);

        StepInspection found = lh.binder.inspect(s);
        assertThat(found.state()).isEqualTo(StepInspection.State.CONFLICT);
        assertThat(found.detail()).contains("backup-0000000000000999");
        assertThatThrownBy(() -> lh.binder.bind(s, ctx(s))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("restored-db").hasMessageContaining("backup-0000000000000101");
        lh.sim.server().verify(0, postRequestedFor(urlEqualTo("/v1/volumes")));
        lh.sim.server().verify(0, postRequestedFor(urlPathMatching("/v1/volumes/.*")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void refusesAPvNameThatAnotherLonghornVolumeAlreadyUses(LonghornVersion v) {
        start(v);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-0000000000000201", PVC, 1L << 30);
        lh.sim.createPvcBoundElsewhere(PvcRef.of("other", "claim"), "shared-pv");
        RestoreStep s = step(b, "restored-db", false).toBuilder().pvName("shared-pv").build();

        assertThat(lh.binder.inspect(s).detail()).contains("PV shared-pv already exists for Longhorn volume shared-pv");
        assertThatThrownBy(() -> lh.binder.bind(s, ctx(s))).isInstanceOf(ConflictException.class);
        assertThat(lh.sim.volume("restored-db")).isEmpty();
    }

    @Test
    void findsBackupVolumesWithRandomIdsOfLonghorn18() {
        start(LonghornVersion.V1_9);
        lh.sim.randomBackupVolumeNames();
        Backup b = lh.sim.publishBackup("pvc-src", "backup-0000000000000301", PVC, 1L << 30);
        assertThat(lh.sim.backupVolumeIds()).singleElement().asString().startsWith("pvc-src-").isNotEqualTo("pvc-src");
        RestoreStep s = step(b, "restored-db", false);

        assertThat(lh.binder.bind(s, ctx(s)).outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(lh.client.findBackupVolume("pvc-src", "default")).isPresent();
    }

    @Test
    void restoresFromASecondBackupTargetOnLonghorn19() {
        start(LonghornVersion.V1_9);
        lh.sim.backupTarget("offsite", "s3://offsite@eu-west-1/longhorn/", true, "");
        lh.sim.publishBackup("pvc-src", "backup-0000000000000401", PVC, 1L << 30);
        Backup off = lh.sim.backup("pvc-src", "backup-0000000000000402").pvc(PVC).target("offsite")
                .volumeSize(2L << 30).notSyncedYet(Long.MAX_VALUE).publish();
        RestoreStep s = step(off, "restored-offsite", false);

        BindResult r = lh.binder.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(lh.sim.volume("restored-offsite").orElseThrow().size()).isEqualTo(2L << 30);
        assertThat(lh.client.findBackupVolume("pvc-src", "offsite").orElseThrow().id())
                .isNotEqualTo(lh.client.findBackupVolume("pvc-src", "default").orElseThrow().id());
    }

    @Test
    void stopsWhenCancelledWhileRestoring() {
        start(LonghornVersion.V1_9);
        lh.sim.restorePolls(1000);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-0000000000000501", PVC, 1L << 30);
        RestoreStep s = step(b, "restored-db", false);
        Cancellation c = Cancellation.create();

        assertThatThrownBy(() -> lh.binder.bind(s, ctx(s, c, new BindListener() {
            @Override
            public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
                if (phase == BindPhase.RESTORING && fraction > 0) {
                    c.cancel();
                }
            }
        }))).isInstanceOf(CancelledException.class);
        assertThat(lh.sim.volume("restored-db").orElseThrow().restored()).isFalse();
        assertThat(lh.sim.pv("restored-db")).isEmpty();
    }

    @Test
    void rejectsAVolumeNameLonghornWouldRefuseBeforeChangingAnything() {
        start(LonghornVersion.V1_9);
        Backup b = lh.sim.publishBackup("pvc-src", "backup-0000000000000601", PVC, 1L << 30);
        RestoreStep s = step(b, "a-volume-name-that-is-longer-than-forty-characters", false);

        assertThatThrownBy(() -> lh.binder.bind(s, ctx(s))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("40 characters");
        lh.sim.server().verify(0, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @Test
    void describesTheTargetAndClosesIdempotently() {
        start(LonghornVersion.V1_7);
        assertThat(lh.binder.describe()).contains(lh.sim.baseUrl());
        lh.binder.close();
        lh.binder.close();
        assertThat(lh.client.listVolumes()).isEmpty();
    }
}

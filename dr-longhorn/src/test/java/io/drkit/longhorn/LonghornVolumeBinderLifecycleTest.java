package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.drkit.longhorn.Fixtures.A_NEWEST;
import static io.drkit.longhorn.Fixtures.RESTORED;
import static io.drkit.longhorn.Fixtures.VOL_A;
import static io.drkit.longhorn.Fixtures.bvA;
import static io.drkit.longhorn.Fixtures.ok;
import static io.drkit.longhorn.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.drkit.core.Cancellation;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.UnavailableException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The restore lifecycle scripted with WireMock scenarios over Longhorn-shaped fixtures: the volume goes
 * {@code ""} → {@code creating} → {@code attached} restoring with progress → {@code detached}, then gets its PV (and
 * PVC); and the failure paths: faulted, {@code RestoreFailure}, a restore that never ends, connection resets, 503s and
 * a backup Longhorn has not synced yet.
 */
class LonghornVolumeBinderLifecycleTest {
    private static final String VOLUME = "/v1/volumes/" + RESTORED;
    private static final String RESTORE = "restore";
    private static final PvcRef PVC = PvcRef.of("shop", "db-data");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").notifier(new ConsoleNotifier(false)))
            .build();

    private LonghornClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private LonghornVolumeBinder binder(LonghornVersion v) {
        Fixtures.stubSchemas(wm, v);
        wm.stubFor(get("/v1/volumes").willReturn(ok(v, "volumes-empty.json")));
        wm.stubFor(get("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));
        wm.stubFor(get("/v1/backupvolumes").willReturn(ok(v, "backupvolumes.json")));
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + bvA(v) + "?action=backupGet")).atPriority(5)
                .willReturn(ok(v, "backup-get.json")));
        wm.stubFor(post("/v1/volumes").atPriority(5).willReturn(ok(v, "volume-create-response.json")));
        client = SimulatedLonghorn.testClient(wm.baseUrl()).build();
        return SimulatedLonghorn.testBinder(client).kubernetesStatusTimeout(Duration.ofSeconds(5)).build();
    }

    /** GET of the volume in scenario state {@code from} answers {@code body} and moves to {@code to}. */
    private static void volumeStep(String from, ResponseDefinitionBuilder body, String to) {
        ScenarioMappingBuilder m = get(VOLUME).inScenario(RESTORE).whenScenarioStateIs(from).willReturn(body);
        wm.stubFor(to == null ? m : m.willSetStateTo(to));
    }

    /** The happy path's volume GETs, then pvCreate and pvcCreate moving the scenario on. */
    private static void scriptHappyRestore(LonghornVersion v) {
        volumeStep(Scenario.STARTED, ok(v, "volume-creating.json"), "restoring-1");
        volumeStep("restoring-1", ok(v, "volume-restoring.json"), "restoring-2");
        volumeStep("restoring-2", ok(v, "volume-restoring.json"), "restored");
        volumeStep("restored", ok(v, "volume-restored.json"), null);
        wm.stubFor(post(urlEqualTo(VOLUME + "?action=pvCreate")).inScenario(RESTORE).whenScenarioStateIs("restored")
                .willReturn(ok(v, "volume-restored.json")).willSetStateTo("pv-pending"));
        volumeStep("pv-pending", ok(v, "volume-restored.json"), "pv");
        volumeStep("pv", ok(v, "volume-with-pv.json"), null);
        wm.stubFor(post(urlEqualTo(VOLUME + "?action=pvcCreate")).inScenario(RESTORE).whenScenarioStateIs("pv")
                .willReturn(ok(v, "volume-with-pv.json")).willSetStateTo("bound"));
        volumeStep("bound", ok(v, "volume-bound.json"), null);
    }

    private static RestoreStep step(boolean createPvc) {
        Backup b = Backup.builder(A_NEWEST, VOL_A).snapshotCreatedAt(Instant.parse("2026-10-08T03:00:00Z"))
                .completedAt(Instant.parse("2026-10-08T03:00:47Z")).volumeSize(2L << 30)
                .url(BackupUrl.parse("s3://backups@us-east-1/?backup=" + A_NEWEST + "&volume=" + VOL_A)).build();
        return RestoreStep.builder(PVC, b).volumeName(RESTORED).pvName(RESTORED).sizeBytes(2L << 30)
                .storageClassName("longhorn").replicas(3).staleReplicaTimeout(2880).recurringJobGroups(Set.of("critical"))
                .createPvc(createPvc).build();
    }

    private static final class Recorder implements BindListener {
        final List<BindPhase> phases = Collections.synchronizedList(new ArrayList<>());
        final List<Double> restoreProgress = Collections.synchronizedList(new ArrayList<>());
        final List<String> details = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void phase(RestoreStep step, BindPhase phase, String detail) {
            if (phases.isEmpty() || phases.get(phases.size() - 1) != phase) {
                phases.add(phase);
            }
        }

        @Override
        public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
            details.add(detail);
            if (phase == BindPhase.RESTORING) {
                restoreProgress.add(fraction);
            }
        }
    }

    private static BindContext ctx(RestoreStep s, Duration timeout, BindListener l) {
        return BindContext.create(s, timeout, Cancellation.create(), l);
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void restoresThroughCreatingRestoringAndDetachedThenCreatesPvAndClaim(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        scriptHappyRestore(v);
        RestoreStep s = step(true);
        Recorder rec = new Recorder();

        BindResult r = binder.bind(s, ctx(s, Duration.ofSeconds(20), rec));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(r.pvcCreated()).isTrue();
        assertThat(rec.phases).containsExactly(BindPhase.PREFLIGHT, BindPhase.CREATE_VOLUME, BindPhase.RESTORING,
                BindPhase.CREATE_PV, BindPhase.CREATE_PVC, BindPhase.DONE);
        assertThat(rec.restoreProgress).contains(0.45, 1.0);
        assertThat(rec.details).anyMatch(d -> d.contains("45%"));
        String engine = v.hasDataEngine() ? ",\"dataEngine\":\"v1\"" : "";
        wm.verify(postRequestedFor(urlEqualTo("/v1/volumes")).withRequestBody(equalToJson("{\"name\":\"restored-db\","
                + "\"fromBackup\":\"s3://backups@us-east-1/?backup=" + A_NEWEST + "&volume=" + VOL_A + "\","
                + "\"size\":\"2147483648\",\"numberOfReplicas\":3,\"staleReplicaTimeout\":2880,\"accessMode\":\"rwo\""
                + engine + ",\"recurringJobSelector\":[{\"name\":\"critical\",\"isGroup\":true}]}")));
        String sc = v.hasPvCreateStorageClass() ? ",\"storageClassName\":\"longhorn\"" : "";
        wm.verify(postRequestedFor(urlEqualTo(VOLUME + "?action=pvCreate"))
                .withRequestBody(equalToJson("{\"pvName\":\"restored-db\",\"fsType\":\"ext4\"" + sc + "}")));
        wm.verify(postRequestedFor(urlEqualTo(VOLUME + "?action=pvcCreate"))
                .withRequestBody(equalToJson("{\"namespace\":\"shop\",\"pvcName\":\"db-data\"}")));
        assertThat(r.actions()).anyMatch(a -> a.contains("no claimRef"));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void stopsAtThePvWhenTheClaimComesFromElsewhere(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        scriptHappyRestore(v);
        RestoreStep s = step(false);

        BindResult r = binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE));

        assertThat(r.pvcCreated()).isFalse();
        wm.verify(0, postRequestedFor(urlEqualTo(VOLUME + "?action=pvcCreate")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"faulted", "RestoreFailure"})
    void failsFastWhenTheRestoreFails(String how) {
        LonghornVersion v = LonghornVersion.V1_9;
        LonghornVolumeBinder binder = binder(v);
        String failed = Fixtures.read(v, "volume-faulted.json");
        if (how.equals("RestoreFailure")) {
            failed = failed.replace("\"robustness\": \"faulted\"", "\"robustness\": \"unknown\"");
        }
        volumeStep(Scenario.STARTED, ok(v, "volume-creating.json"), "restoring");
        volumeStep("restoring", ok(v, "volume-restoring.json"), "failed");
        volumeStep("failed", aResponse().withStatus(200).withBody(failed), null);
        RestoreStep s = step(false);

        assertThatThrownBy(() -> binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE)))
                .isInstanceOf(DrException.class).hasMessageContaining("RestoreFailure")
                .hasMessageContaining("Delete the volume");
        wm.verify(0, postRequestedFor(urlEqualTo(VOLUME + "?action=pvCreate")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void timesOutOnARestoreThatNeverFinishes(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        volumeStep(Scenario.STARTED, ok(v, "volume-restoring.json"), null);
        RestoreStep s = step(false);

        // the deadline covers the reads and the create too: long enough that a loaded machine still reaches the wait
        // (300 ms once ran out while creating the volume, at load average 24 on 2 cores), and the wait never ends
        assertThatThrownBy(() -> binder.bind(s, ctx(s, Duration.ofSeconds(3), BindListener.NONE)))
                .isInstanceOf(DrTimeoutException.class).hasMessageContaining("restore of Longhorn volume restored-db");
        wm.verify(0, postRequestedFor(urlEqualTo(VOLUME + "?action=pvCreate")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void waitsOnLonghorn14StyleVolumesWithoutRestoreInitiatedUntilTheyLeaveCreating(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        // right after the create, the volume has no state and restoreRequired=false: that is not "done"
        volumeStep(Scenario.STARTED, ok(v, "volume-create-response.json"), "creating");
        volumeStep("creating", ok(v, "volume-creating.json"), "restored");
        volumeStep("restored", ok(v, "volume-restored.json"), null);
        wm.stubFor(post(urlEqualTo(VOLUME + "?action=pvCreate")).inScenario(RESTORE).whenScenarioStateIs("restored")
                .willReturn(ok(v, "volume-with-pv.json")).willSetStateTo("pv"));
        volumeStep("pv", ok(v, "volume-with-pv.json"), null);
        RestoreStep s = step(false);

        BindResult r = binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        wm.verify(1, postRequestedFor(urlEqualTo(VOLUME + "?action=pvCreate")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void reportsAnUnreachableLonghornAfterConnectionResets(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        wm.stubFor(get(VOLUME).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        RestoreStep s = step(false);

        assertThatThrownBy(() -> binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE)))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("unreachable");
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void ridesOutTransient503sWhilePolling(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        scriptHappyRestore(v);
        wm.stubFor(get(VOLUME).atPriority(1).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("once"));
        wm.stubFor(get(VOLUME).atPriority(1).inScenario("flaky").whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")).willSetStateTo("fine"));
        RestoreStep s = step(false);

        BindResult r = binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void waitsForABackupLonghornHasNotSyncedAndSyncsWhereItCan(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        scriptHappyRestore(v);
        String get = "/v1/backupvolumes/" + bvA(v) + "?action=backupGet";
        wm.stubFor(post(urlEqualTo(get)).atPriority(1).inScenario("sync").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(status(404, v, "error-backup-not-found.json")));
        if (v.hasSync()) {
            wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + bvA(v) + "?action=backupVolumeSync"))
                    .withRequestBody(matchingJsonPath("$.syncBackupVolume", containing("true")))
                    .inScenario("sync").willReturn(ok(v, "backupvolumes.json")).willSetStateTo("synced"));
        } else {
            // Longhorn 1.4 cannot be asked: its own poll makes the backup appear after a while
            wm.stubFor(post(urlEqualTo(get)).atPriority(1).inScenario("sync").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(status(404, v, "error-backup-not-found.json")).willSetStateTo("polled-1"));
            wm.stubFor(post(urlEqualTo(get)).atPriority(1).inScenario("sync").whenScenarioStateIs("polled-1")
                    .willReturn(status(404, v, "error-backup-not-found.json")).willSetStateTo("synced"));
        }
        RestoreStep s = step(false);
        Recorder rec = new Recorder();

        BindResult r = binder.bind(s, ctx(s, Duration.ofSeconds(20), rec));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(rec.phases).containsSubsequence(BindPhase.WAIT_FOR_BACKUP, BindPhase.CREATE_VOLUME);
        assertThat(rec.details).anyMatch(d -> d.contains("backup " + A_NEWEST + " of volume " + VOL_A));
        wm.verify(v.hasSync() ? 1 : 0, postRequestedFor(urlPathMatching("/v1/backupvolumes/.*"))
                .withRequestBody(containing("syncBackupVolume")));
        wm.verify(0, putRequestedFor(urlEqualTo("/v1/backuptargets")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void retriesTheCreateWhenLonghornRefusesAnUnsyncedBackup(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        scriptHappyRestore(v);
        wm.stubFor(post("/v1/volumes").atPriority(1).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(status(500, v, "error-cannot-get-backup.json")).willSetStateTo("known"));
        wm.stubFor(put("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + bvA(v) + "?action=backupVolumeSync"))
                .willReturn(ok(v, "backupvolumes.json")));
        RestoreStep s = step(false);

        BindResult r = binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void refusesToAdoptAStandbyVolumeOfTheSameBackup(LonghornVersion v) {
        LonghornVolumeBinder binder = binder(v);
        String standby = Fixtures.read(v, "volume-restoring.json").replace("\"standby\": false", "\"standby\": true");
        wm.stubFor(get("/v1/volumes").atPriority(1).willReturn(aResponse().withStatus(200)
                .withBody("{\"type\":\"collection\",\"resourceType\":\"volume\",\"data\":[" + standby + "]}")));
        RestoreStep s = step(false);

        assertThat(binder.inspect(s).state()).isEqualTo(io.drkit.core.bind.StepInspection.State.CONFLICT);
        assertThatThrownBy(() -> binder.bind(s, ctx(s, Duration.ofSeconds(5), BindListener.NONE)))
                .isInstanceOf(io.drkit.core.ConflictException.class).hasMessageContaining("standby");
        wm.verify(0, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void failsClearlyWhenLonghornNeverLearnsTheBackup(LonghornVersion v) {
        Fixtures.stubSchemas(wm, v);
        wm.stubFor(get("/v1/volumes").willReturn(ok(v, "volumes-empty.json")));
        wm.stubFor(get("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));
        wm.stubFor(get("/v1/backupvolumes").willReturn(ok(v, "backupvolumes.json")));
        wm.stubFor(post(urlPathMatching("/v1/backupvolumes/.*")).willReturn(status(404, v, "error-backup-not-found.json")));
        wm.stubFor(put(urlPathMatching("/v1/backup.*")).willReturn(ok(v, "backuptargets.json")));
        client = SimulatedLonghorn.testClient(wm.baseUrl()).build();
        LonghornVolumeBinder binder = SimulatedLonghorn.testBinder(client).backupSyncTimeout(Duration.ofMillis(200)).build();
        RestoreStep s = step(false);

        assertThatThrownBy(() -> binder.bind(s, ctx(s, Duration.ofSeconds(20), BindListener.NONE)))
                .isInstanceOf(io.drkit.core.NotFoundException.class)
                .hasMessageContaining("backup " + A_NEWEST + " of volume " + VOL_A + " is still unknown to Longhorn")
                .hasMessageContaining("s3://backups@us-east-1/")
                .hasMessageContaining(v.hasSync() ? "sync request" : "cannot be asked to sync");
        wm.verify(0, postRequestedFor(urlEqualTo("/v1/volumes")));
    }
}

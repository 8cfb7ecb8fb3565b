package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.drkit.longhorn.Fixtures.A_NEWEST;
import static io.drkit.longhorn.Fixtures.A_OLDER;
import static io.drkit.longhorn.Fixtures.RESTORED;
import static io.drkit.longhorn.Fixtures.VOL_A;
import static io.drkit.longhorn.Fixtures.VOL_B;
import static io.drkit.longhorn.Fixtures.VOL_E;
import static io.drkit.longhorn.Fixtures.bvA;
import static io.drkit.longhorn.Fixtures.ok;
import static io.drkit.longhorn.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.PvcRef;
import io.drkit.longhorn.internal.HttpTransport;
import io.drkit.longhorn.internal.Resources;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link LonghornClient} against WireMock serving Longhorn 1.4, 1.7 and 1.9 shaped fixtures. */
class LonghornClientTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").notifier(new ConsoleNotifier(false)))
            .build();

    private LonghornClient client;

    private LonghornClient client(LonghornVersion v) {
        Fixtures.stubSchemas(wm, v);
        client = SimulatedLonghorn.testClient(wm.baseUrl()).build();
        return client;
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    // ------------------------------------------------------------------ capabilities

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void detectsWhatEachVersionSupportsFromItsSchemas(LonghornVersion v) {
        ServerCapabilities c = client(v).capabilities();

        assertThat(c.restoreInitiatedField()).isEqualTo(v.hasRestoreInitiated());
        assertThat(c.dataEngineField()).isEqualTo(v.hasDataEngine());
        assertThat(c.pvCreateStorageClass()).isEqualTo(v.hasPvCreateStorageClass());
        assertThat(c.backupVolumeSync()).isEqualTo(v.hasSync());
        assertThat(c.backupTargetSync()).isEqualTo(v.hasSync());
        assertThat(c.multipleBackupTargets()).isEqualTo(v.hasMultipleTargets());
        assertThat(c.versionRange()).isEqualTo(switch (v) {
            case V1_4 -> "1.4";
            case V1_7 -> "1.6.2-1.7";
            case V1_9 -> "1.8+";
        });
        client.capabilities();
        wm.verify(1, getRequestedFor(urlEqualTo("/v1/schemas/volume")));
    }

    @Test
    void assumesLonghorn14WhenAProxyHidesTheSchemas() {
        client = SimulatedLonghorn.testClient(wm.baseUrl()).build();
        wm.stubFor(get(urlPathMatching("/v1/schemas/.*")).willReturn(aResponse().withStatus(404)));

        assertThat(client.capabilities()).isEqualTo(ServerCapabilities.longhorn14());
    }

    // ------------------------------------------------------------------ backup targets

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void readsBackupTargetsAndTheirAvailability(LonghornVersion v) {
        wm.stubFor(get("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));

        List<LonghornBackupTarget> targets = client(v).listBackupTargets();

        LonghornBackupTarget def = targets.get(0);
        assertThat(def.name()).isEqualTo("default");
        assertThat(def.backupTargetUrl()).isEqualTo("s3://backups@us-east-1/");
        assertThat(def.available()).isTrue();
        assertThat(def.pollInterval()).contains(Duration.ofMinutes(5));
        assertThat(def.credentialSecret()).isEqualTo("s3-credentials");
        if (v.hasMultipleTargets()) {
            LonghornBackupTarget off = client.getBackupTarget("offsite");
            assertThat(off.available()).isFalse();
            assertThat(off.message()).contains("AccessDenied");
            assertThat(off.pollInterval()).contains(Duration.ofMinutes(30));
        } else {
            assertThat(targets).hasSize(1);
        }
        assertThat(client.findBackupTarget("nope")).isEmpty();
        assertThatThrownBy(() -> client.getBackupTarget("nope")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nope");
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void findsTheTargetOfABackupUrlByStoreLocation(LonghornVersion v) {
        wm.stubFor(get("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));
        client(v);

        assertThat(client.findBackupTargetForBackupUrl("s3://backups@us-east-1/?volume=pvc-1&backup=backup-1"))
                .map(LonghornBackupTarget::name).contains("default");
        assertThat(client.findBackupTargetForBackupUrl("s3://elsewhere@us-east-1/?backup=backup-1&volume=pvc-1")).isEmpty();
        if (v.hasMultipleTargets()) {
            assertThat(client.findBackupTargetForBackupUrl("s3://offsite@eu-west-1/longhorn?backup=backup-1&volume=pvc-1"))
                    .map(LonghornBackupTarget::name).contains("offsite");
        }
    }

    // ------------------------------------------------------------------ backup volumes

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void listsBackupVolumesAndMatchesThemByVolumeNameNeverById(LonghornVersion v) {
        wm.stubFor(get("/v1/backupvolumes").willReturn(ok(v, "backupvolumes.json")));

        List<LonghornBackupVolume> all = client(v).listBackupVolumes();

        assertThat(all).extracting(LonghornBackupVolume::volumeName).contains(VOL_A, VOL_B, VOL_E);
        LonghornBackupVolume a = client.findBackupVolume(VOL_A, null).orElseThrow();
        assertThat(a.id()).isEqualTo(bvA(v));
        assertThat(a.targetNameOrDefault()).isEqualTo("default");
        assertThat(a.size()).isEqualTo(2L << 30);
        assertThat(a.lastBackupName()).contains(A_NEWEST);
        assertThat(a.lastBackupAt()).contains(Instant.parse("2026-10-08T03:00:00Z"));
        assertThat(a.created()).contains(Instant.parse("2026-09-01T10:05:00Z"));
        assertThat(a.labels()).containsKey("KubernetesStatus");
        assertThat(a.storageClassName()).isEqualTo(v.hasPvCreateStorageClass() ? Optional.of("longhorn") : Optional.empty());
        assertThat(a.isPlaceholder()).isFalse();
        assertThat(client.findBackupVolume(VOL_E, "default").orElseThrow().error()).get().asString()
                .contains("cannot find");
        assertThat(client.findBackupVolume("pvc-unknown", null)).isEmpty();
        if (v.hasMultipleTargets()) {
            assertThat(client.findBackupVolume(VOL_A, "offsite").orElseThrow().id()).isEqualTo(VOL_A + "-4c1f9b02");
            assertThat(client.findBackupVolume(VOL_B, "default").orElseThrow().id())
                    .as("a backup volume created before the upgrade to 1.8 keeps its plain name").isEqualTo(VOL_B);
        }
        wm.verify(0, getRequestedFor(urlPathMatching("/v1/backupvolumes/.+")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void recognisesThePlaceholderLonghornReturnsForUnknownBackupVolumes(LonghornVersion v) throws Exception {
        LonghornBackupVolume trap = Resources.backupVolume(HttpTransport.MAPPER.readTree(
                Fixtures.read(v, "backupvolume-unknown.json")));

        assertThat(trap.isPlaceholder()).isTrue();
        assertThat(trap.lastBackupName()).isEmpty();
    }

    // ------------------------------------------------------------------ backups

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void listsBackupsAndCountsOnlyCompletedOnesWithAUrlAsComplete(LonghornVersion v) {
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + bvA(v) + "?action=backupList"))
                .willReturn(ok(v, "backups-a.json")));

        List<LonghornBackup> backups = client(v).listBackups(bvA(v));

        assertThat(backups).hasSize(4);
        assertThat(backups.stream().filter(LonghornBackup::isComplete).map(LonghornBackup::name))
                .containsExactlyInAnyOrder(A_OLDER, A_NEWEST);
        LonghornBackup newest = backups.stream().filter(b -> b.name().equals(A_NEWEST)).findFirst().orElseThrow();
        assertThat(newest.url()).contains("s3://backups@us-east-1/?backup=" + A_NEWEST + "&volume=" + VOL_A);
        assertThat(newest.volumeSize()).isEqualTo(2L << 30);
        assertThat(newest.created()).contains(Instant.parse("2026-10-08T03:00:47Z"));
        assertThat(newest.snapshotCreated()).contains(Instant.parse("2026-10-08T03:00:00Z"));
        assertThat(newest.toBackup(VOL_A).kubernetesStatus().flatMap(k -> k.pvc())).contains(PvcRef.of("shop", "db-data"));
        assertThat(newest.toBackup(VOL_A).recurringJobInfo().groups()).contains("critical");
        assertThat(newest.toBackup(VOL_A).compression())
                .isEqualTo(v.hasPvCreateStorageClass() ? CompressionMethod.LZ4 : CompressionMethod.GZIP);
        assertThat(newest.backupMode().isPresent()).isEqualTo(v.hasBackupMode());
        assertThat(newest.backupTargetName().isPresent()).isEqualTo(v.hasMultipleTargets());
        LonghornBackup pulled = backups.stream().filter(b -> b.state().isEmpty()).findFirst().orElseThrow();
        assertThat(pulled.backupState()).isEqualTo(BackupState.PENDING);
        assertThat(pulled.isComplete()).isFalse();
        LonghornBackup running = backups.stream().filter(b -> b.state().equals("InProgress")).findFirst().orElseThrow();
        assertThat(running.url()).isEmpty();
        assertThat(running.toBackup(VOL_A).isComplete()).isFalse();
        assertThat(newest.toBackup(VOL_A).url()).contains(io.drkit.core.model.BackupUrl.parse(newest.url().orElseThrow()));
        LonghornBackup garbled = new LonghornBackup(newest.name(), newest.state(), newest.progress(), newest.error(),
                Optional.of("s3://backups@us-east-1/?volume=" + VOL_A), newest.snapshotName(), newest.snapshotCreated(),
                newest.created(), newest.size(), newest.labels(), newest.messages(), newest.volumeName(),
                newest.volumeSize(), newest.volumeCreated(), newest.volumeBackingImageName(), newest.compressionMethod(),
                newest.backupMode(), newest.backupTargetName(), newest.newlyUploadedDataSize(),
                newest.reUploadedDataSize());
        assertThatThrownBy(() -> garbled.toBackup(VOL_A)).as("Longhorn's URL text is parsed where it comes in")
                .isInstanceOf(io.drkit.core.InvalidBackupDataException.class).hasMessageContaining(A_NEWEST)
                .hasMessageContaining("backup=");
        wm.verify(postRequestedFor(urlEqualTo("/v1/backupvolumes/" + bvA(v) + "?action=backupList"))
                .withRequestBody(equalToJson("{}")).withHeader("Content-Type", containing("application/json")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void readsAnEmptyBackupList(LonghornVersion v) {
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/x?action=backupList")).willReturn(ok(v, "backups-empty.json")));

        assertThat(client(v).listBackups("x")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void getsOneBackupAndTreatsA404AsAbsent(LonghornVersion v) {
        String path = "/v1/backupvolumes/" + bvA(v) + "?action=backupGet";
        wm.stubFor(post(urlEqualTo(path)).withRequestBody(equalToJson("{\"name\":\"" + A_NEWEST + "\"}"))
                .willReturn(ok(v, "backup-get.json")));
        wm.stubFor(post(urlEqualTo(path)).withRequestBody(equalToJson("{\"name\":\"backup-0000000000000bad\"}"))
                .willReturn(status(404, v, "error-backup-not-found.json")));
        wm.stubFor(post(urlEqualTo(path)).withRequestBody(equalToJson("{\"name\":\"backup-bare\"}"))
                .willReturn(aResponse().withStatus(404)));
        client(v);

        assertThat(client.getBackup(bvA(v), A_NEWEST).isComplete()).isTrue();
        assertThat(client.findBackup(bvA(v), "backup-0000000000000bad")).isEmpty();
        assertThat(client.findBackup(bvA(v), "backup-bare")).isEmpty();
        assertThatThrownBy(() -> client.getBackup(bvA(v), "backup-bare")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("backup-bare");
    }

    // ------------------------------------------------------------------ volumes

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void readsARestoringVolumeWithProgressAndConditions(LonghornVersion v) {
        wm.stubFor(get("/v1/volumes/" + RESTORED).willReturn(ok(v, "volume-restoring.json")));

        LonghornVolume vol = client(v).getVolume(RESTORED);

        assertThat(vol.state()).isEqualTo("attached");
        assertThat(vol.restoreRequired()).isTrue();
        assertThat(vol.restoreInitiated()).isEqualTo(v.hasRestoreInitiated() ? Optional.of(true) : Optional.empty());
        assertThat(vol.restoreStatus()).hasSize(3).allMatch(LonghornVolume.RestoreStatus::isRestoring);
        assertThat(vol.restoreProgress().orElseThrow()).isEqualTo(0.45);
        assertThat(vol.restoreCondition().orElseThrow().reason()).isEqualTo("RestoreInProgress");
        assertThat(vol.controllers()).singleElement().satisfies(c -> {
            assertThat(c.requestedBackupRestore()).isEqualTo(A_NEWEST);
            assertThat(c.nodeId()).isEqualTo("node-2");
        });
        assertThat(vol.fromBackup()).contains("backup=" + A_NEWEST);
        assertThat(vol.dataEngine().isPresent()).isEqualTo(v.hasDataEngine());
        assertThat(vol.kubernetesStatus().pvcName()).as("pre-filled from the backup").isEqualTo("db-data");
        assertThat(vol.boundClaim()).as("lastPVCRefAt is set: history, not a binding").isEmpty();
        assertThat(vol.created()).contains(Instant.parse("2026-10-20T09:15:02Z"));
        assertThat(vol.restoreFailed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void readsRestoredFaultedAndBoundVolumes(LonghornVersion v) {
        wm.stubFor(get("/v1/volumes/done").willReturn(ok(v, "volume-restored.json")));
        wm.stubFor(get("/v1/volumes/faulted").willReturn(ok(v, "volume-faulted.json")));
        wm.stubFor(get("/v1/volumes/bound").willReturn(ok(v, "volume-bound.json")));
        client(v);

        LonghornVolume done = client.getVolume("done");
        assertThat(done.state()).isEqualTo("detached");
        assertThat(done.restoreRequired()).isFalse();
        assertThat(done.ready()).isTrue();
        assertThat(done.controllers().get(0).lastRestoredBackup()).isEqualTo(A_NEWEST);
        LonghornVolume faulted = client.getVolume("faulted");
        assertThat(faulted.isFaulted()).isTrue();
        assertThat(faulted.restoreFailed()).isTrue();
        assertThat(faulted.restoreCondition().orElseThrow().message()).contains("All replica restore failed");
        LonghornVolume bound = client.getVolume("bound");
        assertThat(bound.pvName()).contains(RESTORED);
        assertThat(bound.boundClaim()).contains(PvcRef.of("shop", "db-data"));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void listsVolumesAndReadsGoStyleCreationTimes(LonghornVersion v) {
        wm.stubFor(get("/v1/volumes").willReturn(ok(v, "volumes.json")));

        List<LonghornVolume> vols = client(v).listVolumes();

        assertThat(vols).extracting(LonghornVolume::name).containsExactly(RESTORED, "taken-name");
        LonghornVolume foreign = vols.get(1);
        assertThat(foreign.isFromBackup()).isFalse();
        assertThat(foreign.created()).contains(Instant.parse("2026-05-04T12:00:00.123456789Z"));
        assertThat(foreign.boundClaim()).contains(PvcRef.of("media", "library"));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void treatsLonghornsBare404AsAnAbsentVolume(LonghornVersion v) {
        wm.stubFor(get("/v1/volumes/nope").willReturn(aResponse().withStatus(404)));
        client(v);

        assertThat(client.findVolume("nope")).isEmpty();
        assertThatThrownBy(() -> client.getVolume("nope")).isInstanceOf(NotFoundException.class).hasMessageContaining("nope");
        wm.verify(2, getRequestedFor(urlEqualTo("/v1/volumes/nope")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void createsARestoreWithTheBodyThisVersionUnderstands(LonghornVersion v) {
        wm.stubFor(post("/v1/volumes").willReturn(ok(v, "volume-create-response.json")));
        String url = "s3://backups@us-east-1/?backup=" + A_NEWEST + "&volume=" + VOL_A;
        VolumeCreateRequest req = VolumeCreateRequest.builder(RESTORED).fromBackup(url).size(2L << 30)
                .numberOfReplicas(2).accessMode("rwo").dataEngine("v1").staleReplicaTimeout(30)
                .recurringJob(RecurringJobSelector.group("critical")).recurringJob(RecurringJobSelector.job("nightly"))
                .build();

        LonghornVolume created = client(v).createVolume(req);

        assertThat(created.state()).isEmpty();
        assertThat(created.restoreRequired()).isFalse();
        String engine = v.hasDataEngine() ? ",\"dataEngine\":\"v1\"" : "";
        wm.verify(postRequestedFor(urlEqualTo("/v1/volumes")).withRequestBody(equalToJson("{\"name\":\"restored-db\","
                + "\"fromBackup\":\"" + url + "\",\"size\":\"2147483648\",\"numberOfReplicas\":2,"
                + "\"staleReplicaTimeout\":30,\"accessMode\":\"rwo\"" + engine + ",\"recurringJobSelector\":["
                + "{\"name\":\"critical\",\"isGroup\":true},{\"name\":\"nightly\",\"isGroup\":false}]}")));
    }

    @Test
    void refusesTheV2DataEngineOnLonghorn14() {
        client(LonghornVersion.V1_4);
        VolumeCreateRequest req = VolumeCreateRequest.builder("v2-vol").dataEngine("v2").build();

        assertThatThrownBy(() -> client.createVolume(req)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("v2").hasMessageContaining("1.4");
        wm.verify(0, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void sendsPvCreateWithAStorageClassOnlyWhereLonghornTakesIt(LonghornVersion v) {
        wm.stubFor(post(urlEqualTo("/v1/volumes/" + RESTORED + "?action=pvCreate")).willReturn(ok(v, "volume-with-pv.json")));
        wm.stubFor(post(urlEqualTo("/v1/volumes/" + RESTORED + "?action=pvcCreate")).willReturn(ok(v, "volume-bound.json")));
        client(v);

        assertThat(client.pvCreate(RESTORED, RESTORED, "xfs", "longhorn").kubernetesStatus().pvStatus()).isEqualTo("Available");
        assertThat(client.pvcCreate(RESTORED, "shop", "db-data").boundClaim()).contains(PvcRef.of("shop", "db-data"));

        String sc = v.hasPvCreateStorageClass() ? ",\"storageClassName\":\"longhorn\"" : "";
        wm.verify(postRequestedFor(urlEqualTo("/v1/volumes/" + RESTORED + "?action=pvCreate"))
                .withRequestBody(equalToJson("{\"pvName\":\"restored-db\",\"fsType\":\"xfs\"" + sc + "}")));
        wm.verify(postRequestedFor(urlEqualTo("/v1/volumes/" + RESTORED + "?action=pvcCreate"))
                .withRequestBody(equalToJson("{\"namespace\":\"shop\",\"pvcName\":\"db-data\"}")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void listsAVolumesRecurringJobs(LonghornVersion v) {
        wm.stubFor(post(urlEqualTo("/v1/volumes/" + RESTORED + "?action=recurringJobList")).willReturn(ok(v, "recurringjobs.json")));

        assertThat(client(v).listVolumeRecurringJobs(RESTORED)).containsExactly(RecurringJobSelector.group("critical"));
        wm.verify(postRequestedFor(urlEqualTo("/v1/volumes/" + RESTORED + "?action=recurringJobList"))
                .withRequestBody(equalToJson("{}")));
    }

    // ------------------------------------------------------------------ errors

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void turnsCannotGetBackupIntoANotSyncedNotFound(LonghornVersion v) {
        wm.stubFor(post("/v1/volumes").willReturn(status(500, v, "error-cannot-get-backup.json")));
        client(v);

        assertThatThrownBy(() -> client.createVolume(VolumeCreateRequest.builder(RESTORED).fromBackup("s3://b@r/?backup=backup-1&volume=v").build()))
                .isInstanceOfSatisfying(LonghornNotFoundException.class, e -> {
                    assertThat(e.isBackupNotSynced()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.longhornMessage()).contains("denied the request: cannot get backup");
                    assertThat(e.request()).isEqualTo("POST /v1/volumes");
                    assertThat(e.getMessage()).contains("volume restored-db").contains("HTTP 500");
                });
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void turnsAlreadyExistsIntoAConflictAndAnExistingPvIntoARejection(LonghornVersion v) {
        wm.stubFor(post("/v1/volumes").willReturn(status(500, v, "error-already-exists.json")));
        wm.stubFor(post(urlEqualTo("/v1/volumes/" + RESTORED + "?action=pvCreate")).willReturn(status(500, v, "error-pv-exists.json")));
        client(v);

        assertThatThrownBy(() -> client.createVolume(VolumeCreateRequest.builder(RESTORED).build()))
                .isInstanceOfSatisfying(LonghornConflictException.class, e -> assertThat(e.httpStatus()).isEqualTo(500));
        assertThatThrownBy(() -> client.pvCreate(RESTORED, RESTORED, "ext4", ""))
                .isInstanceOfSatisfying(LonghornRequestException.class,
                        e -> assertThat(e.longhornMessage()).contains("volume already had PV"));
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void asksForSyncOnlyWhereLonghornHasTheEndpoint(LonghornVersion v) {
        String path = "/v1/backupvolumes/" + bvA(v) + "?action=backupVolumeSync";
        wm.stubFor(post(urlEqualTo(path)).inScenario("sync").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok(v, "backupvolumes.json")).willSetStateTo("too soon"));
        if (v.hasSync()) {
            wm.stubFor(post(urlEqualTo(path)).inScenario("sync").whenScenarioStateIs("too soon")
                    .willReturn(status(500, v, "error-sync-too-soon.json")));
        }
        wm.stubFor(put("/v1/backupvolumes").willReturn(ok(v, "backupvolumes.json")));
        wm.stubFor(put("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));
        client(v);

        assertThat(client.syncBackupVolume(bvA(v))).isEqualTo(v.hasSync());
        assertThat(client.syncBackupVolume(bvA(v))).as("a refusal within 10 s means a sync is under way").isEqualTo(v.hasSync());
        assertThat(client.syncAllBackupVolumes()).isEqualTo(v.hasSync());
        assertThat(client.syncBackupTargets()).isEqualTo(v.hasSync());

        wm.verify(v.hasSync() ? 2 : 0, postRequestedFor(urlEqualTo(path))
                .withRequestBody(equalToJson("{\"syncBackupVolume\":true}")));
        wm.verify(v.hasSync() ? 1 : 0, putRequestedFor(urlEqualTo("/v1/backupvolumes"))
                .withRequestBody(equalToJson("{\"syncAllBackupVolumes\":true}")));
        wm.verify(v.hasSync() ? 1 : 0, putRequestedFor(urlEqualTo("/v1/backuptargets"))
                .withRequestBody(equalToJson("{\"syncAllBackupTargets\":true}")));
    }

    @Test
    void treatsA405FromASyncEndpointAsUnsupported() {
        client = SimulatedLonghorn.testClient(wm.baseUrl())
                .capabilities(new ServerCapabilities(true, true, false, true, true, true, false)).build();
        wm.stubFor(put("/v1/backupvolumes").willReturn(aResponse().withStatus(405)));

        assertThat(client.syncAllBackupVolumes()).isFalse();
    }

    @Test
    void retriesReadsThroughTransient503s() {
        LonghornVersion v = LonghornVersion.V1_9;
        wm.stubFor(get("/v1/backupvolumes").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("upstream connect error")).willSetStateTo("again"));
        wm.stubFor(get("/v1/backupvolumes").inScenario("flaky").whenScenarioStateIs("again")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        wm.stubFor(get("/v1/backupvolumes").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(ok(v, "backupvolumes.json")));

        assertThat(client(v).listBackupVolumes()).hasSize(4);
        wm.verify(3, getRequestedFor(urlEqualTo("/v1/backupvolumes")));
    }

    @Test
    void givesUpAfterItsRetriesWithTheStatusAndMessage() {
        wm.stubFor(get("/v1/volumes").willReturn(aResponse().withStatus(503).withBody("no healthy upstream")));

        assertThatThrownBy(() -> client(LonghornVersion.V1_7).listVolumes())
                .isInstanceOfSatisfying(LonghornUnavailableException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.longhornMessage()).isEqualTo("no healthy upstream");
                    assertThat(e.getMessage()).contains("3 attempts");
                });
        wm.verify(3, getRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @Test
    void retriesReadsAfterAConnectionResetAndThenReportsUnavailable() {
        wm.stubFor(get("/v1/volumes").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> client(LonghornVersion.V1_9).listVolumes())
                .isInstanceOfSatisfying(LonghornUnavailableException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(-1);
                    assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
                });
        wm.verify(3, getRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @Test
    void neverRetriesWrites() {
        wm.stubFor(post("/v1/volumes").willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> client(LonghornVersion.V1_9).createVolume(VolumeCreateRequest.builder("x").build()))
                .isInstanceOf(LonghornUnavailableException.class);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/volumes")));
    }

    @Test
    void refusesAnHtmlPageInsteadOfJson() {
        wm.stubFor(get("/v1/volumes").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Longhorn</body></html>")));

        assertThatThrownBy(() -> client(LonghornVersion.V1_9).listVolumes())
                .isInstanceOfSatisfying(LonghornUnavailableException.class, e -> assertThat(e.httpStatus()).isEqualTo(200))
                .hasMessageContaining("HTML").hasMessageContaining("GET /v1/volumes");
    }

    @Test
    void skipsMalformedEntriesAndKeepsTheRest() {
        String body = Fixtures.read(LonghornVersion.V1_7, "backupvolumes.json")
                .replaceFirst("\"size\": \"2147483648\"", "\"size\": \"two gigabytes\"");
        wm.stubFor(get("/v1/backupvolumes").willReturn(aResponse().withStatus(200).withBody(body)));

        List<LonghornBackupVolume> all = client(LonghornVersion.V1_7).listBackupVolumes();

        assertThat(all).extracting(LonghornBackupVolume::volumeName).containsExactlyInAnyOrder(VOL_B, VOL_E);
    }

    // ------------------------------------------------------------------ options

    @Test
    void sendsBasicAuthAndExtraHeadersButNeverPrintsThem() {
        wm.stubFor(get("/v1/volumes").willReturn(ok(LonghornVersion.V1_9, "volumes.json")));
        client = SimulatedLonghorn.testClient(wm.baseUrl() + "/v1/").basicAuth("admin", "s3cr3t-pw")
                .header("X-Auth-Token", "tok-123456").build();

        client.listVolumes();

        wm.verify(getRequestedFor(urlEqualTo("/v1/volumes"))
                .withHeader("Authorization", equalTo("Basic YWRtaW46czNjcjN0LXB3"))
                .withHeader("X-Auth-Token", equalTo("tok-123456"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("drkit-longhorn")));
        assertThat(client.toString()).doesNotContain("s3cr3t-pw").doesNotContain("tok-123456").doesNotContain("admin")
                .contains("X-Auth-Token");
        assertThat(client.baseUrl()).doesNotEndWith("/v1/");
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() {
        wm.stubFor(get("/longhorn/v1/volumes").willReturn(ok(LonghornVersion.V1_9, "volumes.json")));
        client = SimulatedLonghorn.testClient(wm.baseUrl() + "/longhorn/").build();

        assertThat(client.listVolumes()).hasSize(2);
    }

    @Test
    void neverClosesACallerSuppliedHttpClient() throws Exception {
        wm.stubFor(get("/v1/volumes").willReturn(ok(LonghornVersion.V1_9, "volumes.json")));
        OkHttpClient callers = new OkHttpClient.Builder().build();
        try {
            client = LonghornClient.builder().baseUrl(wm.baseUrl()).httpClient(callers)
                    .readTimeout(Duration.ofSeconds(5)).build();
            client.listVolumes();
            client.close();
            client.close();

            assertThat(callers.dispatcher().executorService().isShutdown()).isFalse();
            try (Response r = callers.newCall(new Request.Builder().url(wm.baseUrl() + "/v1/volumes").build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
            assertThatThrownBy(client::listVolumes).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        } finally {
            callers.dispatcher().executorService().shutdown();
            callers.dispatcher().executorService().awaitTermination(1, TimeUnit.SECONDS);
            callers.connectionPool().evictAll();
        }
    }

    @Test
    void rejectsABrowserUserAgentAndABadBaseUrl() {
        assertThatThrownBy(() -> LonghornClient.builder().userAgent("Mozilla/5.0")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> LonghornClient.builder().baseUrl("longhorn:9500").build())
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void defaultsToTheInClusterService() {
        try (LonghornClient c = LonghornClient.builder().build()) {
            assertThat(c.baseUrl()).isEqualTo("http://longhorn-backend.longhorn-system.svc:9500/");
        }
    }
}

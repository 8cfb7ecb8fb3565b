package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.drkit.longhorn.Fixtures.A_NEWEST;
import static io.drkit.longhorn.Fixtures.A_OLDER;
import static io.drkit.longhorn.Fixtures.VOL_A;
import static io.drkit.longhorn.Fixtures.VOL_B;
import static io.drkit.longhorn.Fixtures.VOL_E;
import static io.drkit.longhorn.Fixtures.bvA;
import static io.drkit.longhorn.Fixtures.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import io.drkit.longhorn.testing.LonghornVersion;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link LonghornBackupCatalog} over Longhorn 1.4, 1.7 and 1.9 shaped fixtures. */
class LonghornBackupCatalogTest {

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

    private LonghornBackupCatalog catalog(LonghornVersion v, String target) {
        Fixtures.stubSchemas(wm, v);
        wm.stubFor(get("/v1/backupvolumes").willReturn(ok(v, "backupvolumes.json")));
        wm.stubFor(get("/v1/backuptargets").willReturn(ok(v, "backuptargets.json")));
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + bvA(v) + "?action=backupList")).willReturn(ok(v, "backups-a.json")));
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + VOL_B + "?action=backupList")).willReturn(ok(v, "backups-b.json")));
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + VOL_A + "-4c1f9b02?action=backupList"))
                .willReturn(ok(v, "backups-empty.json")));
        client = SimulatedLonghorn.testClient(wm.baseUrl()).build();
        return LonghornBackupCatalog.builder(client).backupTarget(target).build();
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void namesVolumesByTheirOriginalNameAndKeepsTheLonghornIdAsBackendId(LonghornVersion v) {
        LonghornBackupCatalog catalog = catalog(v, "default");

        assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name).containsExactly(VOL_A, VOL_B);
        BackupVolume a = catalog.getBackupVolume(VOL_A);
        assertThat(a.backendId()).isEqualTo(bvA(v));
        assertThat(a.size()).isEqualTo(2L << 30);
        assertThat(a.kubernetesStatus().flatMap(KubernetesStatus::pvc)).contains(PvcRef.of("shop", "db-data"));
        assertThat(a.recurringJobInfo().groups()).contains("critical");
        assertThat(a.compression()).isEqualTo(v.hasPvCreateStorageClass() ? CompressionMethod.LZ4 : CompressionMethod.GZIP);
        assertThat(catalog.describe()).contains("backup target default");
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void skipsBackupVolumesLonghornReportsAnErrorFor(LonghornVersion v) {
        LonghornBackupCatalog catalog = catalog(v, "default");

        assertThat(catalog.findBackupVolume(VOL_E)).isEmpty();
        assertThat(catalog.skippedEntries()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.BACKEND_ERROR);
            assertThat(e.location()).startsWith("backupvolumes/" + VOL_E);
            assertThat(e.detail()).contains("volume.cfg");
        });
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void picksTheNewestCompleteBackupFromTheVerifiedPointer(LonghornVersion v) {
        LonghornBackupCatalog catalog = catalog(v, "default");

        assertThat(catalog.newestCompleteBackup(VOL_A)).map(Backup::name).contains(A_NEWEST);
        assertThat(catalog.listBackups(VOL_A)).extracting(Backup::name)
                .startsWith("backup-0c0c0c0c0c0c0c0c", A_NEWEST, A_OLDER);
        assertThat(catalog.listBackups(VOL_A).stream().filter(Backup::isComplete).map(Backup::name))
                .containsExactly(A_NEWEST, A_OLDER);
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void ignoresAStalePointerAndAFailedBackup(LonghornVersion v) {
        LonghornBackupCatalog catalog = catalog(v, "default");

        Backup newestB = catalog.newestCompleteBackup(VOL_B).orElseThrow();
        assertThat(newestB.name()).isEqualTo("backup-2b2b2b2b2b2b2b2b");
        assertThat(newestB.compression()).isEqualTo(CompressionMethod.GZIP);
        Backup failed = catalog.listBackups(VOL_B).stream().filter(b -> b.name().equals("backup-9a9a9a9a9a9a9a9a"))
                .findFirst().orElseThrow();
        assertThat(failed.isComplete()).isFalse();
        assertThat(failed.error()).get().asString().contains("deadline exceeded");
        Map<String, Backup> all = catalog.newestCompleteBackups();
        assertThat(all).containsOnlyKeys(VOL_A, VOL_B);
    }

    @Test
    void readsOnlyTheChosenTargetOnLonghorn19() {
        LonghornBackupCatalog offsite = catalog(LonghornVersion.V1_9, "offsite");

        assertThat(offsite.listBackupVolumes()).singleElement().satisfies(bv -> {
            assertThat(bv.name()).isEqualTo(VOL_A);
            assertThat(bv.backendId()).isEqualTo(VOL_A + "-4c1f9b02");
        });
        assertThat(offsite.newestCompleteBackup(VOL_A)).isEmpty();
        assertThat(offsite.findBackupVolume(VOL_B)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void scansEverythingWithProgress(LonghornVersion v) {
        LonghornBackupCatalog catalog = catalog(v, "default");
        AtomicInteger scanned = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();

        CatalogScan scan = catalog.scanAll(new CatalogListener() {
            @Override
            public void volumeScanned(String volumeName, int done, int total) {
                scanned.incrementAndGet();
            }

            @Override
            public void scanFinished(int volumes, int backups, int skipped) {
                finished.set(volumes * 100 + backups * 10 + skipped);
            }
        });

        assertThat(scanned.get()).isEqualTo(2);
        assertThat(scan.backupCount()).isEqualTo(6);
        assertThat(finished.get()).isEqualTo(2 * 100 + 6 * 10 + 1);
        assertThat(scan.backupsOf(VOL_A)).hasSize(4);
    }

    @Test
    void reportsMalformedBackupsAsSkippedAndKeepsTheOthers() {
        LonghornVersion v = LonghornVersion.V1_7;
        LonghornBackupCatalog catalog = catalog(v, "default");
        String broken = Fixtures.read(v, "backups-a.json").replace("\"2026-10-01T03:01:12Z\"", "\"yesterday\"");
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + VOL_A + "?action=backupList"))
                .willReturn(aResponse().withStatus(200).withBody(broken)));

        assertThat(catalog.listBackups(VOL_A)).extracting(Backup::name).doesNotContain(A_OLDER).contains(A_NEWEST);
        assertThat(catalog.skippedEntries()).anySatisfy(e -> {
            assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
            assertThat(e.location()).contains(A_OLDER);
        });
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "url {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"s3://backups@us-east-1/",
        "s3://backups@us-east-1/?backup=backup-1a2b3c4d5e6f7081&token=TOK9&volume=pvc-5f2c1a8e-6b1d-4a3e-9c57-0d3b2f8e1a77"})
    void aBackupWhoseUrlIsNoBackupUrlIsSkippedAsInvalidDataWhereItComesIn(String url) {
        LonghornVersion v = LonghornVersion.V1_7;
        LonghornBackupCatalog catalog = catalog(v, "default");
        String good = "s3://backups@us-east-1/?backup=" + A_OLDER + "&volume=pvc-5f2c1a8e-6b1d-4a3e-9c57-0d3b2f8e1a77";
        String broken = Fixtures.read(v, "backups-a.json").replace("\"" + good + "\"", "\"" + url + "\"");
        assertThat(broken).contains(url);
        wm.stubFor(post(urlEqualTo("/v1/backupvolumes/" + VOL_A + "?action=backupList"))
                .willReturn(aResponse().withStatus(200).withBody(broken)));

        assertThat(catalog.listBackups(VOL_A)).extracting(Backup::name).doesNotContain(A_OLDER).contains(A_NEWEST);
        assertThat(catalog.newestCompleteBackup(VOL_A)).map(Backup::name).contains(A_NEWEST);
        assertThat(catalog.skippedEntries()).filteredOn(e -> e.reason() == SkippedEntry.Reason.INVALID_DATA)
                .singleElement().satisfies(e -> {
            assertThat(e.location()).contains(A_OLDER);
            assertThat(e.detail()).contains("url").doesNotContain("TOK9");
        });
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void estimatesChangeRatesFromTheUploadedBytesLonghornReportsFrom17On(LonghornVersion v) {
        LonghornBackupCatalog catalog = catalog(v, "default");
        io.drkit.core.catalog.ChangeRate r = catalog.changeRate(VOL_A, A_NEWEST);
        assertThat(r.previousBackup()).contains(A_OLDER);
        if (v == LonghornVersion.V1_4) {
            assertThat(r.isKnown()).isFalse();
            assertThat(r.detail()).contains("before 1.7");
        } else {
            // newlyUploadDataSize "1048576" of size "545259520" in the 1.7 and 1.9 shapes
            assertThat(r.basis()).isEqualTo(io.drkit.core.catalog.ChangeRate.Basis.ESTIMATE);
            assertThat(r.fraction()).isEqualTo(1048576.0 / 545259520);
        }
        assertThat(catalog.changeRate(VOL_A, A_OLDER).detail()).contains("nothing to compare with");
    }
}

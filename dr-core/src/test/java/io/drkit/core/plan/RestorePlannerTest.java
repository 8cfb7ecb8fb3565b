package io.drkit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LonghornVolumeInfo;
import io.drkit.core.cluster.PvInfo;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.PlanSkip.SkipReason;
import io.drkit.core.plan.PlanWarning.Kind;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.drkit.core.testing.SampleCatalogs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final PvcRef DB = PvcRef.of("shop", "db-data");
    private static final PvcRef UPLOADS = PvcRef.of("shop", "uploads");
    private static final PvcRef WIKI = PvcRef.of("wiki", "data");
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private final RestorePlanner planner = RestorePlanner.withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private static InMemoryBackupCatalog shop() {
        return InMemoryBackupCatalog.builder()
                .volume("pvc-db", v -> v.size(10 * GIB).pvc("shop/db-data").group("critical")
                        .backup("backup-db00000000000001", "2026-11-20T03:00:00Z", 500 * MIB)
                        .backup("backup-db00000000000002", "2026-11-21T03:00:00Z", 510 * MIB)
                        .backup("backup-db00000000000003", "2026-11-22T03:00:00Z", 520 * MIB)
                        .inProgressBackup("backup-db00000000000004", "2026-11-23T03:00:00Z"))
                .volume("pvc-up", v -> v.size(20 * GIB).pvc("shop/uploads").group("default")
                        .backup("backup-up00000000000001", "2026-11-15T04:00:00Z", 2 * GIB)
                        .backup("backup-up00000000000002", "2026-11-22T04:00:00Z", 2 * GIB))
                .volume("pvc-wiki", v -> v.size(GIB).pvc("wiki/data").group("critical")
                        .backup("backup-wk00000000000001", "2026-11-21T05:00:00Z", 100 * MIB)
                        .backup("backup-wk00000000000002", "2026-11-22T05:00:00Z", 101 * MIB))
                .build();
    }

    private RestorePlan plan(RestoreRequest r, BackupCatalog c) {
        return planner.plan(r, c, ClusterState.offline());
    }

    private RestorePlan plan(RestoreRequest r, BackupCatalog c, ClusterState s) {
        return planner.plan(r, c, s);
    }

    @Test
    void newestCompleteBackupWinsAndInProgressOnesNeverCount() {
        RestorePlan p = plan(RestoreRequest.of(DB), shop());
        RestoreStep s = p.getStep(DB);
        assertThat(s.backup().name()).isEqualTo("backup-db00000000000003");
        assertThat(s.reason()).startsWith("newest complete backup");
        assertThat(s.volumeName()).isEqualTo("pvc-db");
        assertThat(s.pvName()).isEqualTo("pvc-db");
        assertThat(s.sizeBytes()).isEqualTo(10 * GIB);
        assertThat(s.storageClassName()).isEqualTo("longhorn");
        assertThat(s.reclaimPolicy()).isEqualTo(ReclaimPolicy.RETAIN);
        assertThat(p.steps()).hasSize(1);
        assertThat(p.warnings(Kind.STALE_POINTER)).isEmpty();
    }

    /** A catalog that answers as {@code delegate}, but lists each volume's backups through {@code lister}. */
    private static BackupCatalog listingThrough(BackupCatalog delegate, Function<String, List<Backup>> lister) {
        return new BackupCatalog() {
            @Override
            public String describe() {
                return delegate.describe();
            }

            @Override
            public List<BackupVolume> listBackupVolumes() {
                return delegate.listBackupVolumes();
            }

            @Override
            public List<Backup> listBackups(String volumeName) {
                return lister.apply(volumeName);
            }

            @Override
            public Map<String, Backup> newestCompleteBackupsOf(List<BackupVolume> volumes) {
                return delegate.newestCompleteBackupsOf(volumes);
            }

            @Override
            public Map<String, Backup> newestCompleteBackups() {
                return delegate.newestCompleteBackups();
            }

            @Override
            public List<SkippedEntry> skippedEntries() {
                return delegate.skippedEntries();
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void claimsAreListedConcurrentlyNotOneRoundTripAfterAnother() {
        InMemoryBackupCatalog shop = shop();
        // Each listing waits until the three claims' listings are all in progress: listed one after another, the
        // first would wait alone and fail after 30 s.
        CyclicBarrier allThree = new CyclicBarrier(3);
        BackupCatalog c = listingThrough(shop, name -> {
            try {
                allThree.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new AssertionError("listing of " + name + " was not concurrent with the others", e);
            }
            return shop.listBackups(name);
        });

        RestorePlan p = plan(RestoreRequest.all(), c);

        assertThat(p.steps()).extracting(st -> st.backup().name()).containsExactly("backup-db00000000000003",
                "backup-up00000000000002", "backup-wk00000000000002");
        assertThat(p.skips()).isEmpty();
    }

    @Test
    void aVolumeThatVanishesOrIsUnreadableWhileListedSkipsOnlyItsClaim() {
        InMemoryBackupCatalog shop = shop();
        BackupCatalog c = listingThrough(shop, name -> switch (name) {
            case "pvc-db" -> throw new NotFoundException("backup volume pvc-db is gone");
            case "pvc-up" -> throw new InvalidBackupDataException("backupstore/volumes/pvc-up/volume.cfg", "truncated");
            default -> shop.listBackups(name);
        });

        RestorePlan p = plan(RestoreRequest.all(), c);

        assertThat(p.steps()).extracting(RestoreStep::pvc).containsExactly(WIKI);
        assertThat(p.skips()).extracting(PlanSkip::subject, PlanSkip::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("pvc-db", SkipReason.NO_BACKUP),
                org.assertj.core.groups.Tuple.tuple("pvc-up", SkipReason.INVALID_BACKUP_DATA),
                org.assertj.core.groups.Tuple.tuple(DB.toString(), SkipReason.NO_BACKUP),
                org.assertj.core.groups.Tuple.tuple(UPLOADS.toString(), SkipReason.NO_BACKUP));
        assertThat(p.skips()).filteredOn(k -> k.subject().equals("pvc-db")).singleElement()
                .satisfies(k -> assertThat(k.detail()).contains("vanished while planning").contains("is gone"));
    }

    @Test
    void aStaleOrEmptyPointerIsNeverTrustedAndIsReported() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-a", v -> v.pvc("a/a").backup("backup-a1", "2026-11-01T00:00:00Z", MIB)
                        .backup("backup-a2", "2026-11-02T00:00:00Z", MIB).lastBackupPointer("backup-a1"))
                .volume("pvc-b", v -> v.pvc("b/b").backup("backup-b1", "2026-11-01T00:00:00Z", MIB).lastBackupPointer(""))
                .build();
        RestorePlan p = plan(RestoreRequest.all(), c);
        assertThat(p.getStep(PvcRef.of("a", "a")).backup().name()).isEqualTo("backup-a2");
        assertThat(p.getStep(PvcRef.of("b", "b")).backup().name()).isEqualTo("backup-b1");
        assertThat(p.warnings(Kind.STALE_POINTER)).extracting(PlanWarning::message)
                .anySatisfy(m -> assertThat(m).contains("names backup-a1").contains("backup-a2"))
                .anySatisfy(m -> assertThat(m).contains("pointer of pvc-b is empty"));
    }

    @Test
    void pointInTimePicksNewestAtOrBeforeTheTimeForEveryClaim() {
        RestoreRequest r = RestoreRequest.builder().all().asOf(Instant.parse("2026-11-21T05:30:00Z")).build();
        RestorePlan p = plan(r, shop());
        assertThat(p.getStep(DB).backup().name()).isEqualTo("backup-db00000000000002");
        assertThat(p.getStep(UPLOADS).backup().name()).isEqualTo("backup-up00000000000001");
        assertThat(p.getStep(WIKI).backup().name()).isEqualTo("backup-wk00000000000001");
        assertThat(p.getStep(DB).reason()).contains("at or before 2026-11-21T05:30:00Z");

        RestorePlan exact = plan(RestoreRequest.builder().all().asOf(Instant.parse("2026-11-22T03:00:00Z")).build(), shop());
        assertThat(exact.getStep(DB).backup().name()).isEqualTo("backup-db00000000000003");

        RestorePlan tooEarly = plan(RestoreRequest.builder().all().asOf(Instant.parse("2026-11-01T00:00:00Z")).build(), shop());
        assertThat(tooEarly.steps()).isEmpty();
        assertThat(tooEarly.skips(SkipReason.NO_BACKUP)).extracting(PlanSkip::subject)
                .containsExactlyInAnyOrder("shop/db-data", "shop/uploads", "wiki/data");
        assertThat(tooEarly.skips(SkipReason.NO_BACKUP).get(0).detail()).contains("no complete backup at or before");
    }

    @Test
    void severalBackupVolumesOfOneClaimChooseTheNewestAndWarnNamingAll() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-old", v -> v.pvc("shop/db-data").backup("backup-o1", "2026-11-01T00:00:00Z", 100 * MIB))
                .volume("pvc-new", v -> v.pvc("shop/db-data").backup("backup-n1", "2026-11-10T00:00:00Z", 90 * MIB))
                .build();
        RestorePlan p = plan(RestoreRequest.of(DB), c);
        assertThat(p.getStep(DB).backup().name()).isEqualTo("backup-n1");
        assertThat(p.getStep(DB).volumeName()).isEqualTo("pvc-new");
        assertThat(p.warnings(Kind.MULTIPLE_SOURCES)).singleElement().extracting(PlanWarning::message)
                .satisfies(m -> assertThat(m).contains("pvc-old").contains("pvc-new").contains("backup-o1"));
        assertThat(p.skips(SkipReason.SUPERSEDED)).extracting(PlanSkip::subject).containsExactly("pvc-old");
    }

    @Test
    void dataLossGuardPlansThePreviousBackupWhenTheNewestIsFarSmaller() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-db", v -> v.pvc("shop/db-data").backup("backup-big", "2026-11-01T00:00:00Z", 800 * MIB)
                        .backup("backup-tiny", "2026-11-02T00:00:00Z", 12 * MIB))
                .build();
        RestorePlan p = plan(RestoreRequest.of(DB), c);
        assertThat(p.getStep(DB).backup().name()).isEqualTo("backup-big");
        assertThat(p.getStep(DB).reason()).contains("data-loss guard").contains("backup-tiny");
        assertThat(p.warnings(Kind.DATA_LOSS_GUARD)).singleElement().extracting(PlanWarning::message)
                .satisfies(m -> assertThat(m).contains("only 2%").contains("planned the previous backup instead"));

        RestorePlan allowed = plan(RestoreRequest.builder().pvc(DB).allowSmallerBackup(true).build(), c);
        assertThat(allowed.getStep(DB).backup().name()).isEqualTo("backup-tiny");
        assertThat(allowed.warnings(Kind.DATA_LOSS_GUARD)).singleElement().extracting(PlanWarning::message)
                .satisfies(m -> assertThat(m).contains("restoring it anyway"));
    }

    @Test
    void dataLossGuardLooksAcrossAllBackupVolumesOfTheClaim() {
        RestorePlan p = plan(RestoreRequest.of(PvcRef.of("vaultwarden", "data")), SampleCatalogs.homelab());
        RestoreStep s = p.getStep(PvcRef.of("vaultwarden", "data"));
        assertThat(s.backup().volumeName()).isEqualTo("pvc-4fb03052-9ec2-4d80-b195-ae52424f5055");
        assertThat(p.warnings(Kind.DATA_LOSS_GUARD)).hasSize(1);
        assertThat(p.warnings(Kind.MULTIPLE_SOURCES)).hasSize(1);
    }

    @Test
    void similarSizesDoNotTripTheGuard() {
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).dataLossRatio(0.9).build(), shop());
        assertThat(p.getStep(DB).backup().name()).isEqualTo("backup-db00000000000003");
        assertThat(p.warnings(Kind.DATA_LOSS_GUARD)).isEmpty();
    }

    @Test
    void orphanVolumesAndVolumesWithoutBackupsAreSkippedWithReasons() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-orphan", v -> v.backup("backup-x1", "2026-11-01T00:00:00Z", MIB))
                .volume("pvc-empty", v -> v.pvc("a/empty").lastBackupPointer(""))
                .build();
        RestorePlan p = plan(RestoreRequest.builder().all().build(), c);
        assertThat(p.steps()).isEmpty();
        assertThat(p.skips(SkipReason.NO_PVC_MAPPING)).extracting(PlanSkip::subject).containsExactly("pvc-orphan");
        assertThat(p.skips(SkipReason.NO_BACKUP)).extracting(PlanSkip::subject).containsExactly("a/empty");
    }

    @Test
    void anExplicitClaimWithoutAnyBackupIsReported() {
        RestorePlan p = plan(RestoreRequest.of(PvcRef.of("ghost", "data")), shop());
        assertThat(p.skips(SkipReason.NO_BACKUP)).singleElement().satisfies(s -> {
            assertThat(s.subject()).isEqualTo("ghost/data");
            assertThat(s.detail()).contains("no backup volume");
        });
    }

    @Test
    void selectionByNamespaceGroupAndLabelSelectorCombineWithAnd() {
        assertThat(plan(RestoreRequest.builder().namespace("shop").build(), shop()).steps())
                .extracting(RestoreStep::pvc).containsExactly(DB, UPLOADS);
        assertThat(plan(RestoreRequest.builder().group("critical").build(), shop()).steps())
                .extracting(RestoreStep::pvc).containsExactly(DB, WIKI);
        assertThat(plan(RestoreRequest.builder().group("critical").namespace("shop").build(), shop()).steps())
                .extracting(RestoreStep::pvc).containsExactly(DB);

        ClusterState cluster = ClusterState.builder()
                .pvc(new PvcInfo(DB, Map.of("data-tier", "critical"), "Pending", Optional.of("longhorn"), GIB, List.of("ReadWriteOnce"), Optional.empty()))
                .pvc(new PvcInfo(UPLOADS, Map.of("data-tier", "bulk"), "Pending", Optional.of("longhorn"), GIB, List.of("ReadWriteOnce"), Optional.empty()))
                .pvc(new PvcInfo(PvcRef.of("media", "new"), Map.of("data-tier", "critical"), "Pending", Optional.empty(), GIB, List.of(), Optional.empty()))
                .build();
        RestorePlan bySelector = plan(RestoreRequest.builder().pvcSelector("data-tier=critical").build(), shop(), cluster);
        assertThat(bySelector.steps()).extracting(RestoreStep::pvc).containsExactly(DB);
        assertThat(bySelector.skips(SkipReason.NOT_SELECTED)).extracting(PlanSkip::subject).contains("pvc-up", "pvc-wiki");
        assertThat(bySelector.skips(SkipReason.NO_BACKUP)).extracting(PlanSkip::subject).containsExactly("media/new");

        RestorePlan offline = plan(RestoreRequest.builder().pvcSelector("data-tier=critical").build(), shop());
        assertThat(offline.steps()).isEmpty();
        assertThat(offline.warnings(Kind.NO_CLUSTER_STATE)).hasSize(1);
    }

    @Test
    void restoredVolumeKeepsTheRecurringJobGroupsOfItsBackup() {
        RestorePlan p = plan(RestoreRequest.all(), shop());
        assertThat(p.getStep(DB).recurringJobGroups()).containsExactly("critical");
        assertThat(p.getStep(UPLOADS).recurringJobGroups()).containsExactly("default");
    }

    @Test
    void backupsOlderThanTheMaximumAgeAreSkipped() {
        RestorePlan p = plan(RestoreRequest.builder().all().maxAge(Duration.ofDays(5)).build(), shop());
        assertThat(p.steps()).extracting(RestoreStep::pvc).containsExactly(DB, UPLOADS, WIKI);
        RestorePlan strict = plan(RestoreRequest.builder().all().maxAge(Duration.ofHours(104).plusMinutes(30)).build(), shop());
        assertThat(strict.steps()).extracting(RestoreStep::pvc).containsExactly(UPLOADS, WIKI);
        assertThat(strict.skips(SkipReason.BACKUP_TOO_OLD)).singleElement().extracting(PlanSkip::detail)
                .satisfies(d -> assertThat(d).contains("backup-db00000000000003").contains("PT104H30M"));
    }

    @Test
    void nameTemplatesRenameVolumesAndPvsAndInvalidNamesAreSkipped() {
        RestorePlan p = plan(RestoreRequest.builder().pvc(DB).volumeName("restore-{pvc}").pvName("pv-restore-{pvc}").build(), shop());
        assertThat(p.getStep(DB).volumeName()).isEqualTo("restore-db-data");
        assertThat(p.getStep(DB).pvName()).isEqualTo("pv-restore-db-data");

        RestorePlan tooLong = plan(RestoreRequest.builder().pvc(DB)
                .volumeName("restored-{namespace}-{pvc}-from-{backup}").build(), shop());
        assertThat(tooLong.skips(SkipReason.INVALID_NAME)).singleElement().extracting(PlanSkip::detail)
                .satisfies(d -> assertThat(d).contains("40 characters"));

        RestorePlan clash = plan(RestoreRequest.builder().all().volumeName("restored").build(), shop());
        assertThat(clash.steps()).hasSize(1);
        assertThat(clash.skips(SkipReason.INVALID_NAME)).hasSize(2)
                .allSatisfy(s -> assertThat(s.detail()).contains("already planned"));
    }

    @Test
    void liveClusterDecidesStorageClassAccessModesAndWarnsAboutBindingProblems() {
        ClusterState cluster = ClusterState.builder()
                .pvc(new PvcInfo(DB, Map.of(), "Pending", Optional.of("fast"), 20 * GIB, List.of("ReadWriteOncePod"), Optional.empty()))
                .build();
        RestorePlan p = plan(RestoreRequest.of(DB), shop(), cluster);
        RestoreStep s = p.getStep(DB);
        assertThat(s.storageClassName()).isEqualTo("fast");
        assertThat(s.accessModes()).containsExactly(AccessMode.READ_WRITE_ONCE_POD);
        assertThat(p.warnings(Kind.SIZE_MISMATCH)).singleElement().extracting(PlanWarning::message)
                .satisfies(m -> assertThat(m).contains("20.0 GiB").contains("10.0 GiB"));

        RestorePlan overridden = plan(RestoreRequest.builder().pvc(DB).storageClass("longhorn").build(), shop(), cluster);
        assertThat(overridden.getStep(DB).storageClassName()).isEqualTo("longhorn");
        assertThat(overridden.warnings(Kind.STORAGE_CLASS_MISMATCH)).hasSize(1);
    }

    @Test
    void missingClaimsGetAPreBoundPvNoteOrAreCreatedWhenAsked() {
        ClusterState empty = ClusterState.builder().build();
        assertThat(plan(RestoreRequest.of(DB), shop(), empty).getStep(DB).notes())
                .anySatisfy(n -> assertThat(n).contains("pre-bound"));
        RestoreStep created = plan(RestoreRequest.builder().pvc(DB).createPvc(true).build(), shop(), empty).getStep(DB);
        assertThat(created.createPvc()).isTrue();
    }

    @Test
    void claimsBoundElsewhereAreNeverTakenOver() {
        ClusterState cluster = ClusterState.builder()
                .pvc(new PvcInfo(DB, Map.of(), "Bound", Optional.of("longhorn"), GIB, List.of("ReadWriteOnce"), Optional.of("pvc-fresh-empty")))
                .pv(new PvInfo("pvc-fresh-empty", Optional.of(DB), Optional.of("driver.longhorn.io"), Optional.of("pvc-fresh-empty"), "Bound", Optional.of("longhorn"), GIB))
                .build();
        RestorePlan p = plan(RestoreRequest.of(DB), shop(), cluster);
        assertThat(p.steps()).isEmpty();
        assertThat(p.skips(SkipReason.PVC_BOUND_ELSEWHERE)).singleElement().extracting(PlanSkip::detail)
                .satisfies(d -> assertThat(d).contains("pvc-fresh-empty"));
    }

    @Test
    void aClaimPreBoundToThePlannedPvByGitOpsIsFine() {
        ClusterState cluster = ClusterState.builder()
                .pvc(new PvcInfo(DB, Map.of(), "Pending", Optional.of("longhorn"), GIB, List.of("ReadWriteOnce"), Optional.of("pvc-db")))
                .build();
        RestorePlan p = plan(RestoreRequest.of(DB), shop(), cluster);
        assertThat(p.getStep(DB).notes()).anySatisfy(n -> assertThat(n).contains("already names PV pvc-db"));
    }

    @Test
    void volumeAndPvNamesTakenBySomethingElseAreSkippedButOursAreAdopted() {
        String url = shop().getBackup("pvc-db", "backup-db00000000000003").url().orElseThrow().url();
        ClusterState foreign = ClusterState.builder()
                .volume(new LonghornVolumeInfo("pvc-db", Optional.empty(), GIB, "detached", Map.of())).build();
        assertThat(plan(RestoreRequest.of(DB), shop(), foreign).skips(SkipReason.VOLUME_NAME_TAKEN)).hasSize(1);

        ClusterState ours = ClusterState.builder()
                .volume(new LonghornVolumeInfo("pvc-db", Optional.of(url), GIB, "detached", Map.of())).build();
        RestorePlan adopt = plan(RestoreRequest.of(DB), shop(), ours);
        assertThat(adopt.getStep(DB).notes()).anySatisfy(n -> assertThat(n).contains("will be adopted"));

        ClusterState pvTaken = ClusterState.builder()
                .pv(new PvInfo("pvc-db", Optional.of(PvcRef.of("other", "claim")), Optional.of("driver.longhorn.io"),
                        Optional.of("pvc-db"), "Bound", Optional.of("longhorn"), GIB)).build();
        assertThat(plan(RestoreRequest.of(DB), shop(), pvTaken).skips(SkipReason.PV_NAME_TAKEN)).singleElement()
                .extracting(PlanSkip::detail).satisfies(d -> assertThat(d).contains("other/claim"));
    }

    @Test
    void aClaimAlreadyBoundToItsRestoredVolumeIsReportedAsDone() {
        String url = shop().getBackup("pvc-db", "backup-db00000000000003").url().orElseThrow().url();
        ClusterState done = ClusterState.builder()
                .volume(new LonghornVolumeInfo("pvc-db", Optional.of(url), 10 * GIB, "attached", Map.of()))
                .pv(new PvInfo("pvc-db", Optional.of(DB), Optional.of("driver.longhorn.io"), Optional.of("pvc-db"), "Bound", Optional.of("longhorn"), 10 * GIB))
                .pvc(new PvcInfo(DB, Map.of(), "Bound", Optional.of("longhorn"), GIB, List.of("ReadWriteOnce"), Optional.of("pvc-db")))
                .build();
        RestorePlan p = plan(RestoreRequest.of(DB), shop(), done);
        assertThat(p.steps()).isEmpty();
        assertThat(p.skips(SkipReason.ALREADY_RESTORED)).hasSize(1);
    }

    @Test
    void historicClaimReferencesAreWarnedAbout() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .volume("pvc-h", v -> v.historicPvc("old/claim", "2026-10-01T00:00:00Z")
                        .backup("backup-h1", "2026-10-02T00:00:00Z", MIB))
                .build();
        RestorePlan p = plan(RestoreRequest.all(), c);
        assertThat(p.getStep(PvcRef.of("old", "claim"))).isNotNull();
        assertThat(p.warnings(Kind.HISTORIC_PVC_REF)).singleElement().extracting(PlanWarning::message)
                .satisfies(m -> assertThat(m).contains("2026-10-01T00:00:00Z"));
    }

    @Test
    void catalogSkipsAndMalformedLabelsSurfaceInThePlan() {
        InMemoryBackupCatalog c = InMemoryBackupCatalog.builder()
                .add(io.drkit.core.model.BackupVolume.builder("pvc-bad").label("KubernetesStatus", "{oops").build())
                .skipped("backupstore/volumes/aa/bb/x/backups/backup_y.cfg", io.drkit.core.catalog.SkippedEntry.Reason.INVALID_DATA, "bad JSON")
                .build();
        RestorePlan p = plan(RestoreRequest.all(), c);
        assertThat(p.skips(SkipReason.INVALID_BACKUP_DATA)).extracting(PlanSkip::subject).containsExactly("pvc-bad");
        assertThat(p.warnings(Kind.CATALOG_SKIPPED)).singleElement().extracting(PlanWarning::message)
                .satisfies(m -> assertThat(m).contains("backup_y.cfg").contains("INVALID_DATA"));
    }

    @Test
    void planningIsDeterministic() {
        RestorePlan a = plan(RestoreRequest.all(), SampleCatalogs.homelab());
        RestorePlan b = plan(RestoreRequest.all(), SampleCatalogs.homelab());
        assertThat(a).isEqualTo(b);
        assertThat(a.toJson()).isEqualTo(b.toJson());
        assertThat(a.createdAt()).isEqualTo(NOW);
    }

    // ---------------------------------------------------------------- incomplete views (Longhorn not synced yet)

    /** The shop, as Longhorn lists it right after a rebuild: wiki's backups not pulled yet, an unnamed volume unsynced. */
    private static InMemoryBackupCatalog shopNotSynced(CatalogCompleteness completeness) {
        return InMemoryBackupCatalog.builder()
                .volume("pvc-db", v -> v.size(10 * GIB).pvc("shop/db-data").group("critical")
                        .backup("backup-db00000000000003", "2026-11-22T03:00:00Z", 520 * MIB))
                .volume("pvc-wiki", v -> v.size(GIB).pvc("wiki/data").lastBackupPointer("backup-wk00000000000002"))
                .completeness(completeness)
                .build();
    }

    private static ClusterState critical(PvcRef... claims) {
        ClusterState.Builder b = ClusterState.builder();
        for (PvcRef c : claims) {
            b.pvc(new PvcInfo(c, Map.of("data-tier", "critical"), "Pending", Optional.of("longhorn"), GIB,
                    List.of("ReadWriteOnce"), Optional.empty()));
        }
        return b.build();
    }

    @Test
    void aClaimWhoseBackupVolumeIsNotSyncedIsSkippedAsIncompleteNeverAsNoBackup() {
        CatalogCompleteness c = CatalogCompleteness.of(List.of(),
                Map.of("pvc-wiki", "last backup backup-wk00000000000002 has no Backup object yet"));
        RestorePlan p = plan(RestoreRequest.builder().pvcSelector("data-tier=critical").build(), shopNotSynced(c),
                critical(DB, WIKI));

        assertThat(p.steps()).extracting(RestoreStep::pvc).containsExactly(DB);
        assertThat(p.skips(SkipReason.NO_BACKUP)).isEmpty();
        assertThat(p.incompleteSkips()).singleElement().satisfies(s -> {
            assertThat(s.pvc()).contains(WIKI);
            assertThat(s.detail()).contains("pvc-wiki").contains("has no Backup object yet");
        });
        assertThat(p.catalogComplete()).isFalse();
        assertThat(p.isNothingToRestore()).isFalse();
        assertThat(p.toTable()).contains("INCOMPLETE VIEW").contains("CATALOG_INCOMPLETE");
    }

    @Test
    void aSelectedClaimWithoutAnyVolumeIsIncompleteWhileAnUnsyncedVolumeCannotBeMapped() {
        PvcRef media = PvcRef.of("media", "new");
        InMemoryBackupCatalog unnamed = InMemoryBackupCatalog.builder()
                .volume("pvc-db", v -> v.pvc("shop/db-data").backup("backup-db00000000000003", "2026-11-22T03:00:00Z", MIB))
                .volume("pvc-unknown", v -> v.lastBackupPointer("backup-un00000000000001"))
                .completeness(CatalogCompleteness.of(List.of(), Map.of("pvc-unknown", "never synced")))
                .build();

        RestorePlan p = plan(RestoreRequest.builder().pvcSelector("data-tier=critical").build(), unnamed, critical(DB, media));

        assertThat(p.steps()).extracting(RestoreStep::pvc).containsExactly(DB);
        assertThat(p.skips(SkipReason.NO_BACKUP)).isEmpty();
        assertThat(p.incompleteSkips()).extracting(PlanSkip::subject).containsExactly("media/new", "pvc-unknown");
        assertThat(p.incompleteSkips().get(0).detail()).contains("pvc-unknown");

        RestorePlan complete = plan(RestoreRequest.builder().pvcSelector("data-tier=critical").build(),
                InMemoryBackupCatalog.builder().volume("pvc-db", v -> v.pvc("shop/db-data")
                        .backup("backup-db00000000000003", "2026-11-22T03:00:00Z", MIB)).build(), critical(DB, media));
        assertThat(complete.skips(SkipReason.NO_BACKUP)).extracting(PlanSkip::subject).containsExactly("media/new");
        assertThat(complete.catalogComplete()).isTrue();
    }

    @Test
    void anUnsyncedVolumeWithoutRecordedGroupsIsNotReadAsOutsideTheRequestedGroup() {
        CatalogCompleteness c = CatalogCompleteness.of(List.of(), Map.of("pvc-wiki", "never synced"));

        RestorePlan p = plan(RestoreRequest.builder().group("critical").build(), shopNotSynced(c));

        assertThat(p.steps()).extracting(RestoreStep::pvc).containsExactly(DB);
        assertThat(p.incompleteSkips()).extracting(PlanSkip::subject).containsExactly("wiki/data");
        assertThat(p.skips(SkipReason.NOT_SELECTED)).isEmpty();
    }

    @Test
    void aCatalogWideGapSkipsEveryClaimAndSaysWhy() {
        CatalogCompleteness c = CatalogCompleteness.of(
                List.of("BackupTarget longhorn-system/default has never synced"), Map.of());
        PvcRef media = PvcRef.of("media", "new");

        RestorePlan p = plan(RestoreRequest.builder().pvcSelector("data-tier=critical").build(), shopNotSynced(c),
                critical(DB, WIKI, media));

        assertThat(p.steps()).isEmpty();
        assertThat(p.isNothingToRestore()).isFalse();
        assertThat(p.incompleteSkips()).extracting(PlanSkip::subject).containsExactly("media/new", "shop/db-data", "wiki/data");
        assertThat(p.incompleteSkips()).allSatisfy(s -> assertThat(s.detail()).contains("has never synced"));
        assertThat(p.warnings(Kind.CATALOG_INCOMPLETE)).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("BackupTarget longhorn-system/default has never synced"));
    }

    @Test
    void aCompleteCatalogSaysSoAndAnEmptyPlanFromItIsNothingToRestore() {
        RestorePlan p = plan(RestoreRequest.of(PvcRef.of("gone", "claim")), shop());

        assertThat(p.catalogComplete()).isTrue();
        assertThat(p.isNothingToRestore()).isTrue();
        assertThat(p.skips(SkipReason.NO_BACKUP)).hasSize(1);
        assertThat(p.toTable()).doesNotContain("INCOMPLETE");
    }
}

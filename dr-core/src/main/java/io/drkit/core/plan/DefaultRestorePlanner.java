package io.drkit.core.plan;

import io.drkit.core.Cancellation;
import io.drkit.core.DrException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.NotFoundException;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.ChangeRateVerdict;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LonghornVolumeInfo;
import io.drkit.core.cluster.PvInfo;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.util.Sizes;
import io.drkit.core.model.AccessMode;
import io.drkit.core.util.Times;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import io.drkit.core.model.RecurringJobInfo;
import io.drkit.core.plan.PlanSkip.SkipReason;
import io.drkit.core.plan.PlanWarning.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The standard {@link RestorePlanner}. Rules, in order:
 * <ol>
 *   <li>Each backup volume is mapped to a claim by the {@code KubernetesStatus} label of its newest complete backup
 *       (falling back to the volume's labels); volumes without a mapping are orphans.</li>
 *   <li>The request's selection is applied (claims, namespaces, live-claim labels, recurring-job groups).</li>
 *   <li>All complete backups of all volumes that map to one claim form its timeline; the newest one (at or before
 *       {@code asOf}) wins. In-progress and failed backups never count, and the store's last-backup pointer is only
 *       compared, never trusted.</li>
 *   <li>Data-loss guard: when the winner is smaller than {@code dataLossRatio} times the previous backup of the same
 *       claim, the previous one is planned instead (unless {@code allowSmallerBackup}), with a warning.</li>
 *   <li>Change-rate guard ({@link RestoreRequest#onAnomaly()}, when the catalog is a {@link ChangeRateSource}): the
 *       backup left after the data-loss guard is judged by {@link ChangeRateRule} against its volume's earlier
 *       backups; an anomaly is warned about ({@code warn}), passed over for the newest backup before it
 *       ({@code previous}, at most {@value #MAX_ANOMALY_WALK} consecutive anomalies), or holds the claim
 *       ({@code hold}). The rates of all claims are read in parallel (4 at once).</li>
 *   <li>App-consistent restore sets ({@link RestoreRequest#consistency()}): the claims left after the guards are
 *       grouped by namespace or by a label (the live claim's, else the newest of its backups carrying it, else its
 *       backup volume's); for each set, a sort-and-sweep over the members' candidate backup times finds the newest T
 *       at which every member has a candidate within the window before T, and each member restores
 *       {@link NewestBackupRule#newestCompleteAtOrBefore} T among its candidates. No such T: each member keeps its own
 *       backup with an {@code INCONSISTENT_SET} warning, or, when strict, every member is skipped as
 *       {@code INCONSISTENT_SET}. Claims skipped by their own rules (no backup, held by a guard) leave the set; they are
 *       listed in it with their skip reason.</li>
 *   <li>Skips: too old, invalid target names, name collisions, and, with live cluster state, claims bound
 *       elsewhere, volume or PV names taken by something else.</li>
 *   <li>The restored volume keeps the recurring-job groups and jobs recorded in its backup.</li>
 *   <li>An incomplete view ({@link BackupCatalog#completeness()}) is never read as "no backup": a claim whose backup
 *       volume is not synced, or any claim when the catalog's view as a whole is not known to be complete, is skipped
 *       as {@code CATALOG_INCOMPLETE} naming what is not synced, and the plan says it was made from an incomplete
 *       view ({@link RestorePlan#catalogComplete()}).</li>
 * </ol>
 */
final class DefaultRestorePlanner implements RestorePlanner {
    private static final int MAX_CATALOG_WARNINGS = 20;
    /** How many consecutive anomalous backups {@link AnomalyPolicy#PREVIOUS} walks back over before it holds. */
    static final int MAX_ANOMALY_WALK = 3;
    /** Reads the change rates of several claims at once. */
    private static final Parallel RATE_READERS = Parallel.of("drkit-plan-rates", 4);
    /**
     * Lists the backups of several claims' volumes at once: one claim's listing is a round trip to the store (a
     * listing, then its cfgs), and claims resolved one after another left the store's latency unused between them.
     */
    private static final Parallel LISTERS = Parallel.of("drkit-plan-listings", 4);
    static final String DEFAULT_STATIC_STORAGE_CLASS = "longhorn-static";

    private final Clock clock;

    DefaultRestorePlanner(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RestorePlan plan(RestoreRequest request, BackupCatalog catalog, ClusterState cluster) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(catalog, "catalog");
        ClusterState live = cluster == null ? ClusterState.offline() : cluster;
        return new Run(request, catalog, live, clock.instant()).plan();
    }

    /** One planning run; not thread-safe, used once. */
    private static final class Run {
        private final RestoreRequest req;
        private final BackupCatalog catalog;
        private final ClusterState cluster;
        private final Instant now;
        private final List<RestoreStep> steps = new ArrayList<>();
        private final List<PlanSkip> skips = new ArrayList<>();
        private final List<PlanWarning> warnings = new ArrayList<>();
        private final Map<String, BackupVolume> volumesByName = new HashMap<>();
        private final Map<String, PvcRef> usedVolumeNames = new HashMap<>();
        private final Map<String, PvcRef> usedPvNames = new HashMap<>();
        private CatalogCompleteness completeness = CatalogCompleteness.complete();
        /** Whether an unsynced volume could not be mapped to a claim (it may belong to any claim). */
        private boolean unmappedUnsynced;
        /** A volume's backups as the planner read them, or the failure that makes the claim skip the volume. */
        private record Listing(List<Backup> backups, RuntimeException failure) {
        }

        Run(RestoreRequest req, BackupCatalog catalog, ClusterState cluster, Instant now) {
            this.req = req;
            this.catalog = catalog;
            this.cluster = cluster;
            this.now = now;
        }

        RestorePlan plan() {
            if (req.pvcSelector().isPresent() && !cluster.online()) {
                warnings.add(new PlanWarning(Optional.empty(), Kind.NO_CLUSTER_STATE, "PVC label selector '"
                        + req.pvcSelector().get() + "' needs live cluster state, but this plan is offline: no PVC can match it"));
            }
            completeness = catalog.completeness();
            for (String reason : completeness.reasons()) {
                warnings.add(new PlanWarning(Optional.empty(), Kind.CATALOG_INCOMPLETE, reason
                        + ": every claim is skipped as CATALOG_INCOMPLETE; plan again once the backend has synced"));
            }
            List<BackupVolume> volumes = new ArrayList<>(catalog.listBackupVolumes());
            volumes.sort(Comparator.comparing(BackupVolume::name));
            volumes.forEach(v -> volumesByName.put(v.name(), v));
            Map<String, Backup> newest = catalog.newestCompleteBackupsOf(volumes);

            Map<PvcRef, List<BackupVolume>> candidates = new TreeMap<>();
            for (BackupVolume v : volumes) {
                preselect(v, newest.get(v.name()), candidates);
            }
            for (PvcRef wanted : wantedClaims()) {
                if (!candidates.containsKey(wanted)) {
                    if (completeness.listsEveryVolume() && !unmappedUnsynced) {
                        skips.add(new PlanSkip(Optional.of(wanted), wanted.toString(), SkipReason.NO_BACKUP,
                                "no backup volume in " + catalog.describe() + " records this PVC"));
                    } else {
                        skips.add(new PlanSkip(Optional.of(wanted), wanted.toString(), SkipReason.CATALOG_INCOMPLETE,
                                "no synced backup volume records this PVC, but " + whatIsNotSynced()));
                    }
                }
            }
            List<Claim> claims = new ArrayList<>();
            Map<String, Listing> listed = listAll(candidates);
            for (Map.Entry<PvcRef, List<BackupVolume>> e : candidates.entrySet()) {
                Claim c = resolve(e.getKey(), e.getValue(), listed);
                if (c != null) {
                    claims.add(c);
                }
            }
            guardChangeRates(claims);
            List<SetWork> sets = assignPicks(candidates, claims);
            for (Claim c : claims) {
                if (c.pick != null) {
                    finish(c);
                }
            }
            addCatalogWarnings();
            skips.sort(Comparator.comparing(PlanSkip::subject).thenComparing(PlanSkip::reason));
            steps.sort(Comparator.comparing(RestoreStep::pvc));
            return new RestorePlan(RestorePlan.SCHEMA_VERSION, now, catalog.describe(), cluster.online(), req, steps,
                    skips, warnings, completeness.isComplete(), setRecords(sets));
        }

        /** The end of a sentence saying why the view may lack something. */
        private String whatIsNotSynced() {
            if (!completeness.listsEveryVolume()) {
                return "the catalog's view is incomplete (" + String.join("; ", completeness.reasons()) + ")";
            }
            return completeness.volumes().size() + " backup volume(s) are not synced yet and may belong to it ("
                    + String.join(", ", completeness.volumes().keySet()) + ")";
        }

        /** Maps a volume to a claim and applies the selection. */
        private void preselect(BackupVolume v, Backup newestBackup, Map<PvcRef, List<BackupVolume>> candidates) {
            Optional<PvcRef> pvc;
            RecurringJobInfo jobs;
            try {
                pvc = v.pvc(Optional.ofNullable(newestBackup));
                jobs = v.recurringJobInfo(Optional.ofNullable(newestBackup));
            } catch (InvalidBackupDataException e) {
                skips.add(new PlanSkip(Optional.empty(), v.name(), SkipReason.INVALID_BACKUP_DATA, e.getMessage()));
                return;
            }
            Optional<String> gap = completeness.volumeGap(v.name());
            if (pvc.isEmpty() && gap.isPresent()) {
                unmappedUnsynced = true;
                skips.add(new PlanSkip(Optional.empty(), v.name(), SkipReason.CATALOG_INCOMPLETE, "backup volume not synced"
                        + " yet (" + gap.get() + "): which claim it belongs to is not known until it is"));
                return;
            }
            if (pvc.isEmpty()) {
                if (newestBackup == null) {
                    skips.add(new PlanSkip(Optional.empty(), v.name(), SkipReason.NO_BACKUP,
                            "backup volume has no complete backup and records no PVC"));
                } else {
                    skips.add(new PlanSkip(Optional.empty(), v.name(), SkipReason.NO_PVC_MAPPING,
                            "orphan: no backup of this volume carries a KubernetesStatus label naming a PVC"
                                    + " (restore it by hand under a name of your choice)"));
                }
                return;
            }
            String whyNot = whyNotSelected(pvc.get(), jobs);
            if (whyNot != null && gap.isPresent() && !req.groups().isEmpty()
                    && whyNotSelected(pvc.get(), null) == null) {
                // its groups come from backups not synced yet: whether it is selected is not known
                whyNot = null;
            }
            if (whyNot != null) {
                skips.add(new PlanSkip(pvc, v.name(), SkipReason.NOT_SELECTED, "maps to " + pvc.get() + ": " + whyNot));
                return;
            }
            candidates.computeIfAbsent(pvc.get(), k -> new ArrayList<>()).add(v);
        }

        /** Null when selected, else why not; with {@code jobs} null the recurring-job groups are not checked. */
        private String whyNotSelected(PvcRef pvc, RecurringJobInfo jobs) {
            if (req.selectAll()) {
                return null;
            }
            if (!req.pvcs().isEmpty() && !req.pvcs().contains(pvc)) {
                return "not among the requested PVCs";
            }
            if (!req.namespaces().isEmpty() && !req.namespaces().contains(pvc.namespace())) {
                return "namespace " + pvc.namespace() + " not requested";
            }
            if (req.pvcSelector().isPresent()) {
                Optional<PvcInfo> live = cluster.findPvc(pvc);
                if (live.isEmpty()) {
                    return cluster.online() ? "PVC does not exist in the cluster, so selector '" + req.pvcSelector().get()
                            + "' cannot match it" : "selector '" + req.pvcSelector().get() + "' needs cluster state";
                }
                if (!req.pvcSelector().get().matches(live.get().labels())) {
                    return "PVC labels do not match selector '" + req.pvcSelector().get() + "'";
                }
            }
            if (jobs != null && !req.groups().isEmpty() && req.groups().stream().noneMatch(jobs::belongsToGroup)) {
                return "backups are not in recurring-job group(s) " + String.join(",", req.groups())
                        + (jobs.groups().isEmpty() ? " (no groups recorded)" : " (recorded: " + String.join(",", jobs.groups()) + ")");
            }
            return null;
        }

        /** Claims the request names or selects in the live cluster, which must get a step or a NO_BACKUP skip. */
        private Set<PvcRef> wantedClaims() {
            Set<PvcRef> out = new TreeSet<>(req.pvcs());
            if (req.selectAll() || !req.groups().isEmpty() || !cluster.online()) {
                return out;
            }
            if (!req.namespaces().isEmpty() || req.pvcSelector().isPresent()) {
                for (PvcInfo p : cluster.pvcs()) {
                    boolean ns = req.namespaces().isEmpty() || req.namespaces().contains(p.ref().namespace());
                    boolean sel = req.pvcSelector().map(s -> s.matches(p.labels())).orElse(true);
                    boolean named = req.pvcs().isEmpty() || req.pvcs().contains(p.ref());
                    if (ns && sel && named) {
                        out.add(p.ref());
                    }
                }
            }
            return out;
        }

        /** One claim being planned: its backups, the candidates left after asOf and the guards, and the final pick. */
        private static final class Claim {
            final PvcRef pvc;
            final List<BackupVolume> sources;
            final Map<String, Optional<Backup>> newestPerVolume = new TreeMap<>();
            final Map<String, List<Backup>> allPerVolume = new TreeMap<>();
            /** Every complete backup of the claim, newest first (for label lookups). */
            List<Backup> timeline = List.of();
            /** The backups the claim may restore, newest first: at or before asOf, minus what the guards rejected. */
            List<Backup> candidates = List.of();
            /** Why candidates[0] is the claim's own choice. */
            String reason = "";
            final List<String> notes = new ArrayList<>();
            Backup pick;
            String pickReason;

            Claim(PvcRef pvc, List<BackupVolume> sources) {
                this.pvc = pvc;
                this.sources = sources;
            }

            Backup head() {
                return candidates.get(0);
            }
        }

        /**
         * Reads the backups of every volume that {@link #resolve} will read (those of claims whose volumes are all
         * synced, in a view that lists every volume), several volumes at once; each volume's result is its list or the
         * failure that {@code resolve} turns into a skip. Other failures (an unavailable store) end the plan as before.
         */
        private Map<String, Listing> listAll(Map<PvcRef, List<BackupVolume>> candidates) {
            if (!completeness.listsEveryVolume()) {
                return Map.of();
            }
            List<String> names = candidates.values().stream()
                    .filter(sources -> sources.stream().allMatch(v -> completeness.volumeGap(v.name()).isEmpty()))
                    .flatMap(List::stream).map(BackupVolume::name).distinct().toList();
            List<Listing> results = LISTERS.map("listing the backups of each claim's volumes", names,
                    Cancellation.none(), (name, cancel) -> listing(name));
            Map<String, Listing> byName = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), results.get(i));
            }
            return byName;
        }

        private Listing listing(String volume) {
            try {
                return new Listing(catalog.listBackups(volume), null);
            } catch (NotFoundException | InvalidBackupDataException e) {
                return new Listing(List.of(), e);
            }
        }

        /**
         * Takes a claim's backups ({@code listed} by {@link #listAll}, else read now) and applies asOf and the
         * data-loss guard; null (with a skip) when it cannot be restored at all.
         */
        private Claim resolve(PvcRef pvc, List<BackupVolume> sources, Map<String, Listing> listed) {
            if (!completeness.listsEveryVolume()) {
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.CATALOG_INCOMPLETE,
                        "its backups may be incomplete: " + whatIsNotSynced()));
                return null;
            }
            List<String> unsynced = sources.stream().filter(v -> completeness.volumeGap(v.name()).isPresent())
                    .map(v -> v.name() + " (" + completeness.volumeGap(v.name()).get() + ")").toList();
            if (!unsynced.isEmpty()) {
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.CATALOG_INCOMPLETE,
                        "backup volume " + String.join(", ", unsynced) + " not synced yet: its newest backup is not known"));
                return null;
            }
            Claim c = new Claim(pvc, sources);
            List<Backup> timeline = new ArrayList<>();
            for (BackupVolume v : sources) {
                Listing read = listed.get(v.name());
                if (read == null) {
                    read = listing(v.name());
                }
                if (read.failure() instanceof NotFoundException e) {
                    skips.add(new PlanSkip(Optional.of(pvc), v.name(), SkipReason.NO_BACKUP,
                            "backup volume vanished while planning: " + e.getMessage()));
                    continue;
                }
                if (read.failure() != null) {
                    skips.add(new PlanSkip(Optional.of(pvc), v.name(), SkipReason.INVALID_BACKUP_DATA,
                            read.failure().getMessage()));
                    continue;
                }
                List<Backup> backups = read.backups();
                c.allPerVolume.put(v.name(), backups);
                List<Backup> mine = new ArrayList<>();
                for (Backup b : NewestBackupRule.completeNewestFirst(backups)) {
                    Optional<PvcRef> mapped;
                    try {
                        mapped = b.kubernetesStatus().flatMap(KubernetesStatus::pvc);
                    } catch (InvalidBackupDataException e) {
                        mapped = Optional.empty();
                    }
                    if (mapped.isPresent() && !mapped.get().equals(pvc)) {
                        continue; // an older backup of a reused volume name that belonged to another claim
                    }
                    mine.add(b);
                }
                c.newestPerVolume.put(v.name(), mine.stream().findFirst());
                timeline.addAll(mine);
            }
            timeline.sort(Backup.NEWEST_FIRST);
            c.timeline = List.copyOf(timeline);
            List<Backup> eligible = req.asOf().map(t -> NewestBackupRule.completeAtOrBeforeNewestFirst(timeline, t))
                    .orElse(c.timeline);
            if (eligible.isEmpty()) {
                String detail = timeline.isEmpty()
                        ? "no complete backup in " + sources.stream().map(BackupVolume::name).collect(Collectors.joining(", "))
                        : "no complete backup at or before " + req.asOf().orElseThrow() + " (oldest is "
                                + timeline.get(timeline.size() - 1).name() + " at "
                                + timeline.get(timeline.size() - 1).pointInTime().map(Instant::toString).orElse("?") + ")";
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.NO_BACKUP, detail));
                return null;
            }
            Backup chosen = eligible.get(0);
            List<Backup> candidates = eligible;
            String reason = req.asOf().isPresent()
                    ? "newest complete backup at or before " + req.asOf().get()
                    : "newest complete backup";
            reason += " (" + chosen.pointInTime().map(Instant::toString).orElse("time unknown") + ", "
                    + Sizes.human(chosen.size()) + " of data)";

            if (eligible.size() > 1) {
                Backup previous = eligible.get(1);
                if (previous.size() > 0 && chosen.size() < req.dataLossRatio() * previous.size()) {
                    long pct = Math.round(100.0 * chosen.size() / previous.size());
                    String what = "newest backup " + chosen.volumeName() + "/" + chosen.name() + " holds "
                            + Sizes.human(chosen.size()) + ", only " + pct + "% of the previous backup "
                            + previous.volumeName() + "/" + previous.name() + " (" + Sizes.human(previous.size())
                            + "): it may be an empty volume backed up after a rebuild";
                    if (req.allowSmallerBackup()) {
                        warnings.add(new PlanWarning(Optional.of(pvc), Kind.DATA_LOSS_GUARD,
                                what + "; restoring it anyway because smaller backups are allowed"));
                    } else {
                        warnings.add(new PlanWarning(Optional.of(pvc), Kind.DATA_LOSS_GUARD, what
                                + "; planned the previous backup instead (allow smaller backups to restore the newest)"));
                        reason = "previous backup (" + previous.pointInTime().map(Instant::toString).orElse("?") + ", "
                                + Sizes.human(previous.size()) + "): the data-loss guard rejected the newest, "
                                + chosen.name() + " (" + pct + "% of this size)";
                        candidates = eligible.subList(1, eligible.size());
                    }
                }
            }
            c.candidates = List.copyOf(candidates);
            c.reason = reason;
            return c;
        }

        /**
         * The change-rate guard: judges each claim's own choice against the change rates of its volume's earlier
         * backups, reading the rates of all claims in parallel. Removes claims it holds from {@code claims}.
         */
        private void guardChangeRates(List<Claim> claims) {
            AnomalyPolicy policy = req.onAnomaly();
            if (policy == AnomalyPolicy.OFF || !(catalog instanceof ChangeRateSource source) || claims.isEmpty()) {
                return;
            }
            ChangeRateRule rule = req.changeRateRule();
            int count = Math.min(ChangeRateSource.MAX_COUNT,
                    rule.history() + 1 + (policy == AnomalyPolicy.PREVIOUS ? MAX_ANOMALY_WALK : 0));
            List<List<ChangeRate>> rates = RATE_READERS.map("reading change rates", claims, Cancellation.none(),
                    (c, cancel) -> {
                        Backup head = c.head();
                        // the backups resolve() listed: asking the catalog again re-reads them when its cache is full
                        List<Backup> listed = c.allPerVolume.get(head.volumeName());
                        try {
                            return listed == null ? source.changeRates(head.volumeName(), head.name(), count, cancel)
                                    : source.changeRates(head.volumeName(), listed, head.name(), count, cancel);
                        } catch (NotFoundException e) {
                            return List.of(ChangeRate.unknown(head.volumeName(), head.name(), null, e.getMessage()));
                        }
                    });
            for (int i = 0; i < claims.size(); i++) {
                Claim c = claims.get(i);
                if (!judgeChangeRate(c, rule.judgeAll(rates.get(i)), policy)) {
                    claims.set(i, null);
                }
            }
            claims.removeIf(Objects::isNull);
        }

        /** Applies the policy to one claim; false when the claim is held (a skip was added). */
        private boolean judgeChangeRate(Claim c, List<ChangeRateVerdict> verdicts, AnomalyPolicy policy) {
            Map<String, ChangeRateVerdict> byBackup = new HashMap<>();
            verdicts.forEach(v -> byBackup.put(v.rate().volumeName() + "/" + v.rate().backupName(), v));
            List<ChangeRateVerdict> flagged = new ArrayList<>();
            List<Backup> candidates = c.candidates;
            while (!candidates.isEmpty()) {
                Backup head = candidates.get(0);
                ChangeRateVerdict v = byBackup.get(head.volumeName() + "/" + head.name());
                if (v == null || !v.isAnomaly()) {
                    if (v != null && flagged.isEmpty()) {
                        note(c, v, policy);
                    }
                    break;
                }
                flagged.add(v);
                if (policy != AnomalyPolicy.PREVIOUS) {
                    break;
                }
                if (flagged.size() > MAX_ANOMALY_WALK) {
                    skips.add(new PlanSkip(Optional.of(c.pvc), c.pvc.toString(), SkipReason.CHANGE_RATE_ANOMALY,
                            flagged.size() + " consecutive backups changed far more than usual ("
                                    + flagged.stream().map(f -> f.rate().backupName() + " " + f.rate().percent())
                                    .collect(Collectors.joining(", ")) + "): held for a human decision"));
                    return false;
                }
                candidates = candidates.subList(1, candidates.size());
            }
            if (flagged.isEmpty()) {
                return true;
            }
            String detail = flagged.stream().map(ChangeRateVerdict::detail).collect(Collectors.joining("; "));
            switch (policy) {
                case WARN -> warnings.add(new PlanWarning(Optional.of(c.pvc), Kind.CHANGE_RATE_ANOMALY, detail
                        + "; planned it anyway (on-anomaly warn): make sure it is not encrypted or wiped data, or plan "
                        + "with on-anomaly previous"));
                case HOLD -> {
                    skips.add(new PlanSkip(Optional.of(c.pvc), c.pvc.toString(), SkipReason.CHANGE_RATE_ANOMALY, detail
                            + "; held for a human decision (on-anomaly hold): plan with an as-of time before it, or "
                            + "with on-anomaly warn to restore it"));
                    return false;
                }
                case PREVIOUS -> {
                    if (candidates.isEmpty()) {
                        skips.add(new PlanSkip(Optional.of(c.pvc), c.pvc.toString(), SkipReason.CHANGE_RATE_ANOMALY,
                                detail + "; no complete backup before it to plan instead (on-anomaly previous)"));
                        return false;
                    }
                    Backup before = candidates.get(0);
                    warnings.add(new PlanWarning(Optional.of(c.pvc), Kind.CHANGE_RATE_ANOMALY, detail
                            + "; planned " + before.volumeName() + "/" + before.name() + ", the newest backup before it, "
                            + "instead (on-anomaly previous)"));
                    c.candidates = List.copyOf(candidates);
                    c.reason = "newest backup before the change-rate anomaly of " + flagged.get(flagged.size() - 1)
                            .rate().backupName() + " (" + before.pointInTime().map(Instant::toString).orElse("?") + ", "
                            + Sizes.human(before.size()) + " of data)";
                    ChangeRateVerdict v = byBackup.get(before.volumeName() + "/" + before.name());
                    if (v != null) {
                        note(c, v, policy);
                    }
                }
                default -> throw new IllegalStateException("policy " + policy);
            }
            return true;
        }

        /** A reviewer note on what the guard saw for the planned backup. */
        private static void note(Claim c, ChangeRateVerdict v, AnomalyPolicy policy) {
            if (v.rate().isKnown() || policy != AnomalyPolicy.WARN) {
                c.notes.add("change-rate guard: " + v.detail());
            }
        }

        /** Groups the claims into restore sets and sets each claim's final pick. */
        private List<SetWork> assignPicks(Map<PvcRef, List<BackupVolume>> all, List<Claim> claims) {
            Consistency cons = req.consistency();
            Map<PvcRef, Claim> byPvc = new TreeMap<>();
            claims.forEach(c -> byPvc.put(c.pvc, c));
            Map<String, SetWork> sets = new TreeMap<>();
            for (Map.Entry<PvcRef, List<BackupVolume>> e : all.entrySet()) {
                Claim c = byPvc.get(e.getKey());
                if (!cons.enabled()) {
                    break;
                }
                Optional<String> key = setKey(e.getKey(), e.getValue(), c);
                if (key.isEmpty()) {
                    if (c != null) {
                        c.notes.add("restore sets: no label " + cons.labelKey() + " on the claim or in its backups: "
                                + "restored on its own");
                    }
                    continue;
                }
                sets.computeIfAbsent(key.get(), SetWork::new).add(e.getKey(), c);
            }
            for (Claim c : claims) {
                c.pick = c.head();
                c.pickReason = c.reason;
            }
            for (SetWork s : sets.values()) {
                s.solve(cons);
                if (s.consistentAt != null) {
                    for (Claim c : s.claims()) {
                        Backup own = c.head();
                        c.pick = NewestBackupRule.newestCompleteAtOrBefore(c.candidates, s.consistentAt).orElseThrow();
                        String set = "restore set " + s.key + " (" + s.members.size() + " claim(s), backups within "
                                + Times.human(cons.window()) + " before " + s.consistentAt + ")";
                        if (c.pick.equals(own)) {
                            c.pickReason = c.reason + "; consistent with " + set;
                        } else {
                            c.pickReason = "newest complete backup at or before the consistent point of " + set + ": "
                                    + c.pick.pointInTime().map(Instant::toString).orElse("?") + ", "
                                    + Sizes.human(c.pick.size()) + " of data; its own choice, " + own.name()
                                    + ", is " + Times.human(cost(own, c.pick)) + " newer";
                        }
                    }
                } else if (s.claims().size() > 0) {
                    String picks = s.claims().stream().limit(10).map(c -> c.pvc + " " + c.head().name() + " at "
                            + c.head().pointInTime().map(Instant::toString).orElse("?")).collect(Collectors.joining(", "))
                            + (s.claims().size() > 10 ? ", ..." : "");
                    String what = "restore set " + s.key + " has no point at which all " + s.claims().size()
                            + " claim(s) with backups have a complete backup within " + Times.human(cons.window())
                            + " before it (newest: " + picks + "; skew " + Times.human(s.skew(Claim::head)) + ")";
                    if (cons.strict()) {
                        for (Claim c : s.claims()) {
                            skips.add(new PlanSkip(Optional.of(c.pvc), c.pvc.toString(), SkipReason.INCONSISTENT_SET,
                                    what + "; held because consistency is strict"));
                            c.pick = null;
                        }
                    } else {
                        warnings.add(new PlanWarning(Optional.empty(), Kind.INCONSISTENT_SET,
                                what + "; each claim restores its own newest backup"));
                    }
                }
            }
            return new ArrayList<>(sets.values());
        }

        /** The set a claim belongs to, if any. */
        private Optional<String> setKey(PvcRef pvc, List<BackupVolume> sources, Claim c) {
            Consistency cons = req.consistency();
            if (cons.grouping() == Consistency.Grouping.NAMESPACE) {
                return Optional.of("namespace=" + pvc.namespace());
            }
            String key = cons.labelKey();
            Optional<String> value = cluster.findPvc(pvc).map(p -> p.labels().get(key));
            if (value.isEmpty() && c != null) {
                value = c.timeline.stream().map(b -> b.labels().get(key)).filter(Objects::nonNull).findFirst();
            }
            if (value.isEmpty()) {
                value = sources.stream().map(v -> v.labels().get(key)).filter(Objects::nonNull).findFirst();
            }
            return value.filter(v -> !v.isEmpty()).map(v -> key + "=" + v);
        }

        private static Duration cost(Backup newer, Backup older) {
            Optional<Instant> a = newer.pointInTime();
            Optional<Instant> b = older.pointInTime();
            if (a.isEmpty() || b.isEmpty() || a.get().isBefore(b.get())) {
                return Duration.ZERO;
            }
            return Duration.between(b.get(), a.get());
        }

        /** One restore set while planning. */
        private static final class SetWork {
            final String key;
            final List<PvcRef> members = new ArrayList<>();
            final Map<PvcRef, Claim> claimsByPvc = new TreeMap<>();
            Instant consistentAt;

            SetWork(String key) {
                this.key = key;
            }

            void add(PvcRef pvc, Claim c) {
                members.add(pvc);
                if (c != null) {
                    claimsByPvc.put(pvc, c);
                }
            }

            /** The members that have candidates (the others were skipped for their own reasons). */
            List<Claim> claims() {
                return List.copyOf(claimsByPvc.values());
            }

            /**
             * Sort and sweep: the newest backup time T at which every member has a candidate in [T - window, T]. The
             * window slides over all candidate times in ascending order; a count per member says which members the
             * window covers. O(B log B) for B candidates, never all pairs.
             */
            void solve(Consistency cons) {
                List<Claim> cs = claims();
                if (cs.isEmpty()) {
                    return;
                }
                int n = cs.size();
                int total = cs.stream().mapToInt(c -> c.candidates.size()).sum();
                long[] times = new long[total];
                int[] owner = new int[total];
                Integer[] order = new Integer[total];
                int e = 0;
                for (int i = 0; i < n; i++) {
                    for (Backup b : cs.get(i).candidates) {
                        if (b.pointInTime().isPresent()) {
                            Instant t = b.pointInTime().get();
                            times[e] = t.getEpochSecond() * 1_000_000_000L + t.getNano();
                            owner[e] = i;
                            order[e] = e;
                            e++;
                        }
                    }
                }
                Integer[] sorted = Arrays.copyOf(order, e);
                Arrays.sort(sorted, Comparator.comparingLong(k -> times[k]));
                long window = cons.window().toNanos();
                int[] count = new int[n];
                int covered = 0;
                int left = 0;
                long best = Long.MIN_VALUE;
                for (int right = 0; right < e; right++) {
                    int r = sorted[right];
                    if (count[owner[r]]++ == 0) {
                        covered++;
                    }
                    while (times[sorted[left]] < times[r] - window) {
                        if (--count[owner[sorted[left]]] == 0) {
                            covered--;
                        }
                        left++;
                    }
                    if (covered == n) {
                        best = times[r];
                    }
                }
                if (best != Long.MIN_VALUE) {
                    consistentAt = Instant.ofEpochSecond(Math.floorDiv(best, 1_000_000_000L),
                            Math.floorMod(best, 1_000_000_000L));
                }
            }

            Duration skew(java.util.function.Function<Claim, Backup> chosen) {
                List<Instant> ts = claims().stream().map(chosen).filter(Objects::nonNull)
                        .map(Backup::pointInTime).flatMap(Optional::stream).sorted().toList();
                return ts.size() < 2 ? Duration.ZERO : Duration.between(ts.get(0), ts.get(ts.size() - 1));
            }
        }

        /** The restore set records of the plan, from what was planned and skipped. */
        private List<RestoreSet> setRecords(List<SetWork> sets) {
            Duration window = req.consistency().window();
            List<RestoreSet> out = new ArrayList<>();
            for (SetWork s : sets) {
                List<RestoreSet.Member> members = new ArrayList<>();
                for (PvcRef pvc : new TreeSet<>(s.members)) {
                    Claim c = s.claimsByPvc.get(pvc);
                    Backup pick = c == null ? null : c.pick;
                    Backup own = c == null ? null : c.head();
                    Optional<PlanSkip.SkipReason> skipped = steps.stream().anyMatch(st -> st.pvc().equals(pvc))
                            ? Optional.empty()
                            : Optional.of(skips.stream().filter(k -> k.pvc().equals(Optional.of(pvc))
                                    && k.subject().equals(pvc.toString())).map(PlanSkip::reason).findFirst()
                                    .orElse(SkipReason.NO_BACKUP));
                    members.add(new RestoreSet.Member(pvc, Optional.ofNullable(pick).map(Backup::volumeName),
                            Optional.ofNullable(pick).map(Backup::name), Optional.ofNullable(pick).flatMap(Backup::pointInTime),
                            Optional.ofNullable(own).map(Backup::name), Optional.ofNullable(own).flatMap(Backup::pointInTime),
                            pick == null || own == null ? Duration.ZERO : cost(own, pick), skipped));
                }
                RestoreSet.Status status = s.consistentAt != null ? RestoreSet.Status.CONSISTENT
                        : req.consistency().strict() && !s.claims().isEmpty() ? RestoreSet.Status.HELD
                        : RestoreSet.Status.INCONSISTENT;
                Duration skew = s.consistentAt != null ? s.skew(c -> c.pick) : s.skew(Claim::head);
                out.add(new RestoreSet(s.key, status, Optional.ofNullable(s.consistentAt), window, skew, members));
            }
            return out;
        }

        /** The rest of planning one claim once its backup is chosen: other sources, the pointer, max age, the step. */
        private void finish(Claim c) {
            PvcRef pvc = c.pvc;
            List<BackupVolume> sources = c.sources;
            final Backup pick = c.pick;
            Map<String, Optional<Backup>> newestPerVolume = c.newestPerVolume;
            if (sources.size() > 1) {
                String all = newestPerVolume.entrySet().stream().map(e -> e.getKey() + " (newest "
                        + e.getValue().map(b -> b.name() + " at " + b.pointInTime().map(Instant::toString).orElse("?"))
                        .orElse("none") + ")").collect(Collectors.joining(", "));
                warnings.add(new PlanWarning(Optional.of(pvc), Kind.MULTIPLE_SOURCES, "PVC " + pvc + " maps to "
                        + sources.size() + " backup volumes: " + all + "; chose " + pick.volumeName() + "/" + pick.name()));
                for (BackupVolume v : sources) {
                    if (!v.name().equals(pick.volumeName())) {
                        skips.add(new PlanSkip(Optional.of(pvc), v.name(), SkipReason.SUPERSEDED,
                                "also maps to " + pvc + "; " + pick.volumeName() + "/" + pick.name() + " was chosen"));
                    }
                }
            }
            if (req.asOf().isEmpty()) {
                checkPointer(pvc, volumesByName.get(pick.volumeName()), c.allPerVolume.get(pick.volumeName()),
                        newestPerVolume.get(pick.volumeName()));
            }
            if (req.maxAge().isPresent()) {
                Instant cutoff = now.minus(req.maxAge().get());
                Instant t = pick.pointInTime().orElse(Instant.MIN);
                if (t.isBefore(cutoff)) {
                    skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.BACKUP_TOO_OLD, "chosen backup "
                            + pick.volumeName() + "/" + pick.name() + " is from " + pick.pointInTime().map(Instant::toString)
                            .orElse("an unknown time") + ", older than the maximum age " + req.maxAge().get()));
                    return;
                }
            }
            buildStep(pvc, pick, c.pickReason, c.notes);
        }

        private void checkPointer(PvcRef pvc, BackupVolume v, List<Backup> all, Optional<Backup> newestOfVolume) {
            if (v == null || all == null || newestOfVolume == null || newestOfVolume.isEmpty()) {
                return;
            }
            Backup newest = newestOfVolume.get();
            String pointer = "the store's last-backup pointer of " + v.name();
            String named = pointer + " names " + v.lastBackupName().orElse("");
            String msg = switch (NewestBackupRule.judgePointer(v, all)) {
                case AGREES -> null;
                case EMPTY -> pointer + " is empty";
                case MISSING -> named + ", which does not exist";
                case INCOMPLETE -> named + ", which is not complete";
                case OLDER -> named + ", which is older than another complete backup";
            };
            if (msg != null) {
                warnings.add(new PlanWarning(Optional.of(pvc), Kind.STALE_POINTER,
                        msg + "; used the newest complete backup in the listing, " + newest.name()));
            }
        }

        private void buildStep(PvcRef pvc, Backup backup, String reason, List<String> extraNotes) {
            BackupVolume bv = volumesByName.get(backup.volumeName());
            List<String> notes = new ArrayList<>(extraNotes);
            Optional<KubernetesStatus> ks;
            RecurringJobInfo jobs;
            try {
                ks = backup.kubernetesStatus();
                jobs = bv == null ? backup.recurringJobInfo() : bv.recurringJobInfo(Optional.of(backup));
            } catch (InvalidBackupDataException e) {
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.INVALID_BACKUP_DATA, e.getMessage()));
                return;
            }
            if (ks.isPresent() && !ks.get().pvcBoundAtBackup()) {
                warnings.add(new PlanWarning(Optional.of(pvc), Kind.HISTORIC_PVC_REF, "PVC " + pvc
                        + " was no longer bound when " + backup.name() + " was taken (last seen "
                        + ks.get().lastPvcRefAt() + "): check it is still the right claim"));
            }

            String volumeName = req.volumeName().render(backup.volumeName(), pvc, backup.name());
            String pvName = req.pvName().render(backup.volumeName(), pvc, backup.name());
            if (StepRules.volumeNameProblem(volumeName) != null) {
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.INVALID_NAME,
                        StepRules.volumeNameProblem(volumeName) + " (from template '" + req.volumeName() + "')"));
                return;
            }
            if (StepRules.pvNameProblem(pvName) != null) {
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.INVALID_NAME,
                        StepRules.pvNameProblem(pvName) + " (from template '" + req.pvName() + "')"));
                return;
            }
            PvcRef clashV = usedVolumeNames.get(volumeName);
            PvcRef clashP = usedPvNames.get(pvName);
            if (clashV != null || clashP != null) {
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.INVALID_NAME, (clashV != null
                        ? "volume name " + volumeName + " is already planned for " + clashV
                        : "PV name " + pvName + " is already planned for " + clashP) + "; use a template with {pvc} or {namespace}"));
                return;
            }

            long size = backup.volumeSize() > 0 ? backup.volumeSize() : bv == null ? 0 : bv.size();
            Optional<PvcInfo> live = cluster.findPvc(pvc);
            String storageClass = req.storageClass()
                    .or(() -> live.flatMap(PvcInfo::storageClassName))
                    .or(() -> bv == null ? Optional.empty() : bv.storageClassName())
                    .orElse(null);
            if (storageClass == null) {
                storageClass = DEFAULT_STATIC_STORAGE_CLASS;
                notes.add("no storage class recorded for " + backup.volumeName() + "; the PV uses "
                        + DEFAULT_STATIC_STORAGE_CLASS + " (Longhorn's default for static PVs), so the PVC must request it");
            }
            List<AccessMode> accessModes = live.map(c -> c.accessModes().stream().map(AccessMode::fromKubernetes)
                            .flatMap(Optional::stream).toList()).filter(l -> !l.isEmpty())
                    .orElseGet(() -> List.of(backup.accessMode().orElse(AccessMode.READ_WRITE_ONCE)));

            if (cluster.online()) {
                if (!checkCluster(pvc, backup, volumeName, pvName, size, storageClass, live, notes)) {
                    return;
                }
            } else {
                notes.add("offline plan: the cluster was not checked; the executor checks again right before restoring");
            }
            if (live.isEmpty() && cluster.online()) {
                notes.add(req.createPvc() ? "PVC does not exist: it will be created, bound to PV " + pvName
                        : "PVC does not exist yet: PV " + pvName + " is pre-bound to it and binds when it is created");
            }
            Set<String> groups = jobs.groups();
            Set<String> direct = jobs.directJobs();
            if (groups.isEmpty() && direct.isEmpty()) {
                notes.add("no recurring-job groups recorded in the backup: Longhorn puts the volume in the 'default' group");
            }
            RestoreStep step = RestoreStep.builder(pvc, backup)
                    .volumeName(volumeName)
                    .pvName(pvName)
                    .sizeBytes(size)
                    .storageClassName(storageClass)
                    .accessModes(accessModes)
                    .replicas(req.replicas())
                    .reclaimPolicy(req.reclaimPolicy())
                    .fsType(req.fsType())
                    .staleReplicaTimeout(req.staleReplicaTimeout())
                    .dataEngine(bv == null ? "v1" : bv.dataEngine())
                    .createPvc(req.createPvc() && live.isEmpty())
                    .recurringJobGroups(groups)
                    .recurringJobs(direct)
                    .reason(reason)
                    .notes(notes)
                    .build();
            List<StepRules.Violation> broken = StepRules.check(step);
            if (!broken.isEmpty()) {
                boolean names = broken.stream().allMatch(StepRules.Violation::isName);
                skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), names ? SkipReason.INVALID_NAME
                        : SkipReason.INVALID_BACKUP_DATA, "the step would break the plan rules: "
                        + broken.stream().map(StepRules.Violation::toString).collect(Collectors.joining("; "))));
                return;
            }
            usedVolumeNames.put(volumeName, pvc);
            usedPvNames.put(pvName, pvc);
            steps.add(step);
        }

        /** Checks the live cluster; adds a skip and returns false when the step must not run. */
        private boolean checkCluster(PvcRef pvc, Backup backup, String volumeName, String pvName, long size,
                                     String storageClass, Optional<PvcInfo> live, List<String> notes) {
            Optional<LonghornVolumeInfo> existingVolume = cluster.findVolume(volumeName);
            boolean volumeIsOurs = existingVolume.map(v -> v.fromBackup().map(u -> sameBackup(u, backup)).orElse(false))
                    .orElse(false);
            if (live.isPresent()) {
                PvcInfo claim = live.get();
                if (claim.volumeName().isPresent()) {
                    String boundPv = claim.volumeName().get();
                    Optional<PvInfo> pv = cluster.findPv(boundPv);
                    boolean pvIsOurs = boundPv.equals(pvName)
                            && pv.map(p -> p.volumeHandle().map(volumeName::equals).orElse(false)).orElse(true);
                    if (pvIsOurs && volumeIsOurs && claim.isBound()) {
                        skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.ALREADY_RESTORED,
                                "PVC is bound to PV " + boundPv + " of volume " + volumeName + ", restored from " + backup.name()));
                        return false;
                    }
                    if (!pvIsOurs) {
                        skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.PVC_BOUND_ELSEWHERE,
                                "PVC is " + (claim.isBound() ? "bound" : "pre-bound") + " to PV " + boundPv
                                        + pv.flatMap(PvInfo::volumeHandle).map(h -> " (volume " + h + ")").orElse("")
                                        + "; it is never taken over"));
                        return false;
                    }
                    notes.add("PVC already names PV " + pvName + " (volumeName): it binds once the PV exists");
                } else if (claim.isBound()) {
                    skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.PVC_BOUND_ELSEWHERE,
                            "PVC is Bound; it is never taken over"));
                    return false;
                }
                if (claim.requestedBytes() > size && size > 0) {
                    warnings.add(new PlanWarning(Optional.of(pvc), Kind.SIZE_MISMATCH, "PVC requests "
                            + Sizes.human(claim.requestedBytes()) + " but the backup's volume is " + Sizes.human(size)
                            + ": the claim will not bind to the restored PV until its request is lowered"));
                }
                if (claim.storageClassName().isPresent() && !claim.storageClassName().get().equals(storageClass)) {
                    warnings.add(new PlanWarning(Optional.of(pvc), Kind.STORAGE_CLASS_MISMATCH, "PVC requests storage class "
                            + claim.storageClassName().get() + " but the PV will have " + storageClass
                            + ": the claim will not bind"));
                }
            }
            if (existingVolume.isPresent()) {
                if (!volumeIsOurs) {
                    skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.VOLUME_NAME_TAKEN,
                            "Longhorn volume " + volumeName + " already exists and was " + existingVolume.get().fromBackup()
                                    .map(u -> "restored from another backup (" + u + ")").orElse("not restored from a backup")
                                    + "; choose another name with a volume name template"));
                    return false;
                }
                notes.add("Longhorn volume " + volumeName + " already exists from this backup: it will be adopted");
            }
            Optional<PvInfo> existingPv = cluster.findPv(pvName);
            if (existingPv.isPresent()) {
                PvInfo pv = existingPv.get();
                boolean ours = pv.volumeHandle().map(volumeName::equals).orElse(false)
                        && pv.claimRef().map(pvc::equals).orElse(true);
                if (!ours) {
                    skips.add(new PlanSkip(Optional.of(pvc), pvc.toString(), SkipReason.PV_NAME_TAKEN, "PV " + pvName
                            + " already exists" + pv.volumeHandle().map(h -> " for volume " + h).orElse("")
                            + pv.claimRef().map(c -> ", claimed by " + c).orElse("") + "; choose another PV name template"));
                    return false;
                }
                notes.add("PV " + pvName + " already exists for this volume and claim: it will be adopted");
            }
            return true;
        }

        /** Whether a volume's {@code fromBackup}, as the cluster reports it, names backup {@code b}. */
        private static boolean sameBackup(String fromBackup, Backup b) {
            if (b.url().map(u -> u.sameBackupAs(fromBackup)).orElse(false)) {
                return true;
            }
            return BackupUrl.find(fromBackup).map(u -> u.backupName().equals(b.name())
                    && u.volumeName().equals(b.volumeName())).orElse(false);
        }

        private void addCatalogWarnings() {
            List<SkippedEntry> skipped = catalog.skippedEntries().stream()
                    .filter(s -> s.reason() != SkippedEntry.Reason.NOT_SYNCED).toList(); // those are CATALOG_INCOMPLETE skips
            int n = 0;
            for (SkippedEntry s : skipped) {
                if (n++ == MAX_CATALOG_WARNINGS) {
                    warnings.add(new PlanWarning(Optional.empty(), Kind.CATALOG_SKIPPED, "... and "
                            + (skipped.size() - MAX_CATALOG_WARNINGS) + " more skipped catalog entries"));
                    break;
                }
                warnings.add(new PlanWarning(Optional.empty(), Kind.CATALOG_SKIPPED, s.toString()));
            }
        }
    }
}

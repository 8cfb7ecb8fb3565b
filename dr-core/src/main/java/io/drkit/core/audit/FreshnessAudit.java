package io.drkit.core.audit;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.ChangeRates;
import io.drkit.core.catalog.ChangeRateVerdict;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.PvcRef;
import io.drkit.core.model.RecurringJobInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks that every claim's newest complete backup is as fresh as its recurring-job group promises: by default
 * {@code critical} (daily backup) within 24 h and {@code default} (weekly backup) within 7 days, each plus a slack for
 * the backup's own run time. The group of a volume is read from the recurring-job information recorded in its
 * backups; a volume in several groups gets the strictest limit, one in none gets the {@code default} policy (as
 * Longhorn puts unlabelled volumes in the {@code default} group). With live cluster state, claims matching the
 * critical selector that have never been backed up are violations too, and claims that no longer exist are reported
 * as gone rather than stale.
 *
 * <p>When the catalog is a {@link ChangeRateSource} (and {@link Builder#checkChangeRates} is not turned off), each
 * claim's newest backup is also judged by {@link ChangeRateRule} ({@link Builder#changeRateRule}): an anomaly is the
 * violation {@link AuditEntry.Status#CHANGE_RATE_ANOMALY}. That reads the rates of the newest backup and
 * {@code history} backups before it (on a raw store, {@code history + 2} block lists per claim), 4 claims at once.
 * Immutable and thread-safe.
 */
public final class FreshnessAudit {
    /** The default policy group name. */
    public static final String DEFAULT_GROUP = "default";
    /** The critical policy group name. */
    public static final String CRITICAL_GROUP = "critical";

    private static final Parallel RATE_READERS = Parallel.of("drkit-audit-rates", 4);

    private final Map<String, Duration> maxAge;
    private final Duration slack;
    private final LabelSelector criticalSelector;
    private final Clock clock;
    private final ChangeRateRule changeRateRule;
    private final boolean checkChangeRates;

    private FreshnessAudit(Builder b) {
        this.maxAge = Map.copyOf(b.maxAge);
        this.slack = b.slack;
        this.criticalSelector = b.criticalSelector;
        this.clock = b.clock;
        this.changeRateRule = b.changeRateRule;
        this.checkChangeRates = b.checkChangeRates;
    }

    /** A builder with the default policy (critical 24 h, default 7 d, slack 6 h, critical selector {@code data-tier=critical}). */
    public static Builder builder() {
        return new Builder();
    }

    /** An audit with the default policy. */
    public static FreshnessAudit standard() {
        return builder().build();
    }

    /** Audits every backup volume of {@code catalog}, using {@code cluster} when it is online. */
    public AuditReport audit(BackupCatalog catalog, ClusterState cluster) {
        Instant now = clock.instant();
        List<BackupVolume> volumes = catalog.listBackupVolumes();
        Map<String, Backup> newest = catalog.newestCompleteBackupsOf(volumes);
        Map<PvcRef, List<BackupVolume>> byPvc = new TreeMap<>();
        Map<BackupVolume, RecurringJobInfo> jobs = new LinkedHashMap<>();
        List<AuditEntry> entries = new ArrayList<>();
        for (BackupVolume v : volumes) {
            Backup b = newest.get(v.name());
            Optional<PvcRef> pvc;
            RecurringJobInfo info;
            try {
                pvc = v.pvc(Optional.ofNullable(b));
                info = v.recurringJobInfo(Optional.ofNullable(b));
            } catch (InvalidBackupDataException e) {
                entries.add(new AuditEntry(Optional.empty(), v.name(), List.of(v.name()), DEFAULT_GROUP,
                        Optional.ofNullable(b), Optional.empty(), limit(DEFAULT_GROUP), AuditEntry.Status.NO_BACKUP,
                        "labels unreadable: " + e.getMessage()));
                continue;
            }
            jobs.put(v, info);
            if (pvc.isEmpty()) {
                entries.add(new AuditEntry(Optional.empty(), v.name(), List.of(v.name()), group(Set.copyOf(info.groups())),
                        Optional.ofNullable(b), Optional.ofNullable(b).flatMap(Backup::pointInTime).map(t -> Duration.between(t, now)),
                        limit(group(Set.copyOf(info.groups()))), AuditEntry.Status.ORPHAN, "no PVC recorded in its backups"));
                continue;
            }
            byPvc.computeIfAbsent(pvc.get(), k -> new ArrayList<>()).add(v);
        }
        for (Map.Entry<PvcRef, List<BackupVolume>> e : byPvc.entrySet()) {
            PvcRef pvc = e.getKey();
            Set<String> groups = new TreeSet<>();
            e.getValue().forEach(v -> groups.addAll(jobs.get(v).groups()));
            Optional<PvcInfo> live = cluster.findPvc(pvc);
            if (live.isPresent() && criticalSelector.matches(live.get().labels())) {
                groups.add(CRITICAL_GROUP);
            }
            String group = group(groups);
            Duration limit = limit(group);
            Optional<Backup> best = e.getValue().stream().map(v -> newest.get(v.name())).filter(java.util.Objects::nonNull)
                    .min(Backup.NEWEST_FIRST);
            List<String> names = e.getValue().stream().map(BackupVolume::name).toList();
            if (cluster.online() && live.isEmpty()) {
                entries.add(new AuditEntry(Optional.of(pvc), pvc.toString(), names, group, best,
                        best.flatMap(Backup::pointInTime).map(t -> Duration.between(t, now)), limit, AuditEntry.Status.GONE,
                        "PVC no longer exists in the cluster"));
                continue;
            }
            if (best.isEmpty()) {
                entries.add(new AuditEntry(Optional.of(pvc), pvc.toString(), names, group, Optional.empty(), Optional.empty(),
                        limit, AuditEntry.Status.NO_BACKUP, "no complete backup"));
                continue;
            }
            Duration age = Duration.between(best.get().pointInTime().orElse(Instant.EPOCH), now);
            boolean stale = age.compareTo(limit) > 0;
            entries.add(new AuditEntry(Optional.of(pvc), pvc.toString(), names, group, best, Optional.of(age), limit,
                    stale ? AuditEntry.Status.STALE : AuditEntry.Status.OK,
                    stale ? "newest backup is older than the " + group + " policy allows" : ""));
        }
        if (cluster.online()) {
            for (PvcInfo p : cluster.pvcs()) {
                if (!byPvc.containsKey(p.ref()) && criticalSelector.matches(p.labels())) {
                    entries.add(new AuditEntry(Optional.of(p.ref()), p.ref().toString(), List.of(), CRITICAL_GROUP,
                            Optional.empty(), Optional.empty(), limit(CRITICAL_GROUP), AuditEntry.Status.NO_BACKUP,
                            "PVC matches " + criticalSelector + " but has never been backed up"));
                }
            }
        }
        entries = judgeChangeRates(catalog, entries);
        entries.sort(Comparator.comparing(AuditEntry::subject));
        return new AuditReport(now, catalog.describe(), entries);
    }

    /** Judges the newest backup of every judged claim by the change-rate rule, when the catalog can tell. */
    private List<AuditEntry> judgeChangeRates(BackupCatalog catalog, List<AuditEntry> entries) {
        if (!checkChangeRates || !(catalog instanceof ChangeRateSource)) {
            return entries;
        }
        ChangeRates rates = ChangeRates.of(catalog).rule(changeRateRule);
        List<AuditEntry> judged = entries.stream().filter(e -> e.pvc().isPresent() && e.newest().isPresent()
                && (e.status() == AuditEntry.Status.OK || e.status() == AuditEntry.Status.STALE)).toList();
        List<ChangeRateVerdict> verdicts = RATE_READERS.map("reading change rates", judged, Cancellation.none(),
                (e, cancel) -> {
                    Backup b = e.newest().orElseThrow();
                    try {
                        return rates.judge(b, cancel);
                    } catch (NotFoundException x) {
                        return changeRateRule.judge(ChangeRate.unknown(b.volumeName(), b.name(), null, x.getMessage()),
                                List.of());
                    }
                });
        Map<AuditEntry, ChangeRateVerdict> byEntry = new java.util.IdentityHashMap<>();
        for (int i = 0; i < judged.size(); i++) {
            byEntry.put(judged.get(i), verdicts.get(i));
        }
        List<AuditEntry> out = new ArrayList<>();
        for (AuditEntry e : entries) {
            ChangeRateVerdict v = byEntry.get(e);
            if (v == null) {
                out.add(e);
            } else if (v.isAnomaly()) {
                String detail = "newest " + v.detail() + (e.status() == AuditEntry.Status.STALE
                        ? "; also " + e.detail() : "");
                out.add(new AuditEntry(e.pvc(), e.subject(), e.volumes(), e.group(), e.newest(), e.age(), e.limit(),
                        AuditEntry.Status.CHANGE_RATE_ANOMALY, detail, Optional.of(v)));
            } else {
                out.add(new AuditEntry(e.pvc(), e.subject(), e.volumes(), e.group(), e.newest(), e.age(), e.limit(),
                        e.status(), e.detail(), Optional.of(v)));
            }
        }
        return out;
    }

    private String group(Set<String> groups) {
        return groups.stream().filter(maxAge::containsKey)
                .min(Comparator.comparing((String g) -> maxAge.get(g)).thenComparing(g -> g))
                .orElse(DEFAULT_GROUP);
    }

    private Duration limit(String group) {
        return maxAge.getOrDefault(group, maxAge.get(DEFAULT_GROUP)).plus(slack);
    }

    /** Builds {@link FreshnessAudit}s. */
    public static final class Builder {
        private final Map<String, Duration> maxAge = new LinkedHashMap<>(Map.of(
                CRITICAL_GROUP, Duration.ofHours(24), DEFAULT_GROUP, Duration.ofDays(7)));
        private Duration slack = Duration.ofHours(6);
        private LabelSelector criticalSelector = LabelSelector.equalTo("data-tier", "critical");
        private Clock clock = Clock.systemUTC();
        private ChangeRateRule changeRateRule = ChangeRateRule.standard();
        private boolean checkChangeRates = true;

        private Builder() {
        }

        /** The thresholds newest backups are judged by (default {@link ChangeRateRule#standard()}). */
        public Builder changeRateRule(ChangeRateRule r) {
            this.changeRateRule = java.util.Objects.requireNonNull(r);
            return this;
        }

        /** Whether to judge newest backups by their change rate when the catalog can tell (default true). */
        public Builder checkChangeRates(boolean on) {
            this.checkChangeRates = on;
            return this;
        }

        /** The maximum backup age for a recurring-job group (adds or replaces). */
        public Builder maxAge(String group, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException("maximum age of group " + group + " must be positive, got " + d);
            }
            maxAge.put(group, d);
            return this;
        }

        /** Extra time allowed on top of every limit, for the backup's own run time (default 6 h). */
        public Builder slack(Duration d) {
            if (d == null || d.isNegative()) {
                throw new InvalidInputException("slack must not be negative, got " + d);
            }
            this.slack = d;
            return this;
        }

        /** Live claims matching this selector are held to the critical policy (default {@code data-tier=critical}). */
        public Builder criticalSelector(LabelSelector s) {
            this.criticalSelector = java.util.Objects.requireNonNull(s);
            return this;
        }

        /** The clock ages are measured with. */
        public Builder clock(Clock c) {
            this.clock = java.util.Objects.requireNonNull(c);
            return this;
        }

        /** Builds the audit. */
        public FreshnessAudit build() {
            return new FreshnessAudit(this);
        }
    }
}

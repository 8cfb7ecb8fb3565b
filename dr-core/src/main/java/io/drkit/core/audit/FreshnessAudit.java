package io.drkit.core.audit;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.BackupCatalog;
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
 * as gone rather than stale. Immutable and thread-safe.
 */
public final class FreshnessAudit {
    /** The default policy group name. */
    public static final String DEFAULT_GROUP = "default";
    /** The critical policy group name. */
    public static final String CRITICAL_GROUP = "critical";

    private final Map<String, Duration> maxAge;
    private final Duration slack;
    private final LabelSelector criticalSelector;
    private final Clock clock;

    private FreshnessAudit(Builder b) {
        this.maxAge = Map.copyOf(b.maxAge);
        this.slack = b.slack;
        this.criticalSelector = b.criticalSelector;
        this.clock = b.clock;
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
        entries.sort(Comparator.comparing(AuditEntry::subject));
        return new AuditReport(now, catalog.describe(), entries);
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

        private Builder() {
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

package io.drkit.core.plan;

import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.model.PvcRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to restore and how: the input of {@link RestorePlanner#plan}.
 *
 * <p>Selection: {@link #selectAll()} takes every backup volume that maps to a PVC; otherwise each given criterion must
 * hold (criteria of different kinds are ANDed, values within one kind are ORed): explicit {@link #pvcs()},
 * {@link #namespaces()}, a {@link #pvcSelector()} on the live claims' labels (needs an online
 * {@link io.drkit.core.cluster.ClusterState}), and recurring-job {@link #groups()} recorded in the backups.
 *
 * @param selectAll           select every mapped volume
 * @param pvcs                explicit claims
 * @param namespaces          namespaces
 * @param pvcSelector         label selector on live claims, e.g. {@code data-tier=critical}
 * @param groups              recurring-job groups recorded in the backups, e.g. {@code critical}
 * @param asOf                restore the newest complete backup at or before this time (default: newest)
 * @param maxAge              skip claims whose chosen backup is older than this, measured from the planner's clock
 * @param volumeName          name of the restored Longhorn volume (default {@code {volume}}: keep the original)
 * @param pvName              name of the PV (default {@code {volume}}, like Longhorn's {@code pvCreate})
 * @param replicas            Longhorn replica count; 0 = Longhorn's {@code default-replica-count}
 * @param reclaimPolicy       PV reclaim policy (default {@link ReclaimPolicy#RETAIN})
 * @param storageClass        storage class for the PVs, overriding the claim's and the backup's
 * @param fsType              filesystem type recorded on the PV: {@code ext4} (default) or {@code xfs}
 * @param staleReplicaTimeout Longhorn stale replica timeout in minutes (default 2880)
 * @param createPvc           also create missing claims (default false: GitOps creates them and they bind to the
 *                            pre-bound PV)
 * @param allowSmallerBackup  disable the data-loss guard
 * @param dataLossRatio       the guard trips when the chosen backup is smaller than this fraction of the previous
 *                            one of the same claim (default 0.5)
 * @param consistency         app-consistent restore sets: how claims are grouped, the window, strict or not (default
 *                            {@link Consistency#none()})
 * @param onAnomaly           what the change-rate guard does with a backup that changed far more than usual (default
 *                            {@link AnomalyPolicy#WARN})
 * @param changeRateRule      the thresholds of the change-rate guard (default {@link ChangeRateRule#standard()})
 */
public record RestoreRequest(boolean selectAll, Set<PvcRef> pvcs, Set<String> namespaces, Optional<LabelSelector> pvcSelector,
                             Set<String> groups, Optional<Instant> asOf, Optional<Duration> maxAge,
                             NameTemplate volumeName, NameTemplate pvName, int replicas, ReclaimPolicy reclaimPolicy,
                             Optional<String> storageClass, String fsType, int staleReplicaTimeout, boolean createPvc,
                             boolean allowSmallerBackup, double dataLossRatio, Consistency consistency,
                             AnomalyPolicy onAnomaly, ChangeRateRule changeRateRule) {

    /** Validates and copies. */
    public RestoreRequest {
        pvcs = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNullElse(pvcs, Set.of())));
        namespaces = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNullElse(namespaces, Set.of())));
        pvcSelector = Objects.requireNonNullElse(pvcSelector, Optional.empty());
        groups = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNullElse(groups, Set.of())));
        asOf = Objects.requireNonNullElse(asOf, Optional.empty());
        maxAge = Objects.requireNonNullElse(maxAge, Optional.empty());
        volumeName = Objects.requireNonNullElse(volumeName, NameTemplate.ORIGINAL);
        pvName = Objects.requireNonNullElse(pvName, NameTemplate.ORIGINAL);
        reclaimPolicy = Objects.requireNonNullElse(reclaimPolicy, ReclaimPolicy.RETAIN);
        storageClass = Objects.requireNonNullElse(storageClass, Optional.<String>empty()).filter(s -> !s.isBlank());
        fsType = fsType == null || fsType.isBlank() ? "ext4" : fsType;
        consistency = Objects.requireNonNullElse(consistency, Consistency.none());
        onAnomaly = Objects.requireNonNullElse(onAnomaly, AnomalyPolicy.WARN);
        changeRateRule = Objects.requireNonNullElse(changeRateRule, ChangeRateRule.standard());
        boolean anyCriterion = !pvcs.isEmpty() || !namespaces.isEmpty() || pvcSelector.isPresent() || !groups.isEmpty();
        if (selectAll && anyCriterion) {
            throw new InvalidInputException("restore request: 'all' cannot be combined with --pvc, --namespace, --selector or --group");
        }
        if (!selectAll && !anyCriterion) {
            throw new InvalidInputException("restore request selects nothing: give PVCs, namespaces, a PVC label selector, "
                    + "recurring-job groups, or 'all'");
        }
        if (StepRules.replicasProblem(replicas) != null) {
            throw new InvalidInputException(StepRules.replicasProblem(replicas));
        }
        if (staleReplicaTimeout < 0) {
            throw new InvalidInputException("stale replica timeout must not be negative: " + staleReplicaTimeout);
        }
        if (!(dataLossRatio > 0 && dataLossRatio <= 1)) {
            throw new InvalidInputException("data-loss ratio must be in (0, 1], got " + dataLossRatio);
        }
        if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
            throw new InvalidInputException("maximum backup age must be positive, got " + maxAge.get());
        }
        if (StepRules.fsTypeProblem(fsType) != null) {
            throw new InvalidInputException(StepRules.fsTypeProblem(fsType));
        }
    }

    /** Selects every backup volume that maps to a PVC, with default options. */
    public static RestoreRequest all() {
        return builder().all().build();
    }

    /** Selects the given claims, with default options. */
    public static RestoreRequest of(PvcRef... pvcs) {
        Builder b = builder();
        for (PvcRef p : pvcs) {
            b.pvc(p);
        }
        return b.build();
    }

    /** A builder with defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder prefilled with this request. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.all = selectAll;
        b.pvcs.addAll(pvcs);
        b.namespaces.addAll(namespaces);
        b.pvcSelector = pvcSelector.orElse(null);
        b.groups.addAll(groups);
        b.asOf = asOf.orElse(null);
        b.maxAge = maxAge.orElse(null);
        b.volumeName = volumeName;
        b.pvName = pvName;
        b.replicas = replicas;
        b.reclaimPolicy = reclaimPolicy;
        b.storageClass = storageClass.orElse(null);
        b.fsType = fsType;
        b.staleReplicaTimeout = staleReplicaTimeout;
        b.createPvc = createPvc;
        b.allowSmallerBackup = allowSmallerBackup;
        b.dataLossRatio = dataLossRatio;
        b.consistency = consistency;
        b.onAnomaly = onAnomaly;
        b.changeRateRule = changeRateRule;
        return b;
    }

    /** Builds {@link RestoreRequest}s. */
    public static final class Builder {
        private boolean all;
        private final Set<PvcRef> pvcs = new TreeSet<>();
        private final Set<String> namespaces = new TreeSet<>();
        private LabelSelector pvcSelector;
        private final Set<String> groups = new TreeSet<>();
        private Instant asOf;
        private Duration maxAge;
        private NameTemplate volumeName = NameTemplate.ORIGINAL;
        private NameTemplate pvName = NameTemplate.ORIGINAL;
        private int replicas;
        private ReclaimPolicy reclaimPolicy = ReclaimPolicy.RETAIN;
        private String storageClass;
        private String fsType = "ext4";
        private int staleReplicaTimeout = 2880;
        private boolean createPvc;
        private boolean allowSmallerBackup;
        private double dataLossRatio = 0.5;
        private Consistency consistency = Consistency.none();
        private AnomalyPolicy onAnomaly = AnomalyPolicy.WARN;
        private ChangeRateRule changeRateRule = ChangeRateRule.standard();

        private Builder() {
        }

        /** Select every mapped volume. */
        public Builder all() {
            this.all = true;
            return this;
        }

        /** Adds a claim. */
        public Builder pvc(PvcRef ref) {
            pvcs.add(ref);
            return this;
        }

        /** Adds a claim given as {@code namespace/name}. */
        public Builder pvc(String ref) {
            return pvc(PvcRef.parse(ref));
        }

        /** Adds a namespace. */
        public Builder namespace(String ns) {
            namespaces.add(Objects.requireNonNull(ns));
            return this;
        }

        /** Selects live claims by label. */
        public Builder pvcSelector(LabelSelector selector) {
            this.pvcSelector = selector;
            return this;
        }

        /** Selects live claims by label, e.g. {@code data-tier=critical}. */
        public Builder pvcSelector(String selector) {
            return pvcSelector(LabelSelector.parse(selector));
        }

        /** Adds a recurring-job group. */
        public Builder group(String group) {
            groups.add(Objects.requireNonNull(group));
            return this;
        }

        /** Restore the newest complete backup at or before {@code t}. */
        public Builder asOf(Instant t) {
            this.asOf = t;
            return this;
        }

        /** Skip claims whose chosen backup is older than {@code d}. */
        public Builder maxAge(Duration d) {
            this.maxAge = d;
            return this;
        }

        /** Name template of the restored Longhorn volume. */
        public Builder volumeName(String template) {
            this.volumeName = NameTemplate.of(template);
            return this;
        }

        /** Name template of the PV. */
        public Builder pvName(String template) {
            this.pvName = NameTemplate.of(template);
            return this;
        }

        /** Replica count (0 = Longhorn's default). */
        public Builder replicas(int n) {
            this.replicas = n;
            return this;
        }

        /** PV reclaim policy. */
        public Builder reclaimPolicy(ReclaimPolicy p) {
            this.reclaimPolicy = p;
            return this;
        }

        /** Storage class override. */
        public Builder storageClass(String sc) {
            this.storageClass = sc;
            return this;
        }

        /** Filesystem type on the PV. */
        public Builder fsType(String fs) {
            this.fsType = fs;
            return this;
        }

        /** Stale replica timeout in minutes. */
        public Builder staleReplicaTimeout(int minutes) {
            this.staleReplicaTimeout = minutes;
            return this;
        }

        /** Also create claims that do not exist. */
        public Builder createPvc(boolean b) {
            this.createPvc = b;
            return this;
        }

        /** Disable the data-loss guard. */
        public Builder allowSmallerBackup(boolean b) {
            this.allowSmallerBackup = b;
            return this;
        }

        /** Data-loss guard threshold. */
        public Builder dataLossRatio(double r) {
            this.dataLossRatio = r;
            return this;
        }

        /** App-consistent restore sets (grouping, window, strictness). */
        public Builder consistency(Consistency c) {
            this.consistency = Objects.requireNonNull(c, "consistency");
            return this;
        }

        /**
         * Groups claims into restore sets: {@code namespace} or {@code label=KEY} (keeps the window and strictness
         * set so far).
         */
        public Builder consistentBy(String spec) {
            Consistency c = Consistency.parse(spec);
            this.consistency = new Consistency(c.grouping(), c.labelKey(), consistency.window(), consistency.strict());
            return this;
        }

        /** How far apart the backups of one restore set may be (default 2 h). */
        public Builder consistencyWindow(Duration window) {
            this.consistency = consistency.withWindow(window);
            return this;
        }

        /** Hold a restore set without a consistent point instead of restoring it per claim. */
        public Builder consistentStrict(boolean strict) {
            this.consistency = consistency.withStrict(strict);
            return this;
        }

        /** What the change-rate guard does with an anomalous backup (default {@link AnomalyPolicy#WARN}). */
        public Builder onAnomaly(AnomalyPolicy p) {
            this.onAnomaly = Objects.requireNonNull(p, "onAnomaly");
            return this;
        }

        /** {@link #onAnomaly(AnomalyPolicy)} from {@code warn}, {@code previous}, {@code hold} or {@code off}. */
        public Builder onAnomaly(String policy) {
            return onAnomaly(AnomalyPolicy.parse(policy));
        }

        /** The thresholds of the change-rate guard. */
        public Builder changeRateRule(ChangeRateRule r) {
            this.changeRateRule = Objects.requireNonNull(r, "changeRateRule");
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws InvalidInputException when the request selects nothing, combines {@code all} with criteria, or has an
         *                               out-of-range option
         */
        public RestoreRequest build() {
            return new RestoreRequest(all, pvcs, namespaces, Optional.ofNullable(pvcSelector), groups,
                    Optional.ofNullable(asOf), Optional.ofNullable(maxAge), volumeName, pvName, replicas, reclaimPolicy,
                    Optional.ofNullable(storageClass), fsType, staleReplicaTimeout, createPvc, allowSmallerBackup,
                    dataLossRatio, consistency, onAnomaly, changeRateRule);
        }
    }
}

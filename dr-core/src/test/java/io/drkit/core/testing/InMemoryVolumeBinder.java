package io.drkit.core.testing;

import io.drkit.core.DrException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.Creation;
import io.drkit.core.bind.StepOperations;
import io.drkit.core.bind.StepState.Snapshot;
import io.drkit.core.bind.StepState.PvFinding;
import io.drkit.core.bind.StepState.VolumeFinding;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LonghornVolumeInfo;
import io.drkit.core.cluster.PvInfo;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.testing.SimulatedLonghornRules.BindDecision;
import io.drkit.core.testing.SimulatedLonghornRules.ClaimView;
import io.drkit.core.testing.SimulatedLonghornRules.PvView;
import io.drkit.core.testing.SimulatedLonghornRules.VolumePhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link io.drkit.core.bind.VolumeBinder} that simulates a cluster with Longhorn in memory: the step operations of
 * the one step engine over maps. Volumes restore in a few progress ticks, a PV is created pre-bound to its claim (an
 * existing one without a claimRef is reserved for it), and claims bind like Kubernetes' PV controller would bind
 * them. Failures can be injected per claim and phase, into the operation of that phase (once, to simulate a crash
 * after its work, or every time; {@link BindPhase#PREFLIGHT} fails the read), and a phase after the pre-flight can
 * hang until cancelled. Use it to test code that drives the
 * executor, and read {@link #clusterState()} to plan against the simulated cluster. Thread-safe.
 */
public final class InMemoryVolumeBinder implements StepOperations<Snapshot> {

    /** A simulated Longhorn volume. */
    public record SimVolume(String name, Optional<BackupUrl> fromBackup, long size, boolean restored,
                            Map<String, String> labels) {
    }

    /** A simulated PersistentVolume. */
    public record SimPv(String name, String volumeHandle, Optional<PvcRef> claimRef, String storageClassName, long size,
                        String reclaimPolicy) {
    }

    /** A simulated PersistentVolumeClaim. */
    public record SimPvc(PvcRef ref, Optional<String> volumeName, String storageClassName, long requestedBytes,
                         Map<String, String> labels) {
    }

    private final Map<String, SimVolume> volumes = new ConcurrentHashMap<>();
    private final Map<String, SimPv> pvs = new ConcurrentHashMap<>();
    private final Map<PvcRef, SimPvc> pvcs = new ConcurrentHashMap<>();
    private final Map<String, Supplier<RuntimeException>> failures = new ConcurrentHashMap<>();
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> hangs = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> unsynced = new ConcurrentHashMap<>();
    private final AtomicInteger volumeCreations = new AtomicInteger();
    private final AtomicInteger pvCreations = new AtomicInteger();
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile int restoreTicks = 4;
    private volatile Duration tick = Duration.ofMillis(2);

    /** An empty simulated cluster. */
    public InMemoryVolumeBinder() {
    }

    // ---------------------------------------------------------------- set-up

    /** How many progress ticks a restore takes, and how long each is (default 4 x 2 ms). */
    public InMemoryVolumeBinder restoreSpeed(int ticks, Duration perTick) {
        this.restoreTicks = Math.max(1, ticks);
        this.tick = perTick;
        return this;
    }

    /** Adds an unbound claim (as GitOps would create it). */
    public InMemoryVolumeBinder pvc(PvcRef ref, String storageClass, long requestedBytes, Map<String, String> labels) {
        pvcs.put(ref, new SimPvc(ref, Optional.empty(), storageClass, requestedBytes, labels));
        bindClaims();
        return this;
    }

    /** Adds a claim bound to PV {@code pvName} (which need not exist). */
    public InMemoryVolumeBinder boundPvc(PvcRef ref, String pvName) {
        pvcs.put(ref, new SimPvc(ref, Optional.of(pvName), "longhorn", 0, Map.of()));
        return this;
    }

    /** Adds an existing Longhorn volume ({@code fromBackup} null for a volume not restored from a backup). */
    public InMemoryVolumeBinder existingVolume(String name, BackupUrl fromBackup, long size) {
        volumes.put(name, new SimVolume(name, Optional.ofNullable(fromBackup), size, true, Map.of()));
        return this;
    }

    /** Adds an existing PV. */
    public InMemoryVolumeBinder existingPv(String name, String volumeHandle, PvcRef claimRef) {
        pvs.put(name, new SimPv(name, volumeHandle, Optional.ofNullable(claimRef), "longhorn", 0, "Retain"));
        return this;
    }

    /** Makes {@code phase} of {@code pvc}'s step throw {@code error} every time. */
    public InMemoryVolumeBinder failAlways(PvcRef pvc, BindPhase phase, Supplier<RuntimeException> error) {
        failures.put(key(pvc, phase), error);
        failOnce.remove(key(pvc, phase));
        return this;
    }

    /**
     * Makes {@code phase} of {@code pvc}'s step throw once, after the phase's work was done: the process "crashes"
     * after creating the volume, say. A second run must continue without redoing the work.
     */
    public InMemoryVolumeBinder crashOnceAfter(PvcRef pvc, BindPhase phase) {
        failures.put(key(pvc, phase), () -> new DrException("simulated crash after " + phase + " of " + pvc));
        failOnce.add(key(pvc, phase));
        return this;
    }

    /** Makes {@code phase} of {@code pvc}'s step block until the step is cancelled or times out. */
    public InMemoryVolumeBinder hangAt(PvcRef pvc, BindPhase phase) {
        hangs.add(key(pvc, phase));
        return this;
    }

    /** Simulates a backend that learns about backup {@code backupName} only after {@code polls} sync polls. */
    public InMemoryVolumeBinder backupNotYetSynced(String backupName, int polls) {
        unsynced.put(backupName, new AtomicInteger(polls));
        return this;
    }

    private static String key(PvcRef pvc, BindPhase phase) {
        return pvc + "#" + phase;
    }

    // ---------------------------------------------------------------- queries

    /** The simulated cluster as the planner sees it. */
    public ClusterState clusterState() {
        ClusterState.Builder b = ClusterState.builder();
        volumes.values().forEach(v -> b.volume(new LonghornVolumeInfo(v.name(), v.fromBackup().map(BackupUrl::url), v.size(),
                phaseOf(v).state(), v.labels())));
        pvs.values().forEach(p -> b.pv(new PvInfo(p.name(), p.claimRef(), Optional.of("driver.longhorn.io"),
                Optional.of(p.volumeHandle()), p.claimRef().map(c -> isBoundTo(c, p.name()) ? "Bound" : "Available")
                .orElse("Available"), Optional.of(p.storageClassName()), p.size())));
        pvcs.values().forEach(c -> b.pvc(new PvcInfo(c.ref(), c.labels(),
                c.volumeName().filter(pvs::containsKey).isPresent() ? "Bound" : "Pending", Optional.ofNullable(c.storageClassName()),
                c.requestedBytes(), List.of(AccessMode.READ_WRITE_ONCE.kubernetesName()), c.volumeName())));
        return b.build();
    }

    private static VolumePhase phaseOf(SimVolume v) {
        return v.restored() ? VolumePhase.DETACHED : VolumePhase.RESTORING;
    }

    private boolean isBoundTo(PvcRef c, String pv) {
        SimPvc claim = pvcs.get(c);
        return claim != null && claim.volumeName().map(pv::equals).orElse(false);
    }

    /** A simulated volume, if it exists. */
    public Optional<SimVolume> volume(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    /** A simulated PV, if it exists. */
    public Optional<SimPv> pv(String name) {
        return Optional.ofNullable(pvs.get(name));
    }

    /** A simulated claim, if it exists. */
    public Optional<SimPvc> pvc(PvcRef ref) {
        return Optional.ofNullable(pvcs.get(ref));
    }

    /** How many volumes this binder created (restores started). */
    public int volumeCreations() {
        return volumeCreations.get();
    }

    /** How many PVs this binder created. */
    public int pvCreations() {
        return pvCreations.get();
    }

    /** Every change made, in order ("create volume x", "create pv y", ...). */
    public List<String> changes() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    // ---------------------------------------------------------------- StepOperations

    @Override
    public String describe() {
        return "in-memory cluster";
    }

    @Override
    public Class<Snapshot> stateType() {
        return Snapshot.class;
    }

    @Override
    public Snapshot read(RestoreStep step) {
        injected(step, BindPhase.PREFLIGHT);
        SimVolume v = volumes.get(step.volumeName());
        SimPv pv = pvs.get(step.pvName());
        SimPvc pvc = pvcs.get(step.pvc());
        String conflict = "";
        if (v != null && !v.fromBackup().map(step.fromBackup()::sameBackup).orElse(false)) {
            conflict = "volume " + v.name() + " exists and was "
                    + v.fromBackup().map(u -> "restored from " + u).orElse("not restored from a backup");
        } else if (pv != null && (!pv.volumeHandle().equals(step.volumeName())
                || !pv.claimRef().map(step.pvc()::equals).orElse(true))) {
            conflict = "PV " + pv.name() + " exists for volume " + pv.volumeHandle()
                    + pv.claimRef().map(c -> ", claimed by " + c).orElse("");
        } else if (pvc != null && pvc.volumeName().isPresent() && !pvc.volumeName().get().equals(step.pvName())) {
            conflict = "PVC " + step.pvc() + " is bound to PV " + pvc.volumeName().get();
        }
        VolumeFinding volume = v == null ? VolumeFinding.ABSENT : v.restored() ? VolumeFinding.RESTORED
                : VolumeFinding.RESTORING;
        PvFinding pvFinding = pv == null ? PvFinding.ABSENT : pv.claimRef().isPresent() ? PvFinding.READY
                : PvFinding.NOT_READY;
        String detail = "volume " + step.volumeName() + " " + (v == null ? "missing" : v.restored() ? "restored"
                : "restoring") + ", PV " + step.pvName() + " " + (pv == null ? "missing" : "present")
                + (pvc == null ? "" : ", claim " + step.pvc() + " present");
        return new Snapshot(conflict, volume, pvFinding, pvc != null, detail);
    }

    @Override
    public void ensureBackupKnown(RestoreStep step, BindContext ctx) {
        AtomicInteger pending = unsynced.get(step.backup().name());
        if (pending != null && pending.get() > 0) {
            ctx.phase(BindPhase.WAIT_FOR_BACKUP, "waiting until the backend knows " + step.backup().name());
            ctx.await("sync of backup " + step.backup().name(), tick,
                    () -> pending.decrementAndGet() <= 0 ? Optional.of(Boolean.TRUE) : Optional.empty());
        }
        checkInjected(step, BindPhase.WAIT_FOR_BACKUP, ctx);
    }

    @Override
    public Creation createVolume(RestoreStep step, BindContext ctx) {
        Map<String, String> labels = new LinkedHashMap<>();
        step.recurringJobGroups().forEach(g -> labels.put(LonghornLabels.RECURRING_JOB_GROUP_PREFIX + g, "enabled"));
        step.recurringJobs().forEach(j -> labels.put(LonghornLabels.RECURRING_JOB_PREFIX + j, "enabled"));
        labels.put(LonghornLabels.BACKUP_VOLUME, step.backup().volumeName());
        Creation c = create(volumes, step.volumeName(), () -> new SimVolume(step.volumeName(),
                Optional.of(step.fromBackup()), step.sizeBytes(), false, labels), "create volume " + step.volumeName());
        if (c.created()) {
            volumeCreations.incrementAndGet();
        }
        checkInjected(step, BindPhase.CREATE_VOLUME, ctx);
        return c;
    }

    @Override
    public Snapshot awaitRestore(RestoreStep step, Snapshot state, BindContext ctx) {
        SimVolume v = volumes.get(step.volumeName());
        if (v == null) {
            throw new DrException(step.id() + ": volume " + step.volumeName() + " disappeared during its restore");
        }
        if (!v.restored()) {
            for (int i = 1; i <= restoreTicks; i++) {
                ctx.sleep(tick, "restore of volume " + step.volumeName());
                ctx.progress((double) i / restoreTicks, SimulatedLonghornRules.percent(i, restoreTicks) + "%");
            }
        }
        checkInjected(step, BindPhase.RESTORING, ctx);
        volumes.computeIfPresent(step.volumeName(), (k, old) ->
                new SimVolume(old.name(), old.fromBackup(), old.size(), true, old.labels()));
        return state.withVolume(VolumeFinding.RESTORED);
    }

    @Override
    public Creation createPv(RestoreStep step, Snapshot state, BindContext ctx) {
        Creation c = create(pvs, step.pvName(), () -> new SimPv(step.pvName(), step.volumeName(), Optional.of(step.pvc()),
                step.storageClassName(), step.sizeBytes(), step.reclaimPolicy().kubernetesName()), "create pv " + step.pvName());
        if (c.created()) {
            pvCreations.incrementAndGet();
        }
        bindClaims();
        checkInjected(step, BindPhase.CREATE_PV, ctx);
        return c.created() ? Creation.createdNow("pre-bound to " + step.pvc()) : c;
    }

    @Override
    public boolean preparePv(RestoreStep step, Snapshot state, BindContext ctx) {
        boolean reserved;
        synchronized (this) {
            SimPv pv = pvs.get(step.pvName());
            reserved = pv != null && pv.claimRef().isEmpty();
            if (reserved) {
                pvs.put(pv.name(), new SimPv(pv.name(), pv.volumeHandle(), Optional.of(step.pvc()), pv.storageClassName(),
                        pv.size(), pv.reclaimPolicy()));
                log.add("reserve pv " + step.pvName());
            }
        }
        bindClaims();
        checkInjected(step, BindPhase.CREATE_PV, ctx);
        return reserved;
    }

    @Override
    public Creation createPvc(RestoreStep step, Snapshot state, BindContext ctx) {
        Creation c = create(pvcs, step.pvc(), () -> new SimPvc(step.pvc(), Optional.of(step.pvName()),
                step.storageClassName(), step.sizeBytes(), Map.of()), "create pvc " + step.pvc());
        bindClaims();
        checkInjected(step, BindPhase.CREATE_PVC, ctx);
        return c;
    }

    /** Puts what {@code value} makes under {@code key} unless something is there already (then: found concurrently). */
    private synchronized <K, V> Creation create(Map<K, V> map, K key, Supplier<V> value, String change) {
        if (map.containsKey(key)) {
            return Creation.foundConcurrently();
        }
        map.put(key, value.get());
        log.add(change);
        return Creation.createdNow();
    }

    /**
     * Plays the PV controller by {@link SimulatedLonghornRules#decideBinding} (without its fit check): an unbound
     * claim binds to a PV whose claimRef names it.
     */
    private synchronized void bindClaims() {
        for (SimPv p : pvs.values()) {
            List<ClaimView> claims = pvcs.values().stream().map(c -> new ClaimView(c.ref(), "", c.volumeName(),
                    c.volumeName().isPresent(), c.storageClassName(), c.requestedBytes(),
                    List.of(AccessMode.READ_WRITE_ONCE.kubernetesName()), "Filesystem")).toList();
            PvView view = new PvView(p.name(), p.claimRef(), "", p.storageClassName(), p.size(),
                    List.of(AccessMode.READ_WRITE_ONCE.kubernetesName()), "Filesystem");
            if (SimulatedLonghornRules.decideBinding(view, claims, false) instanceof BindDecision.Bind bind) {
                pvcs.computeIfPresent(bind.claim().ref(), (ref, c) -> new SimPvc(ref, Optional.of(p.name()),
                        c.storageClassName(), c.requestedBytes(), c.labels()));
            }
        }
    }

    /** A failure injected into {@code phase} (a hang needs a context: see {@link #checkInjected}). */
    private void injected(RestoreStep step, BindPhase phase) {
        String k = key(step.pvc(), phase);
        Supplier<RuntimeException> f = failures.get(k);
        if (f != null) {
            if (failOnce.remove(k)) {
                failures.remove(k);
            }
            throw f.get();
        }
    }

    private void checkInjected(RestoreStep step, BindPhase phase, BindContext ctx) {
        String k = key(step.pvc(), phase);
        if (hangs.contains(k)) {
            ctx.phase(phase, "hanging (simulated)");
            while (true) {
                ctx.sleep(Duration.ofMillis(5), "simulated hang in " + phase);
            }
        }
        injected(step, phase);
    }

    @Override
    public void close() {
        // nothing to release
    }
}

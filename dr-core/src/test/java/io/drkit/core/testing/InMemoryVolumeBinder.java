package io.drkit.core.testing;

import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepInspection;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LonghornVolumeInfo;
import io.drkit.core.cluster.PvInfo;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link VolumeBinder} that simulates a cluster with Longhorn in memory: volumes restore in a few progress ticks,
 * PVs and PVCs bind like Kubernetes' PV controller would. Failures can be injected per claim and phase (once, to
 * simulate a crash, or every time), and a phase can hang until cancelled. Use it to test code that drives the
 * executor, and read {@link #clusterState()} to plan against the simulated cluster. Thread-safe.
 */
public final class InMemoryVolumeBinder implements VolumeBinder {

    /** A simulated Longhorn volume. */
    public record SimVolume(String name, Optional<String> fromBackup, long size, boolean restored,
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
    public InMemoryVolumeBinder existingVolume(String name, String fromBackup, long size) {
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
        volumes.values().forEach(v -> b.volume(new LonghornVolumeInfo(v.name(), v.fromBackup(), v.size(),
                v.restored() ? "detached" : "attached", v.labels())));
        pvs.values().forEach(p -> b.pv(new PvInfo(p.name(), p.claimRef(), Optional.of("driver.longhorn.io"),
                Optional.of(p.volumeHandle()), p.claimRef().map(c -> isBoundTo(c, p.name()) ? "Bound" : "Available")
                .orElse("Available"), Optional.of(p.storageClassName()), p.size())));
        pvcs.values().forEach(c -> b.pvc(new PvcInfo(c.ref(), c.labels(),
                c.volumeName().filter(pvs::containsKey).isPresent() ? "Bound" : "Pending", Optional.ofNullable(c.storageClassName()),
                c.requestedBytes(), List.of("ReadWriteOnce"), c.volumeName())));
        return b.build();
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

    // ---------------------------------------------------------------- VolumeBinder

    @Override
    public String describe() {
        return "in-memory cluster";
    }

    @Override
    public StepInspection inspect(RestoreStep step) {
        SimVolume v = volumes.get(step.volumeName());
        if (v != null && !v.fromBackup().map(u -> BackupUrl.sameBackup(u, step.fromBackup())).orElse(false)) {
            return StepInspection.of(StepInspection.State.CONFLICT, "volume " + v.name() + " exists and was "
                    + v.fromBackup().map(u -> "restored from " + u).orElse("not restored from a backup"));
        }
        SimPv pv = pvs.get(step.pvName());
        if (pv != null && (!pv.volumeHandle().equals(step.volumeName()) || !pv.claimRef().map(step.pvc()::equals).orElse(true))) {
            return StepInspection.of(StepInspection.State.CONFLICT, "PV " + pv.name() + " exists for volume "
                    + pv.volumeHandle() + pv.claimRef().map(c -> ", claimed by " + c).orElse(""));
        }
        SimPvc pvc = pvcs.get(step.pvc());
        if (pvc != null && pvc.volumeName().isPresent() && !pvc.volumeName().get().equals(step.pvName())) {
            return StepInspection.of(StepInspection.State.CONFLICT, "PVC " + step.pvc() + " is bound to PV "
                    + pvc.volumeName().get());
        }
        if (v == null && pv == null) {
            return StepInspection.of(StepInspection.State.NOT_STARTED, "nothing exists yet");
        }
        boolean complete = v != null && v.restored() && pv != null && (!step.createPvc() || pvc != null);
        return complete
                ? StepInspection.of(StepInspection.State.COMPLETE, "volume " + step.volumeName() + " and PV " + step.pvName() + " exist")
                : StepInspection.of(StepInspection.State.PARTIAL, "volume " + (v == null ? "missing" : v.restored() ? "restored" : "restoring")
                        + ", PV " + (pv == null ? "missing" : "present"));
    }

    @Override
    public BindResult bind(RestoreStep step, BindContext ctx) {
        List<String> actions = new ArrayList<>();
        boolean createdSomething = false;
        boolean foundSomething = false;

        ctx.phase(BindPhase.PREFLIGHT, "inspecting");
        StepInspection found = inspect(step);
        if (found.state() == StepInspection.State.CONFLICT) {
            throw new ConflictException(step.id() + ": " + found.detail());
        }
        checkInjected(step, BindPhase.PREFLIGHT, ctx);

        AtomicInteger pending = unsynced.get(step.backup().name());
        if (pending != null && pending.get() > 0) {
            ctx.phase(BindPhase.WAIT_FOR_BACKUP, "waiting until the backend knows " + step.backup().name());
            ctx.await("sync of backup " + step.backup().name(), tick,
                    () -> pending.decrementAndGet() <= 0 ? Optional.of(Boolean.TRUE) : Optional.empty());
        }
        checkInjected(step, BindPhase.WAIT_FOR_BACKUP, ctx);

        ctx.phase(BindPhase.CREATE_VOLUME, "volume " + step.volumeName() + " from " + step.backup().name());
        synchronized (this) {
            if (volumes.containsKey(step.volumeName())) {
                foundSomething = true;
                actions.add("adopted volume " + step.volumeName());
            } else {
                Map<String, String> labels = new LinkedHashMap<>();
                step.recurringJobGroups().forEach(g -> labels.put(LonghornLabels.RECURRING_JOB_GROUP_PREFIX + g, "enabled"));
                step.recurringJobs().forEach(j -> labels.put(LonghornLabels.RECURRING_JOB_PREFIX + j, "enabled"));
                labels.put(LonghornLabels.BACKUP_VOLUME, step.backup().volumeName());
                volumes.put(step.volumeName(), new SimVolume(step.volumeName(), Optional.of(step.fromBackup()),
                        step.sizeBytes(), false, labels));
                volumeCreations.incrementAndGet();
                log.add("create volume " + step.volumeName());
                createdSomething = true;
                actions.add("created volume " + step.volumeName() + " from " + step.backup().name());
            }
        }
        checkInjected(step, BindPhase.CREATE_VOLUME, ctx);

        SimVolume v = volumes.get(step.volumeName());
        if (!v.restored()) {
            ctx.phase(BindPhase.RESTORING, "restoring " + step.volumeName());
            for (int i = 1; i <= restoreTicks; i++) {
                ctx.sleep(tick, "restore of volume " + step.volumeName());
                ctx.progress((double) i / restoreTicks, i * 100 / restoreTicks + "%");
            }
            checkInjected(step, BindPhase.RESTORING, ctx);
            volumes.computeIfPresent(step.volumeName(), (k, old) ->
                    new SimVolume(old.name(), old.fromBackup(), old.size(), true, old.labels()));
            actions.add("restored volume " + step.volumeName());
        } else {
            checkInjected(step, BindPhase.RESTORING, ctx);
        }

        ctx.phase(BindPhase.CREATE_PV, "PV " + step.pvName() + " pre-bound to " + step.pvc());
        synchronized (this) {
            if (pvs.containsKey(step.pvName())) {
                foundSomething = true;
                actions.add("adopted PV " + step.pvName());
            } else {
                pvs.put(step.pvName(), new SimPv(step.pvName(), step.volumeName(), Optional.of(step.pvc()),
                        step.storageClassName(), step.sizeBytes(), step.reclaimPolicy().kubernetesName()));
                pvCreations.incrementAndGet();
                log.add("create pv " + step.pvName());
                createdSomething = true;
                actions.add("created PV " + step.pvName() + " pre-bound to " + step.pvc());
            }
        }
        checkInjected(step, BindPhase.CREATE_PV, ctx);

        boolean pvcCreated = false;
        if (step.createPvc()) {
            ctx.phase(BindPhase.CREATE_PVC, "PVC " + step.pvc());
            synchronized (this) {
                if (!pvcs.containsKey(step.pvc())) {
                    pvcs.put(step.pvc(), new SimPvc(step.pvc(), Optional.of(step.pvName()), step.storageClassName(),
                            step.sizeBytes(), Map.of()));
                    log.add("create pvc " + step.pvc());
                    pvcCreated = true;
                    createdSomething = true;
                    actions.add("created PVC " + step.pvc());
                }
            }
            checkInjected(step, BindPhase.CREATE_PVC, ctx);
        }
        bindClaims();
        ctx.phase(BindPhase.DONE, "done");
        BindResult.Outcome outcome = !createdSomething ? BindResult.Outcome.ADOPTED
                : foundSomething ? BindResult.Outcome.RESUMED : BindResult.Outcome.RESTORED;
        return new BindResult(outcome, step.volumeName(), step.pvName(), pvcCreated, actions);
    }

    /** Plays the PV controller: an unbound claim binds to a PV whose claimRef names it. */
    private synchronized void bindClaims() {
        Map<PvcRef, String> reserved = new HashMap<>();
        pvs.values().forEach(p -> p.claimRef().ifPresent(c -> reserved.put(c, p.name())));
        pvcs.replaceAll((ref, c) -> c.volumeName().isEmpty() && reserved.containsKey(ref)
                ? new SimPvc(ref, Optional.of(reserved.get(ref)), c.storageClassName(), c.requestedBytes(), c.labels())
                : c);
    }

    private void checkInjected(RestoreStep step, BindPhase phase, BindContext ctx) {
        String k = key(step.pvc(), phase);
        if (hangs.contains(k)) {
            ctx.phase(phase, "hanging (simulated)");
            while (true) {
                ctx.sleep(Duration.ofMillis(5), "simulated hang in " + phase);
            }
        }
        Supplier<RuntimeException> f = failures.get(k);
        if (f != null) {
            if (failOnce.remove(k)) {
                failures.remove(k);
            }
            throw f.get();
        }
    }

    @Override
    public void close() {
        // nothing to release
    }
}

package io.drkit.kubernetes.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.NotFoundException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.plan.RestoreStep;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a Longhorn volume's restore to finish: watches the Volume CR (and re-reads it every resync interval in
 * case a watch event is lost), reports progress from the Engine CR's {@code status.restoreStatus} (label
 * {@code longhornvolume=<volume>}), and fails on {@code faulted} or a {@code Restore}/{@code RestoreFailure}
 * condition. Done when {@code restoreInitiated && !restoreRequired && state == detached && robustness != faulted}.
 */
public final class RestoreWaiter {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreWaiter.class);
    private static final Object WAKE = new Object();
    private static final Object CLOSED = new Object();

    private record Event(Watcher.Action action, GenericKubernetesResource resource) {
    }

    /** Progress read from the engine: a fraction in [0, 1] or -1, and a description. */
    record Progress(double fraction, String detail) {
    }

    private final KubernetesClient client;
    private final BinderSettings settings;
    private final Clock clock;

    /** Creates the waiter. */
    public RestoreWaiter(KubernetesClient client, BinderSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Blocks until the restore of the step's volume has finished and returns the volume's final state.
     *
     * @throws DrException         when the restore failed (faulted, RestoreFailure)
     * @throws NotFoundException   when the volume disappears while waiting
     * @throws DrTimeoutException  at the step deadline or the restore timeout
     * @throws CancelledException  when the step is cancelled or the thread interrupted
     */
    public VolumeCr await(RestoreStep step, BindContext ctx) {
        String ns = settings.namespace();
        String name = step.volumeName();
        String what = "restore of volume " + name + " from backup " + step.backup().name();
        var op = client.genericKubernetesResources(Longhorn.VOLUMES).inNamespace(ns).withName(name);
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Instant start = clock.instant();
        Watch watch = openWatch(op, queue, name);
        try (Cancellation.Registration wake = ctx.cancellation().onCancel(() -> queue.offer(WAKE))) {
            VolumeCr current = read(op, ns, name);
            Instant lastRead = clock.instant();
            Instant lastProgress = Instant.MIN;
            Progress reported = null;
            while (true) {
                ctx.checkpoint(what);
                if (settings.restoreTimeout().isPresent()
                        && Duration.between(start, clock.instant()).compareTo(settings.restoreTimeout().get()) >= 0) {
                    throw new DrTimeoutException(what + " (last seen " + current.describeState() + ")", settings.restoreTimeout().get());
                }
                if (current.restoreFinished()) {
                    ctx.progress(1.0, "restore of " + name + " finished");
                    return current;
                }
                if (current.restoreFailure().isPresent()) {
                    throw new DrException(what + " failed: " + current.restoreFailure().get() + " (" + current.describeState()
                            + ")" + engineErrors(ns, name));
                }
                Instant now = clock.instant();
                if (!now.isBefore(lastProgress.plus(settings.pollInterval()))) {
                    Progress p = progress(ns, name, current);
                    if (!p.equals(reported)) {
                        ctx.progress(p.fraction(), p.detail());
                        reported = p;
                    }
                    lastProgress = now;
                }
                Object item = poll(queue, waitTime(ctx, lastRead), what);
                if (item instanceof Event e) {
                    if (e.action() == Watcher.Action.DELETED) {
                        throw new NotFoundException("volume " + ns + "/" + name + " was deleted during the " + what);
                    }
                    if (e.resource() != null) {
                        current = VolumeCr.of(e.resource());
                    }
                } else if (item == CLOSED) {
                    LOG.debug("watch of volume {} closed; reopening", name);
                    closeQuietly(watch);
                    watch = openWatch(op, queue, name);
                    current = read(op, ns, name);
                    lastRead = clock.instant();
                }
                if (!clock.instant().isBefore(lastRead.plus(settings.resyncInterval()))) {
                    current = read(op, ns, name);
                    lastRead = clock.instant();
                }
            }
        } finally {
            closeQuietly(watch);
        }
    }

    private Duration waitTime(BindContext ctx, Instant lastRead) {
        Duration untilResync = Duration.between(clock.instant(), lastRead.plus(settings.resyncInterval()));
        Duration d = settings.pollInterval();
        if (untilResync.compareTo(d) < 0) {
            d = untilResync;
        }
        if (ctx.remaining().compareTo(d) < 0) {
            d = ctx.remaining();
        }
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    private static Object poll(BlockingQueue<Object> queue, Duration d, String what) {
        try {
            return queue.poll(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + " was interrupted", e);
        }
    }

    private static VolumeCr read(io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> op, String ns, String name) {
        GenericKubernetesResource r = KubeErrors.call("get Volume " + ns + "/" + name, op::get);
        if (r == null) {
            throw new NotFoundException("volume " + ns + "/" + name + " disappeared while waiting for its restore");
        }
        return VolumeCr.of(r);
    }

    private static Watch openWatch(io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> op,
                                   BlockingQueue<Object> queue, String name) {
        return KubeErrors.call("watch Volume " + name, () -> op.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                queue.offer(new Event(action, resource));
            }

            @Override
            public void onClose(WatcherException cause) {
                queue.offer(CLOSED);
            }
        }));
    }

    private static void closeQuietly(Watch w) {
        try {
            w.close();
        } catch (RuntimeException e) {
            LOG.debug("closing a watch failed", e);
        }
    }

    /** Restore progress from the volume's Engine CR(s): the mean of the replicas' {@code progress}. */
    Progress progress(String ns, String volume, VolumeCr current) {
        List<GenericKubernetesResource> engines;
        try {
            engines = client.genericKubernetesResources(Longhorn.ENGINES).inNamespace(ns)
                    .withLabel(Longhorn.LABEL_VOLUME, volume).list().getItems();
        } catch (KubernetesClientException e) {
            throw KubeErrors.translate("list Engines of volume " + volume, e);
        }
        List<Map<String, Object>> statuses = new ArrayList<>();
        String backup = "";
        for (GenericKubernetesResource e : engines) {
            statuses.addAll(Cr.mapOfMaps(e, "status", "restoreStatus").values());
            if (backup.isEmpty()) {
                backup = Cr.str(e, "spec", "requestedBackupRestore");
            }
        }
        if (statuses.isEmpty()) {
            return new Progress(-1, "volume " + volume + ": " + current.describeState());
        }
        double sum = 0;
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> s : statuses) {
            Object p = s.get("progress");
            double v = p instanceof Number n ? n.doubleValue() : parse(p);
            sum += Math.max(0, Math.min(100, v));
            Object err = s.get("error");
            if (err != null && !err.toString().isEmpty() && !errors.contains(err.toString())) {
                errors.add(err.toString());
            }
        }
        double fraction = sum / statuses.size() / 100.0;
        String detail = String.format(java.util.Locale.ROOT, "restoring %s: %d%% (%d replica%s)%s",
                backup.isEmpty() ? volume : backup, Math.round(fraction * 100), statuses.size(),
                statuses.size() == 1 ? "" : "s", errors.isEmpty() ? "" : "; errors: " + String.join("; ", errors));
        return new Progress(fraction, detail);
    }

    private String engineErrors(String ns, String volume) {
        try {
            // replica address -> error, grouped by error text so that N replicas failing the same way read once
            Map<String, List<String>> byError = new java.util.TreeMap<>();
            for (GenericKubernetesResource e : client.genericKubernetesResources(Longhorn.ENGINES).inNamespace(ns)
                    .withLabel(Longhorn.LABEL_VOLUME, volume).list().getItems()) {
                Cr.mapOfMaps(e, "status", "restoreStatus").forEach((replica, s) -> {
                    Object err = s.get("error");
                    if (err != null && !err.toString().isEmpty()) {
                        byError.computeIfAbsent(err.toString(), k -> new ArrayList<>()).add(replica);
                    }
                });
            }
            List<String> errors = new ArrayList<>();
            byError.forEach((err, replicas) -> errors.add(String.join(", ", new java.util.TreeSet<>(replicas)) + ": " + err));
            return errors.isEmpty() ? "" : "; replica errors: " + String.join("; ", errors);
        } catch (KubernetesClientException e) {
            return "";
        }
    }

    private static double parse(Object o) {
        if (o == null) {
            return 0;
        }
        try {
            return Double.parseDouble(o.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

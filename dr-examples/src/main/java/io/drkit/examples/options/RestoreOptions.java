package io.drkit.examples.options;

import static io.drkit.examples.options.DrOptions.ALL;
import static io.drkit.examples.options.DrOptions.GROUPS;
import static io.drkit.examples.options.DrOptions.NAMESPACES;
import static io.drkit.examples.options.DrOptions.PVCS;
import static io.drkit.examples.options.DrOptions.PVC_SELECTOR;

import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.Consistency;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.examples.support.Connections;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one mapping from user options ({@link OptionValues}: {@code dr} flags or the restore Job's {@code DRKIT_*}
 * keys) to what the pipeline takes: the {@link RestoreRequest} (what is restored and how it is named), the
 * {@link ExecutorSettings} (how the plan is carried out) and the {@link Connections.Settings} (where backups are read,
 * how Longhorn is reached, how long to wait for its sync). The CLI commands and the Job both call it, so the same
 * options give the same request and settings on both; every error names the flag or key the user used.
 */
public final class RestoreOptions {
    private RestoreOptions() {
    }

    /**
     * What to restore and how.
     *
     * @throws InvalidInputException naming the flags or keys when a value is malformed, {@code all} is combined with
     *                               other selection options, or nothing is selected
     */
    public static RestoreRequest request(OptionValues v) {
        boolean all = v.get(ALL);
        Optional<LabelSelector> selector = v.find(PVC_SELECTOR);
        List<String> groups = v.find(GROUPS).orElse(List.of());
        List<String> namespaces = v.find(NAMESPACES).orElse(List.of());
        List<PvcRef> pvcs = v.find(PVCS).orElse(List.of());
        List<DrOption<?>> criteria = new ArrayList<>();
        selector.ifPresent(s -> criteria.add(PVC_SELECTOR));
        if (!groups.isEmpty()) {
            criteria.add(GROUPS);
        }
        if (!namespaces.isEmpty()) {
            criteria.add(NAMESPACES);
        }
        if (!pvcs.isEmpty()) {
            criteria.add(PVCS);
        }
        checkSelection(v, all, criteria);
        RestoreRequest.Builder b = RestoreRequest.builder();
        if (all) {
            b.all();
        }
        selector.ifPresent(b::pvcSelector);
        groups.forEach(b::group);
        namespaces.forEach(b::namespace);
        pvcs.forEach(b::pvc);
        v.find(DrOptions.AS_OF).ifPresent(b::asOf);
        v.find(DrOptions.MAX_AGE).ifPresent(b::maxAge);
        v.find(DrOptions.STORAGE_CLASS).ifPresent(b::storageClass);
        return b.volumeName(v.get(DrOptions.VOLUME_NAME).pattern()).pvName(v.get(DrOptions.PV_NAME).pattern())
                .replicas(v.get(DrOptions.REPLICAS)).reclaimPolicy(v.get(DrOptions.RECLAIM_POLICY))
                .fsType(v.get(DrOptions.FS_TYPE)).createPvc(v.get(DrOptions.CREATE_PVC))
                .allowSmallerBackup(v.get(DrOptions.ALLOW_SMALLER_BACKUP))
                .dataLossRatio(v.get(DrOptions.DATA_LOSS_RATIO)).consistency(consistency(v))
                .onAnomaly(v.get(DrOptions.ON_ANOMALY)).changeRateRule(changeRateRule(v)).build();
    }

    /**
     * App-consistent restore sets: the grouping, the window and strictness.
     *
     * @throws InvalidInputException naming the flag or key when a value is malformed, or when the window or strictness
     *                               is given without a grouping
     */
    static Consistency consistency(OptionValues v) {
        Consistency c = v.get(DrOptions.CONSISTENT);
        Duration window = v.get(DrOptions.CONSISTENCY_WINDOW);
        boolean strict = v.get(DrOptions.CONSISTENT_STRICT);
        if (!c.enabled()) {
            // the defaults written out (a ConfigMap listing every key) are fine; anything else would be ignored
            DrOption<?> unused = strict ? DrOptions.CONSISTENT_STRICT
                    : !window.equals(c.window()) ? DrOptions.CONSISTENCY_WINDOW : null;
            if (unused != null) {
                throw new InvalidInputException(v.nameOf(unused) + " needs restore sets: also give "
                        + v.setting(DrOptions.CONSISTENT, "namespace|label=KEY"));
            }
        }
        return c.withWindow(window).withStrict(strict);
    }

    /**
     * The thresholds of the change-rate guard (for plans and for {@code dr audit} and {@code dr backups}).
     *
     * @throws InvalidInputException naming the flag or key when a value is malformed or out of range
     */
    public static ChangeRateRule changeRateRule(OptionValues v) {
        int history = v.get(DrOptions.ANOMALY_HISTORY);
        return ChangeRateRule.builder().floor(v.get(DrOptions.ANOMALY_FLOOR)).factor(v.get(DrOptions.ANOMALY_FACTOR))
                .madMultiplier(v.get(DrOptions.ANOMALY_MAD)).history(history)
                .minHistory(Math.min(history, ChangeRateRule.standard().minHistory())).build();
    }

    /** The options of the change-rate guard's thresholds, for the commands that judge change rates. */
    public static List<DrOption<?>> changeRateOptions() {
        return List.of(DrOptions.ANOMALY_FLOOR, DrOptions.ANOMALY_FACTOR, DrOptions.ANOMALY_MAD, DrOptions.ANOMALY_HISTORY);
    }

    private static void checkSelection(OptionValues v, boolean all, List<DrOption<?>> criteria) {
        String allName = v.setting(ALL, "true");
        if (all && !criteria.isEmpty()) {
            boolean defaultSelector = criteria.contains(PVC_SELECTOR) && !v.fromFlag(PVC_SELECTOR);
            throw new InvalidInputException(allName + " selects every claim and cannot be combined with "
                    + String.join(", ", criteria.stream().map(v::nameOf).toList())
                    + (defaultSelector ? " (set " + v.nameOf(PVC_SELECTOR) + " to an empty string)" : ""));
        }
        if (!all && criteria.isEmpty()) {
            throw new InvalidInputException("the selection is empty: " + (v.surface() == Surface.JOB ? "set " : "give ")
                    + String.join(", ", List.of(v.nameOf(PVC_SELECTOR), v.nameOf(GROUPS), v.nameOf(NAMESPACES),
                    v.nameOf(PVCS))) + " or " + allName);
        }
    }

    /** How the plan is carried out. */
    public static ExecutorSettings executor(OptionValues v) {
        return new ExecutorSettings(v.get(DrOptions.VIA), v.get(DrOptions.PARALLELISM), v.get(DrOptions.STEP_TIMEOUT),
                v.get(DrOptions.POLL_INTERVAL));
    }

    /**
     * Where backups are read and how Longhorn is reached, with {@code env} for the S3 client (the backup-target
     * Secret's keys). With the Job's {@code DRKIT_SOURCE=longhorn-crds} (the CLI's {@code --kubernetes}) backups are
     * read from Longhorn's CRDs, and a backupstore given is checked but not read.
     *
     * @throws InvalidInputException naming the flag or key when a value is malformed, or the backupstore is a URL
     *                               that can only be read from a mounted directory
     */
    public static Connections.Settings source(OptionValues v, Map<String, String> env) {
        boolean crds = v.get(DrOptions.SOURCE) == JobSource.LONGHORN_CRDS;
        Optional<String> store = v.find(DrOptions.BACKUPSTORE);
        store.ifPresent(s -> requireReadableDirectly(v, s));
        return new Connections.Settings(crds ? Optional.empty() : store, v.find(DrOptions.TARGET_URL),
                v.find(DrOptions.LONGHORN), crds || v.get(DrOptions.KUBERNETES), v.get(DrOptions.BACKUP_TARGET),
                v.get(DrOptions.LONGHORN_NAMESPACE), v.get(DrOptions.SYNC_WAIT), env);
    }

    /** An S3 target or a directory: other schemes (NFS, CIFS, Azure) are read where they are mounted. */
    private static void requireReadableDirectly(OptionValues v, String store) {
        BackupTarget t = BackupTarget.parse(store);
        if (t.scheme() != BackupTarget.Scheme.S3 && t.localDirectory().isEmpty()) {
            String instead = v.surface() == Surface.JOB ? "set " + v.setting(DrOptions.SOURCE, JobSource.LONGHORN_CRDS.value())
                    : "read Longhorn's view with " + v.setting(DrOptions.LONGHORN, "URL") + " or "
                    + v.nameOf(DrOptions.KUBERNETES);
            throw new InvalidInputException(v.nameOf(DrOptions.BACKUPSTORE) + ": " + t.scheme().prefix() + ":// targets "
                    + "are read from a mounted directory: mount the share, then use " + v.setting(DrOptions.BACKUPSTORE,
                    "/mount/point") + " and " + v.setting(DrOptions.TARGET_URL, t.toString()) + " (or " + instead + ")");
        }
    }
}

package io.drkit.examples.options;

import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.Consistency;
import io.drkit.core.plan.NameTemplate;
import io.drkit.core.plan.ReclaimPolicy;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.examples.options.DrOption.Group;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.support.Connections.Via;
import io.drkit.examples.support.Durations;
import io.drkit.examples.support.Preflight;
import io.drkit.kubernetes.LonghornCrdCatalog;
import io.drkit.longhorn.LonghornBackupVolume;
import io.drkit.longhorn.LonghornClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of user options of the {@code dr} command line and the restore Job: for each option its flag, its
 * {@code DRKIT_*} key, its type, its default and its description, in the order the Job's key table lists them.
 * Defaults that a library builder also has are taken from the library ({@link RestoreExecutor}, the defaults of a
 * {@link RestoreRequest}, {@link LonghornCrdCatalog}, {@link LonghornBackupVolume#DEFAULT_TARGET}), so they exist
 * once. The CLI's options, its help, the Job's {@code --help}, the Job's unknown-key check and the README's tables
 * are all made from (or tested against) this table; {@link RestoreOptions} maps the values to what the pipeline takes.
 */
public final class DrOptions {
    private static final RestoreRequest REQUEST_DEFAULTS = RestoreRequest.all();

    /** The restore Job's mode: apply or plan only. */
    public static final DrOption<JobMode> MODE = DrOption.one("mode",
                    Parsers.choice(JobMode.values(), JobMode::value, Map.of()))
            .part(Part.JOB).key("DRKIT_MODE", true).defaultValue(JobMode.APPLY.value())
            .description("`apply`: plan, print the plan, restore, report; `plan`: print the plan and change nothing")
            .build();

    /** Where the restore Job reads backups. */
    public static final DrOption<JobSource> SOURCE = DrOption.one("source",
                    Parsers.choice(JobSource.values(), JobSource::value, Map.of()))
            .part(Part.SOURCE).key("DRKIT_SOURCE", true).defaultValue(JobSource.BACKUPSTORE.value())
            .description("where backups are read: `backupstore` (the raw store, read directly) or `longhorn-crds` (the "
                    + "Backup CRs Longhorn has synced)")
            .build();

    /** The raw backupstore: a backup target URL or a mounted directory. */
    public static final DrOption<String> BACKUPSTORE = DrOption.one("backupstore", Parsers.backupTarget())
            .part(Part.SOURCE).group(Group.SOURCE).flag("--backupstore", "URL|DIR").key("DRKIT_BACKUPSTORE", true)
            .description("the backupstore, read directly: `s3://bucket@region/path/`, or a mounted directory that holds "
                    + "`backupstore/`")
            .cliNote(" (a mounted NFS/CIFS share, a copy of the bucket); S3 settings come from the environment: "
                    + "`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINTS`, `AWS_CERT`, "
                    + "`VIRTUAL_HOSTED_STYLE`, `HTTP(S)_PROXY`, `NO_PROXY`")
            .jobNote("; empty: the URL of Longhorn's BackupTarget `DRKIT_BACKUP_TARGET`")
            .build();

    /** The backup target URL Longhorn knows a mounted directory by. */
    public static final DrOption<String> TARGET_URL = DrOption.one("target-url", Parsers.backupTarget())
            .part(Part.SOURCE).group(Group.SOURCE).flag("--target-url", "URL").key("DRKIT_TARGET_URL", true)
            .description("for a directory: the backup target URL Longhorn uses for it (`nfs://server:/export`), so "
                    + "that backup URLs match Longhorn's")
            .jobNote("; empty: the URL of Longhorn's BackupTarget")
            .build();

    /** Longhorn's manager REST API as the backup source (and, with {@code --via longhorn}, for restores). */
    public static final DrOption<String> LONGHORN = DrOption.one("longhorn", Parsers.text())
            .part(Part.SOURCE).group(Group.SOURCE).flag("--longhorn", "URL")
            .description("Longhorn's manager REST API, e.g. `" + LonghornClient.DEFAULT_BASE_URL + "`; user info "
                    + "(`https://user:password@longhorn.example/`) is sent as HTTP basic authentication and never printed")
            .build();

    /** Longhorn's CRDs, through the Kubernetes API, as the backup source. */
    public static final DrOption<Boolean> KUBERNETES = DrOption.flag("kubernetes")
            .part(Part.SOURCE).group(Group.SOURCE).flag("--kubernetes", null)
            .description("read backups from Longhorn's CRDs through the Kubernetes API (current kubeconfig context or "
                    + "in-cluster, unless the command names another)")
            .build();

    /** Label selector on the live claims. */
    public static final DrOption<LabelSelector> PVC_SELECTOR = DrOption.one("selector", LabelSelector::parse)
            .part(Part.REQUEST).group(Group.SELECTION).flag("--selector", "KEY=VALUE").shortFlag("-l")
            .key("DRKIT_PVC_SELECTOR", true)
            .jobDefault("data-tier=critical").emptyMeansNone()
            .description("label selector on the live claims")
            .cliNote(", e.g. `data-tier=critical` (needs the cluster)")
            .jobNote("; an empty value selects by the other keys only")
            .build();

    /** Recurring-job groups recorded in the backups. */
    public static final DrOption<List<String>> GROUPS = DrOption.list("group", Parsers.text())
            .part(Part.REQUEST).group(Group.SELECTION).flag("--group", "NAME").key("DRKIT_GROUPS", true)
            .description("recurring-job groups recorded in the backups (e.g. `critical`)")
            .build();

    /** Namespaces whose claims are restored. */
    public static final DrOption<List<String>> NAMESPACES = DrOption.list("namespace", Parsers.text())
            .part(Part.REQUEST).group(Group.SELECTION).flag("--namespace", "NS").key("DRKIT_NAMESPACES", true)
            .description("namespaces whose claims are restored")
            .build();

    /** Claims to restore. */
    public static final DrOption<List<PvcRef>> PVCS = DrOption.list("pvc", PvcRef::parse)
            .part(Part.REQUEST).group(Group.SELECTION).flag("--pvc", "NS/NAME").key("DRKIT_PVCS", true)
            .description("claims `namespace/name`")
            .build();

    /** Every backed-up claim. */
    public static final DrOption<Boolean> ALL = DrOption.flag("all")
            .part(Part.REQUEST).group(Group.SELECTION).flag("--all", null).key("DRKIT_ALL", true)
            .description("every backed-up claim")
            .cliNote(" (not with the other selection options)")
            .jobNote(" (only with the selection keys above empty)")
            .build();

    /** Point in time. */
    public static final DrOption<Instant> AS_OF = DrOption.one("as-of", Parsers::instant)
            .part(Part.REQUEST).flag("--as-of", "TIME").key("DRKIT_AS_OF", true)
            .description("restore the newest complete backup at or before this ISO-8601 time (`2026-09-20T18:13:20Z`)")
            .jobNote("; empty: the newest")
            .build();

    /** Maximum age of the chosen backup. */
    public static final DrOption<Duration> MAX_AGE = DrOption.one("max-age", Parsers.positiveDuration())
            .part(Part.REQUEST).flag("--max-age", "DURATION").key("DRKIT_MAX_AGE", true)
            .description("skip claims whose chosen backup is older than this (`36h`, `7d`, `PT36H`)")
            .jobNote("; empty: no limit")
            .build();

    /** Plan without reading the cluster. */
    public static final DrOption<Boolean> OFFLINE = DrOption.flag("offline")
            .part(Part.REQUEST).flag("--offline", null)
            .description("plan from the backups alone; do not read the cluster")
            .build();

    /** Name template of the restored Longhorn volume. */
    public static final DrOption<NameTemplate> VOLUME_NAME = DrOption.one("volume-name", NameTemplate::of)
            .part(Part.REQUEST).flag("--volume-name", "TEMPLATE").key("DRKIT_VOLUME_NAME", true)
            .defaultValue(REQUEST_DEFAULTS.volumeName().pattern())
            .description("name of the restored Longhorn volume; placeholders `{volume}` `{pvc}` `{namespace}` `{backup}`")
            .build();

    /** Name template of the PV. */
    public static final DrOption<NameTemplate> PV_NAME = DrOption.one("pv-name", NameTemplate::of)
            .part(Part.REQUEST).flag("--pv-name", "TEMPLATE").key("DRKIT_PV_NAME", true)
            .defaultValue(REQUEST_DEFAULTS.pvName().pattern())
            .description("name of the PV pre-bound to the claim; same placeholders")
            .build();

    /** Longhorn replica count. */
    public static final DrOption<Integer> REPLICAS = DrOption.one("replicas",
                    Parsers.integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
            .part(Part.REQUEST).flag("--replicas", "N").defaultValue(String.valueOf(REQUEST_DEFAULTS.replicas()))
            .description("Longhorn replica count; `0`: Longhorn's default-replica-count")
            .build();

    /** Reclaim policy of the PVs. */
    public static final DrOption<ReclaimPolicy> RECLAIM_POLICY = DrOption.one("reclaim-policy", ReclaimPolicy::parse)
            .part(Part.REQUEST).flag("--reclaim-policy", "Retain|Delete")
            .defaultValue(REQUEST_DEFAULTS.reclaimPolicy().kubernetesName())
            .description("reclaim policy of the PVs")
            .build();

    /** Storage class of the PVs. */
    public static final DrOption<String> STORAGE_CLASS = DrOption.one("storage-class", Parsers.text())
            .part(Part.REQUEST).flag("--storage-class", "NAME")
            .description("storage class of the PVs (default: the claim's, else the one recorded in the backup)")
            .build();

    /** File system of the PVs. */
    public static final DrOption<String> FS_TYPE = DrOption.one("fs-type", Parsers.text())
            .part(Part.REQUEST).flag("--fs-type", "TYPE").defaultValue(REQUEST_DEFAULTS.fsType())
            .description("file system of the PVs")
            .build();

    /** Create claims that do not exist. */
    public static final DrOption<Boolean> CREATE_PVC = DrOption.flag("create-pvc")
            .part(Part.REQUEST).flag("--create-pvc", null).key("DRKIT_CREATE_PVC", true)
            .description("also create claims that do not exist yet (normally GitOps creates them)")
            .build();

    /** Disable the data-loss guard. */
    public static final DrOption<Boolean> ALLOW_SMALLER_BACKUP = DrOption.flag("allow-smaller-backup")
            .part(Part.REQUEST).flag("--allow-smaller-backup", null).key("DRKIT_ALLOW_SMALLER_BACKUP", true)
            .description("disable the data-loss guard (a newest backup under half the size of the previous one is "
                    + "otherwise passed over)")
            .cliNote("; `--data-loss-ratio` sets the fraction")
            .build();

    /** The data-loss guard's fraction. */
    public static final DrOption<Double> DATA_LOSS_RATIO = DrOption.one("data-loss-ratio", Parsers.decimal())
            .part(Part.REQUEST).flag("--data-loss-ratio", "R").defaultValue(String.valueOf(REQUEST_DEFAULTS.dataLossRatio()))
            .description("the data-loss guard trips below this fraction of the previous backup's size")
            .build();

    /** App-consistent restore sets: how claims are grouped. */
    public static final DrOption<Consistency> CONSISTENT = DrOption.one("consistent", Consistency::parse)
            .part(Part.REQUEST).flag("--consistent", "namespace|label=KEY").key("DRKIT_CONSISTENT", true)
            .defaultValue(REQUEST_DEFAULTS.consistency().spec())
            .description("restore claims as app-consistent sets, grouped by `namespace` or by the value of a label "
                    + "(`label=app.kubernetes.io/instance`): each set restores from the newest point at which every "
                    + "claim has a complete backup within the consistency window; `none`: each claim its own newest")
            .build();

    /** How far apart the backups of one restore set may be. */
    public static final DrOption<Duration> CONSISTENCY_WINDOW = DrOption.one("consistency-window",
                    Parsers.durationUpTo(Consistency.MAX_WINDOW))
            .part(Part.REQUEST).flag("--consistency-window", "DURATION").key("DRKIT_CONSISTENCY_WINDOW", true)
            .defaultValue(Durations.format(REQUEST_DEFAULTS.consistency().window()))
            .description("how far apart the backups of one restore set may be")
            .build();

    /** Hold a restore set without a consistent point. */
    public static final DrOption<Boolean> CONSISTENT_STRICT = DrOption.flag("consistent-strict")
            .part(Part.REQUEST).flag("--consistent-strict", null).key("DRKIT_CONSISTENT_STRICT", true)
            .description("hold every claim of a restore set that has no consistent point (exit 9) instead of restoring "
                    + "each claim's own newest backup with an `INCONSISTENT_SET` warning")
            .build();

    /** What the change-rate guard does with an anomalous backup. */
    public static final DrOption<AnomalyPolicy> ON_ANOMALY = DrOption.one("on-anomaly",
                    Parsers.choice(AnomalyPolicy.values(), AnomalyPolicy::wireName, Map.of()))
            .part(Part.REQUEST).flag("--on-anomaly", "warn|previous|hold|off").key("DRKIT_ON_ANOMALY", true)
            .defaultValue(REQUEST_DEFAULTS.onAnomaly().wireName())
            .description("the change-rate guard, for a backup that changed far more of its volume than usual "
                    + "(`CHANGE_RATE_ANOMALY`): `warn` restores it with a warning, `previous` the newest backup before "
                    + "it, `hold` skips the claim for a human decision (exit 9), `off` reads no change rates")
            .build();

    /** The change-rate guard's floor. */
    public static final DrOption<Double> ANOMALY_FLOOR = DrOption.one("anomaly-floor", Parsers.decimal(0, false, 1))
            .part(Part.REQUEST).flag("--anomaly-floor", "R").key("DRKIT_ANOMALY_FLOOR", true)
            .defaultValue(String.valueOf(REQUEST_DEFAULTS.changeRateRule().floor()))
            .description("a backup that changed less than this fraction of its blocks is never an anomaly")
            .build();

    /** The change-rate guard's factor over the usual rate. */
    public static final DrOption<Double> ANOMALY_FACTOR = DrOption.one("anomaly-factor", Parsers.decimal(1, true, 1000))
            .part(Part.REQUEST).flag("--anomaly-factor", "X").key("DRKIT_ANOMALY_FACTOR", true)
            .defaultValue(String.valueOf(REQUEST_DEFAULTS.changeRateRule().factor()))
            .description("an anomaly changed at least this many times the volume's usual rate (the median of its "
                    + "earlier backups)")
            .build();

    /** The change-rate guard's spread multiplier. */
    public static final DrOption<Double> ANOMALY_MAD = DrOption.one("anomaly-mad", Parsers.decimal(0, true, 1000))
            .part(Part.REQUEST).flag("--anomaly-mad", "K").key("DRKIT_ANOMALY_MAD", true)
            .defaultValue(String.valueOf(REQUEST_DEFAULTS.changeRateRule().madMultiplier()))
            .description("and at least the usual rate plus this many robust standard deviations (1.4826 × the median "
                    + "absolute deviation) of the earlier rates")
            .build();

    /** How many earlier backups the change-rate guard compares with. */
    public static final DrOption<Integer> ANOMALY_HISTORY = DrOption.one("anomaly-history",
                    Parsers.integer(1, ChangeRateSource.MAX_COUNT))
            .part(Part.REQUEST).flag("--anomaly-history", "N").key("DRKIT_ANOMALY_HISTORY", true)
            .defaultValue(String.valueOf(REQUEST_DEFAULTS.changeRateRule().history()))
            .description("earlier backups whose change rates make the usual rate (at least "
                    + REQUEST_DEFAULTS.changeRateRule().minHistory() + " known ones are needed to judge; on a raw "
                    + "backupstore N + 2 block lists are read per claim)")
            .build();

    /** Through which API restores are carried out. */
    public static final DrOption<Via> VIA = DrOption.one("via", Parsers.choice(Via.values(),
                    v -> v.name().toLowerCase(Locale.ROOT), Map.of("k8s", Via.KUBERNETES, "rest", Via.LONGHORN)))
            .part(Part.EXECUTION).flag("--via", "kubernetes|longhorn")
            .defaultValue(Via.KUBERNETES.name().toLowerCase(Locale.ROOT))
            .description("restore through Longhorn's CRDs and the Kubernetes API (pre-binds PVs with a claimRef), or "
                    + "Longhorn's REST API (needs `--longhorn`)")
            .build();

    /** Restores running at once. */
    public static final DrOption<Integer> PARALLELISM = DrOption.one("parallelism",
                    Parsers.integer(1, RestoreExecutor.MAX_PARALLELISM))
            .part(Part.EXECUTION).flag("--parallelism", "N").key("DRKIT_PARALLELISM", true)
            .defaultValue(String.valueOf(RestoreExecutor.DEFAULT_PARALLELISM))
            .description("restores running at once (1.." + RestoreExecutor.MAX_PARALLELISM + ")")
            .build();

    /** Time one claim's restore may take. */
    public static final DrOption<Duration> STEP_TIMEOUT = DrOption.one("step-timeout", Parsers.positiveDuration())
            .part(Part.EXECUTION).flag("--step-timeout", "DURATION").key("DRKIT_STEP_TIMEOUT", true)
            .defaultValue(Durations.format(RestoreExecutor.DEFAULT_STEP_TIMEOUT))
            .description("how long one claim's restore may take")
            .jobNote(" (keep the Job's `activeDeadlineSeconds` above it)")
            .build();

    /** How often running restores are checked (the binders' own default; they have no constant for it). */
    public static final DrOption<Duration> POLL_INTERVAL = DrOption.one("poll-interval", Parsers.positiveDuration())
            .part(Part.EXECUTION).flag("--poll-interval", "DURATION").key("DRKIT_POLL_INTERVAL", true)
            .defaultValue("2s")
            .description("how often a running restore and Longhorn's backup sync are checked")
            .build();

    /** Longhorn's namespace. */
    public static final DrOption<String> LONGHORN_NAMESPACE = DrOption.one("longhorn-namespace", Parsers.text())
            .part(Part.SOURCE).flag("--longhorn-namespace", "NS").key("DRKIT_LONGHORN_NAMESPACE", true)
            .defaultValue(LonghornCrdCatalog.DEFAULT_NAMESPACE)
            .description("Longhorn's namespace (its CRs live there)")
            .build();

    /** Longhorn's BackupTarget name. */
    public static final DrOption<String> BACKUP_TARGET = DrOption.one("backup-target", Parsers.text())
            .part(Part.SOURCE).flag("--backup-target", "NAME").key("DRKIT_BACKUP_TARGET", true)
            .defaultValue(LonghornBackupVolume.DEFAULT_TARGET)
            .description("Longhorn's BackupTarget (1.8+; older versions only have `" + LonghornBackupVolume.DEFAULT_TARGET
                    + "`)")
            .build();

    /** How long the restore Job waits for Longhorn in its cluster. */
    public static final DrOption<Duration> STARTUP_WAIT = DrOption.one("startup-wait", Parsers.waitDuration())
            .part(Part.JOB).key("DRKIT_STARTUP_WAIT", true).defaultValue("30m")
            .description("how long the Job waits for Longhorn in its cluster (its CRDs, the BackupTarget with a URL "
                    + "and, with `longhorn-crds`, the target's first sync), logging what it waits for at least every 30 s; "
                    + "then exit 5 (keep the Job's `activeDeadlineSeconds` above it)")
            .build();

    /** How long to wait for Longhorn to sync its view of the backup target. */
    public static final DrOption<Duration> SYNC_WAIT = DrOption.one("sync-wait", Parsers.waitDuration())
            .part(Part.SOURCE).flag("--sync-wait", "DURATION").key("DRKIT_SYNC_WAIT", true)
            .defaultValue(Durations.format(LonghornCrdCatalog.DEFAULT_SYNC_WAIT)).jobDefault("10m")
            .description("how long to wait for Longhorn to sync its backup volumes and backups (it is asked to)")
            .cliNote(", with `--longhorn` or `--kubernetes`; what is still not synced is listed and the command exits 5; "
                    + "`0` checks once")
            .jobNote(", with `longhorn-crds`; claims still unsynced are listed and the Job exits 5")
            .build();

    /** Time each backend has to answer the check before a command starts. */
    public static final DrOption<Duration> CONNECT_TIMEOUT = DrOption.one("connect-timeout",
                    Parsers.durationUpTo(Preflight.MAX_TIMEOUT))
            .part(Part.CONNECTION).flag("--connect-timeout", "DURATION").key(Preflight.TIMEOUT_KEY, false)
            .defaultValue(Durations.format(Preflight.DEFAULT_TIMEOUT))
            .description("time each backend (Kubernetes API server, Longhorn, the backupstore) has to answer the check "
                    + "a command makes before it starts (at most " + Durations.format(Preflight.MAX_TIMEOUT) + "); one "
                    + "that does not answer ends the command with exit code 5")
            .build();

    private static final List<DrOption<?>> TABLE = List.of(MODE, SOURCE, BACKUPSTORE, TARGET_URL, LONGHORN, KUBERNETES,
            PVC_SELECTOR, GROUPS, NAMESPACES, PVCS, ALL, AS_OF, MAX_AGE, OFFLINE, VOLUME_NAME, PV_NAME, REPLICAS,
            RECLAIM_POLICY, STORAGE_CLASS, FS_TYPE, CREATE_PVC, ALLOW_SMALLER_BACKUP, DATA_LOSS_RATIO, CONSISTENT,
            CONSISTENCY_WINDOW, CONSISTENT_STRICT, ON_ANOMALY, ANOMALY_FLOOR, ANOMALY_FACTOR, ANOMALY_MAD, ANOMALY_HISTORY,
            VIA, PARALLELISM,
            STEP_TIMEOUT, POLL_INTERVAL, LONGHORN_NAMESPACE, BACKUP_TARGET, STARTUP_WAIT, SYNC_WAIT, CONNECT_TIMEOUT);

    private DrOptions() {
    }

    /** Every option, in the table's order. */
    public static List<DrOption<?>> all() {
        return TABLE;
    }

    /** The options users can give on {@code surface}, in the table's order. */
    public static List<DrOption<?>> readOn(Surface surface) {
        return TABLE.stream().filter(o -> o.readOn(surface)).toList();
    }

    /** The command-line options of {@code parts}, in the table's order: what a {@code dr} command takes. */
    public static List<DrOption<?>> cli(Part... parts) {
        List<Part> p = Arrays.asList(parts);
        return TABLE.stream().filter(o -> o.readOn(Surface.CLI) && p.contains(o.part())).toList();
    }

    /**
     * The command-line options of the commands that read the backupstore directly, without Longhorn or a cluster
     * ({@code verify}, {@code restore-to-file}, {@code serve-nbd}): {@code --backupstore} and {@code --target-url}.
     */
    public static List<DrOption<?>> backupstoreOnly() {
        return List.of(BACKUPSTORE, TARGET_URL);
    }

    /** The option whose environment key is {@code key}, if any. */
    public static Optional<DrOption<?>> byKey(String key) {
        return TABLE.stream().filter(o -> o.key().filter(key::equals).isPresent()).findFirst();
    }
}

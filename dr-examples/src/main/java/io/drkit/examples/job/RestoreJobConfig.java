package io.drkit.examples.job;

import io.drkit.core.InvalidInputException;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.NameTemplate;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.util.Redaction;
import io.drkit.core.util.Times;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The configuration of the {@linkplain RestoreJob restore Job}, read from its environment: the keys of
 * {@link Key} come from the ConfigMap {@code drkit-restore} of {@code dr-examples/deploy/}, the credentials
 * ({@link #SECRET_KEYS}) from Longhorn's backup-target Secret; both are mounted with {@code envFrom}.
 *
 * <p>A key that is absent or empty takes its default, except {@code DRKIT_PVC_SELECTOR}, where an empty value means
 * "no label selection" (so that groups, namespaces or explicit claims alone can select). Keys starting with
 * {@code DRKIT_} that the Job does not know are refused, so that a typo in the ConfigMap fails loudly instead of
 * being ignored.
 *
 * @param mode              {@code apply} (restore) or {@code plan} (print the plan only)
 * @param source            where backups are read from
 * @param backupstore       the raw backupstore (URL or mounted directory); empty with {@link Source#BACKUPSTORE}:
 *                          the URL of Longhorn's BackupTarget {@code backupTarget}, looked up at start
 * @param targetUrl         for a directory: the backup target URL Longhorn uses for it (backup URLs are made for it);
 *                          empty: looked up in Longhorn's BackupTarget at start
 * @param longhornNamespace Longhorn's namespace
 * @param backupTarget      Longhorn's BackupTarget name (1.8+; older versions have only {@code default})
 * @param request           what to restore and how
 * @param parallelism       how many restores run at once
 * @param stepTimeout       how long one claim's restore may take
 * @param pollInterval      how often a running restore is checked
 * @param credentials       the backup-target Secret keys found in the environment (never printed)
 * @param startupWait       how long the Job waits for Longhorn in its cluster: CRDs, BackupTarget with a URL, and
 *                          with {@link Source#LONGHORN_CRDS} the target's first sync
 * @param syncWait          with {@link Source#LONGHORN_CRDS}: how long the catalog waits for Longhorn to sync the
 *                          backup volumes and backups before planning from an incomplete view (exit 5)
 */
public record RestoreJobConfig(Mode mode, Source source, Optional<String> backupstore, Optional<String> targetUrl,
                               String longhornNamespace, String backupTarget, RestoreRequest request, int parallelism,
                               Duration stepTimeout, Duration pollInterval, Map<String, String> credentials,
                               Duration startupWait, Duration syncWait) {

    /**
     * The keys of Longhorn's backup-target Secret the Job passes on to the S3 client (the Secret's other keys are
     * ignored): static credentials, endpoint, CA certificate, addressing style, proxies and region.
     */
    public static final List<String> SECRET_KEYS = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_ENDPOINTS", "AWS_CERT", "VIRTUAL_HOSTED_STYLE", "HTTP_PROXY", "HTTPS_PROXY",
            "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "AWS_REGION", "AWS_DEFAULT_REGION");

    private static final String PREFIX = "DRKIT_";

    /** What the Job does with its plan. */
    public enum Mode {
        /** Plan, print the plan, then restore. */
        APPLY("apply"),
        /** Plan and print the plan; change nothing. */
        PLAN("plan");

        private final String value;

        Mode(String value) {
            this.value = value;
        }

        /** The configuration value. */
        public String value() {
            return value;
        }
    }

    /** Where the Job reads which backups exist. */
    public enum Source {
        /** Longhorn's raw backupstore, read directly (S3 or a mounted directory): no need for Longhorn to sync first. */
        BACKUPSTORE("backupstore"),
        /** Longhorn's Backup and BackupVolume CRs: only what Longhorn has synced from its backup target. */
        LONGHORN_CRDS("longhorn-crds");

        private final String value;

        Source(String value) {
            this.value = value;
        }

        /** The configuration value. */
        public String value() {
            return value;
        }
    }

    /** Every configuration key the Job reads (besides {@link #SECRET_KEYS}), with its default and meaning. */
    public enum Key {
        /** Mode. */
        MODE("DRKIT_MODE", "apply", "`apply`: plan, print the plan, restore, report; `plan`: print the plan and change nothing"),
        /** Backup source. */
        SOURCE("DRKIT_SOURCE", "backupstore", "where backups are read: `backupstore` (the raw store, read directly) "
                + "or `longhorn-crds` (the Backup CRs Longhorn has synced)"),
        /** Raw backupstore. */
        BACKUPSTORE("DRKIT_BACKUPSTORE", "", "`s3://bucket@region/path/`, or a mounted directory that holds `backupstore/`; "
                + "empty: the URL of Longhorn's BackupTarget `DRKIT_BACKUP_TARGET`"),
        /** Target URL of a directory store. */
        TARGET_URL("DRKIT_TARGET_URL", "", "for a directory: the backup target URL Longhorn uses for it "
                + "(`nfs://server:/export`), so that backup URLs match Longhorn's; empty: the URL of Longhorn's BackupTarget"),
        /** Label selector. */
        PVC_SELECTOR("DRKIT_PVC_SELECTOR", "data-tier=critical", "label selector on the live claims; "
                + "an empty value selects by the other keys only"),
        /** Groups. */
        GROUPS("DRKIT_GROUPS", "", "comma-separated recurring-job groups recorded in the backups (e.g. `critical`)"),
        /** Namespaces. */
        NAMESPACES("DRKIT_NAMESPACES", "", "comma-separated namespaces"),
        /** Explicit claims. */
        PVCS("DRKIT_PVCS", "", "comma-separated claims `namespace/name`"),
        /** Everything. */
        ALL("DRKIT_ALL", "false", "`true`: every backed-up claim (only with the selection keys above empty)"),
        /** Point in time. */
        AS_OF("DRKIT_AS_OF", "", "restore the newest complete backup at or before this ISO-8601 time "
                + "(`2026-09-20T18:13:20Z`); empty: the newest"),
        /** Maximum age. */
        MAX_AGE("DRKIT_MAX_AGE", "", "skip claims whose chosen backup is older than this (`36h`, `7d`, `PT36H`); empty: no limit"),
        /** Volume name template. */
        VOLUME_NAME("DRKIT_VOLUME_NAME", "{volume}", "name of the restored Longhorn volume; placeholders "
                + "`{volume}` `{pvc}` `{namespace}` `{backup}`"),
        /** PV name template. */
        PV_NAME("DRKIT_PV_NAME", "{volume}", "name of the PV pre-bound to the claim; same placeholders"),
        /** Create claims. */
        CREATE_PVC("DRKIT_CREATE_PVC", "false", "`true`: also create claims that do not exist yet (normally GitOps creates them)"),
        /** Data-loss guard. */
        ALLOW_SMALLER_BACKUP("DRKIT_ALLOW_SMALLER_BACKUP", "false", "`true`: disable the data-loss guard (a newest backup "
                + "under half the size of the previous one is otherwise passed over)"),
        /** Parallelism. */
        PARALLELISM("DRKIT_PARALLELISM", "2", "restores running at once (1..64)"),
        /** Step timeout. */
        STEP_TIMEOUT("DRKIT_STEP_TIMEOUT", "2h", "how long one claim's restore may take (keep the Job's "
                + "`activeDeadlineSeconds` above it)"),
        /** Poll interval. */
        POLL_INTERVAL("DRKIT_POLL_INTERVAL", "2s", "how often a running restore and Longhorn's backup sync are checked"),
        /** Longhorn's namespace. */
        LONGHORN_NAMESPACE("DRKIT_LONGHORN_NAMESPACE", "longhorn-system", "Longhorn's namespace (its CRs live there)"),
        /** BackupTarget name. */
        BACKUP_TARGET("DRKIT_BACKUP_TARGET", "default", "Longhorn's BackupTarget (1.8+; older versions only have `default`)"),
        /** Wait for Longhorn at start. */
        STARTUP_WAIT("DRKIT_STARTUP_WAIT", "30m", "how long the Job waits for Longhorn in its cluster (its CRDs, the "
                + "BackupTarget with a URL and, with `longhorn-crds`, the target's first sync), logging what it waits for "
                + "at least every 30 s; then exit 5 (keep the Job's `activeDeadlineSeconds` above it)"),
        /** Wait for Longhorn's sync. */
        SYNC_WAIT("DRKIT_SYNC_WAIT", "10m", "with `longhorn-crds`: how long to wait for Longhorn to sync its backup "
                + "volumes and backups (it is asked to); claims still unsynced are listed and the Job exits 5");

        private final String envName;
        private final String defaultValue;
        private final String description;

        Key(String envName, String defaultValue, String description) {
            this.envName = envName;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        /** The environment variable (and ConfigMap key). */
        public String envName() {
            return envName;
        }

        /** The value used when the key is absent or empty ({@code ""}: none). */
        public String defaultValue() {
            return defaultValue;
        }

        /** What the key does, in one line (Markdown). */
        public String description() {
            return description;
        }

        /** The key with environment name {@code name}, if any. */
        public static Optional<Key> byEnvName(String name) {
            return Arrays.stream(values()).filter(k -> k.envName.equals(name)).findFirst();
        }
    }

    /** Validates and copies. */
    public RestoreJobConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        backupstore = Objects.requireNonNullElse(backupstore, Optional.<String>empty()).filter(s -> !s.isBlank()).map(String::trim);
        targetUrl = Objects.requireNonNullElse(targetUrl, Optional.<String>empty()).filter(s -> !s.isBlank()).map(String::trim);
        longhornNamespace = longhornNamespace == null || longhornNamespace.isBlank()
                ? Key.LONGHORN_NAMESPACE.defaultValue() : longhornNamespace.trim();
        backupTarget = backupTarget == null || backupTarget.isBlank() ? Key.BACKUP_TARGET.defaultValue() : backupTarget.trim();
        Objects.requireNonNull(request, "request");
        if (parallelism < 1 || parallelism > 64) {
            throw new InvalidInputException(Key.PARALLELISM.envName() + ": " + parallelism + " is out of range 1..64");
        }
        requirePositive(Key.STEP_TIMEOUT, stepTimeout);
        requirePositive(Key.POLL_INTERVAL, pollInterval);
        requireNotNegative(Key.STARTUP_WAIT, startupWait);
        requireNotNegative(Key.SYNC_WAIT, syncWait);
        credentials = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNullElse(credentials, Map.of())));
    }

    private static void requireNotNegative(Key key, Duration d) {
        if (d == null || d.isNegative()) {
            throw new InvalidInputException(key.envName() + ": must not be negative, got " + d);
        }
    }

    private static void requirePositive(Key key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new InvalidInputException(key.envName() + ": must be a positive duration, got " + d);
        }
    }

    /** A builder with the defaults of {@link Key}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder prefilled with this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.source = source;
        b.backupstore = backupstore.orElse(null);
        b.targetUrl = targetUrl.orElse(null);
        b.longhornNamespace = longhornNamespace;
        b.backupTarget = backupTarget;
        b.request = request;
        b.parallelism = parallelism;
        b.stepTimeout = stepTimeout;
        b.pollInterval = pollInterval;
        b.credentials = credentials;
        b.startupWait = startupWait;
        b.syncWait = syncWait;
        return b;
    }

    /** This configuration with the backupstore set to {@code url}. */
    public RestoreJobConfig withBackupstore(String url) {
        return toBuilder().backupstore(url).build();
    }

    /**
     * Whether a URL must still be looked up in Longhorn's BackupTarget {@link #backupTarget()}: with source
     * {@code backupstore}, when {@code DRKIT_BACKUPSTORE} is empty (the store is the target itself), or when it is a
     * mounted directory and {@code DRKIT_TARGET_URL} is empty (backup URLs must name the target Longhorn knows, not
     * the mount point, or Longhorn cannot restore from them).
     */
    public boolean needsBackupTargetUrl() {
        return source == Source.BACKUPSTORE && (backupstore.isEmpty() || (isDirectory(backupstore.get()) && targetUrl.isEmpty()));
    }

    /** The key a BackupTarget lookup fills in, when {@link #needsBackupTargetUrl()}. */
    Key keyFilledByBackupTarget() {
        return backupstore.isEmpty() ? Key.BACKUPSTORE : Key.TARGET_URL;
    }

    /**
     * This configuration completed with the URL of Longhorn's backup target: as the backupstore when none is set (it
     * must then be an S3 target, which the Job reads directly), else as the target URL of the mounted directory.
     *
     * @throws InvalidInputException naming the keys to set when the target is not S3 and no directory is mounted
     */
    public RestoreJobConfig withLonghornTargetUrl(String url) {
        BackupTarget t = BackupTarget.parse(url);
        if (backupstore.isPresent()) {
            return toBuilder().targetUrl(url).build();
        }
        if (t.scheme() != BackupTarget.Scheme.S3) {
            throw new InvalidInputException(Key.BACKUPSTORE.envName() + " is empty and Longhorn's backup target is " + t
                    + ", which the Job can only read as a mounted directory: mount it into the Job and set "
                    + Key.BACKUPSTORE.envName() + " to the mount point, or set " + Key.SOURCE.envName() + "=longhorn-crds");
        }
        return toBuilder().backupstore(url).build();
    }

    private static boolean isDirectory(String backupstore) {
        try {
            return BackupTarget.parse(backupstore).localDirectory().isPresent();
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** The {@link Connections} settings for this configuration. */
    public Connections.Settings settings() {
        return new Connections.Settings(source == Source.BACKUPSTORE ? backupstore : Optional.empty(), targetUrl,
                Optional.empty(), source == Source.LONGHORN_CRDS, backupTarget, longhornNamespace, credentials);
    }

    /**
     * Reads the configuration from an environment (the process environment in the Job).
     *
     * @throws InvalidInputException naming the key when a value is malformed or a {@code DRKIT_} key is unknown
     */
    public static RestoreJobConfig fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        List<String> unknown = env.keySet().stream().filter(k -> k.startsWith(PREFIX))
                .filter(k -> Key.byEnvName(k).isEmpty()).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + Arrays.stream(Key.values()).map(Key::envName)
                    .collect(Collectors.joining(", ")) + ")");
        }
        Env e = new Env(env);
        Builder b = builder()
                .mode(e.choice(Key.MODE, Mode.values(), Mode::value))
                .source(e.choice(Key.SOURCE, Source.values(), Source::value))
                .backupstore(e.text(Key.BACKUPSTORE))
                .targetUrl(e.text(Key.TARGET_URL))
                .longhornNamespace(e.text(Key.LONGHORN_NAMESPACE))
                .backupTarget(e.text(Key.BACKUP_TARGET))
                .parallelism(e.integer(Key.PARALLELISM))
                .stepTimeout(e.duration(Key.STEP_TIMEOUT))
                .pollInterval(e.duration(Key.POLL_INTERVAL))
                .startupWait(e.waitDuration(Key.STARTUP_WAIT))
                .syncWait(e.waitDuration(Key.SYNC_WAIT))
                .request(request(e));
        e.check(Key.BACKUPSTORE, v -> {
            BackupTarget t = BackupTarget.parse(v);
            if (t.scheme() != BackupTarget.Scheme.S3 && t.localDirectory().isEmpty()) {
                throw new InvalidInputException(t.scheme().prefix() + ":// targets are read from a mounted directory: mount "
                        + "the share into the Job, set " + Key.BACKUPSTORE.envName() + " to the mount point and "
                        + Key.TARGET_URL.envName() + " to " + t + " (or set " + Key.SOURCE.envName() + "=longhorn-crds)");
            }
            return t;
        });
        e.check(Key.TARGET_URL, BackupTarget::parse);
        Map<String, String> creds = new TreeMap<>();
        for (String k : SECRET_KEYS) {
            String v = env.get(k);
            if (v != null && !v.isEmpty()) {
                creds.put(k, v);
            }
        }
        b.credentials(creds);
        return b.build();
    }

    private static RestoreRequest request(Env e) {
        boolean all = e.bool(Key.ALL);
        String selector = e.raw(Key.PVC_SELECTOR).map(String::trim).orElse(Key.PVC_SELECTOR.defaultValue());
        List<String> groups = e.list(Key.GROUPS);
        List<String> namespaces = e.list(Key.NAMESPACES);
        List<PvcRef> pvcs = e.check(Key.PVCS, v -> e.list(Key.PVCS).stream().map(PvcRef::parse).toList()).orElse(List.of());
        if (all) {
            List<String> given = new ArrayList<>();
            if (!selector.isEmpty()) {
                given.add(Key.PVC_SELECTOR.envName());
            }
            if (!groups.isEmpty()) {
                given.add(Key.GROUPS.envName());
            }
            if (!namespaces.isEmpty()) {
                given.add(Key.NAMESPACES.envName());
            }
            if (!pvcs.isEmpty()) {
                given.add(Key.PVCS.envName());
            }
            if (!given.isEmpty()) {
                throw new InvalidInputException(Key.ALL.envName() + "=true selects every claim and cannot be combined with "
                        + String.join(", ", given) + (given.contains(Key.PVC_SELECTOR.envName())
                        ? " (set " + Key.PVC_SELECTOR.envName() + " to an empty string)" : ""));
            }
        } else if (selector.isEmpty() && groups.isEmpty() && namespaces.isEmpty() && pvcs.isEmpty()) {
            throw new InvalidInputException("the selection is empty: set " + Key.PVC_SELECTOR.envName() + ", "
                    + Key.GROUPS.envName() + ", " + Key.NAMESPACES.envName() + ", " + Key.PVCS.envName() + " or "
                    + Key.ALL.envName() + "=true");
        }
        RestoreRequest.Builder r = RestoreRequest.builder();
        if (all) {
            r.all();
        }
        if (!selector.isEmpty()) {
            r.pvcSelector(e.parse(Key.PVC_SELECTOR, selector, LabelSelector::parse));
        }
        groups.forEach(r::group);
        namespaces.forEach(r::namespace);
        pvcs.forEach(r::pvc);
        e.check(Key.AS_OF, v -> Times.parse(v).orElseThrow()).ifPresent(r::asOf);
        Optional<Duration> maxAge = e.optionalDuration(Key.MAX_AGE);
        maxAge.ifPresent(r::maxAge);
        r.volumeName(e.check(Key.VOLUME_NAME, v -> NameTemplate.of(v).pattern()).orElse(Key.VOLUME_NAME.defaultValue()));
        r.pvName(e.check(Key.PV_NAME, v -> NameTemplate.of(v).pattern()).orElse(Key.PV_NAME.defaultValue()));
        r.createPvc(e.bool(Key.CREATE_PVC));
        r.allowSmallerBackup(e.bool(Key.ALLOW_SMALLER_BACKUP));
        return r.build();
    }

    /** Parses a duration as {@link Durations#parse} does; throws {@link IllegalArgumentException} naming the text. */
    static Duration parseDuration(String text) {
        return Durations.parse(text);
    }

    @Override
    public String toString() {
        return "RestoreJobConfig[mode=" + mode.value() + ", source=" + source.value()
                + ", backupstore=" + backupstore.map(Redaction::url).orElse("(Longhorn's BackupTarget " + backupTarget + ")")
                + targetUrl.map(u -> ", targetUrl=" + Redaction.url(u)).orElse("")
                + ", longhornNamespace=" + longhornNamespace + ", backupTarget=" + backupTarget + ", request=" + describe(request)
                + ", parallelism=" + parallelism + ", stepTimeout=" + stepTimeout + ", pollInterval=" + pollInterval
                + ", startupWait=" + startupWait + ", syncWait=" + syncWait
                + ", credentials=" + credentials.keySet() + "]";
    }

    /** The selection of {@code r} in one line, for the Job's log. */
    static String describe(RestoreRequest r) {
        List<String> parts = new ArrayList<>();
        if (r.selectAll()) {
            parts.add("all claims");
        }
        r.pvcSelector().ifPresent(s -> parts.add("claims labelled " + s));
        if (!r.groups().isEmpty()) {
            parts.add("groups " + String.join(",", r.groups()));
        }
        if (!r.namespaces().isEmpty()) {
            parts.add("namespaces " + String.join(",", r.namespaces()));
        }
        if (!r.pvcs().isEmpty()) {
            parts.add("claims " + r.pvcs().stream().map(PvcRef::toString).collect(Collectors.joining(",")));
        }
        String what = String.join(" and ", parts);
        return what + ", " + r.asOf().map(t -> "newest backup at or before " + t).orElse("newest backup")
                + r.maxAge().map(a -> ", at most " + a + " old").orElse("");
    }

    /** Reads typed values from the environment; every error names the key. */
    private static final class Env {
        private final Map<String, String> env;

        Env(Map<String, String> env) {
            this.env = env;
        }

        Optional<String> raw(Key k) {
            return Optional.ofNullable(env.get(k.envName()));
        }

        Optional<String> value(Key k) {
            return raw(k).map(String::trim).filter(v -> !v.isEmpty());
        }

        String text(Key k) {
            return value(k).orElse(k.defaultValue());
        }

        <T> Optional<T> check(Key k, Function<String, T> parse) {
            return value(k).map(v -> parse(k, v, parse));
        }

        <T> T parse(Key k, String v, Function<String, T> parse) {
            try {
                return parse.apply(v);
            } catch (RuntimeException ex) {
                throw new InvalidInputException(k.envName() + ": " + ex.getMessage(), ex);
            }
        }

        boolean bool(Key k) {
            String v = text(k).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new InvalidInputException(k.envName() + ": '" + text(k) + "' is not true or false");
            };
        }

        int integer(Key k) {
            String v = text(k);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException ex) {
                throw new InvalidInputException(k.envName() + ": '" + v + "' is not a whole number", ex);
            }
        }

        Duration duration(Key k) {
            return optionalDuration(k).orElseGet(() -> parseDuration(k.defaultValue()));
        }

        Optional<Duration> optionalDuration(Key k) {
            Optional<Duration> d = check(k, RestoreJobConfig::parseDuration);
            if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
                throw new InvalidInputException(k.envName() + ": must be a positive duration, got '" + text(k) + "'");
            }
            return d;
        }

        /** A duration that may be zero (no wait), else as {@link #duration}. */
        Duration waitDuration(Key k) {
            Optional<Duration> d = check(k, RestoreJobConfig::parseDuration);
            if (d.isPresent() && d.get().isNegative()) {
                throw new InvalidInputException(k.envName() + ": must not be negative, got '" + text(k) + "'");
            }
            return d.orElseGet(() -> parseDuration(k.defaultValue()));
        }

        List<String> list(Key k) {
            return value(k).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
        }

        <E extends Enum<E>> E choice(Key k, E[] values, Function<E, String> name) {
            String v = text(k).toLowerCase(Locale.ROOT);
            for (E e : values) {
                if (name.apply(e).equals(v)) {
                    return e;
                }
            }
            throw new InvalidInputException(k.envName() + ": '" + text(k) + "' is not one of "
                    + Arrays.stream(values).map(name).collect(Collectors.joining(", ")));
        }
    }

    /** Builds {@link RestoreJobConfig}s; starts from the defaults of {@link Key}. */
    public static final class Builder {
        private Mode mode = Mode.APPLY;
        private Source source = Source.BACKUPSTORE;
        private String backupstore;
        private String targetUrl;
        private String longhornNamespace = Key.LONGHORN_NAMESPACE.defaultValue();
        private String backupTarget = Key.BACKUP_TARGET.defaultValue();
        private RestoreRequest request = RestoreRequest.builder().pvcSelector(Key.PVC_SELECTOR.defaultValue()).build();
        private int parallelism = Integer.parseInt(Key.PARALLELISM.defaultValue());
        private Duration stepTimeout = parseDuration(Key.STEP_TIMEOUT.defaultValue());
        private Duration pollInterval = parseDuration(Key.POLL_INTERVAL.defaultValue());
        private Map<String, String> credentials = Map.of();
        private Duration startupWait = parseDuration(Key.STARTUP_WAIT.defaultValue());
        private Duration syncWait = parseDuration(Key.SYNC_WAIT.defaultValue());

        private Builder() {
        }

        /** How long to wait for Longhorn in the cluster at start (default 30 min; zero: check once). */
        public Builder startupWait(Duration d) {
            this.startupWait = d;
            return this;
        }

        /** With {@code longhorn-crds}: how long to wait for Longhorn to sync its view (default 10 min). */
        public Builder syncWait(Duration d) {
            this.syncWait = d;
            return this;
        }

        /** Apply or plan only (default apply). */
        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m);
            return this;
        }

        /** Where backups are read (default the raw backupstore). */
        public Builder source(Source s) {
            this.source = Objects.requireNonNull(s);
            return this;
        }

        /** The raw backupstore URL or directory (default: Longhorn's BackupTarget URL). */
        public Builder backupstore(String urlOrDirectory) {
            this.backupstore = urlOrDirectory;
            return this;
        }

        /** For a directory store: the backup target URL Longhorn uses for it. */
        public Builder targetUrl(String url) {
            this.targetUrl = url;
            return this;
        }

        /** Longhorn's namespace (default {@code longhorn-system}). */
        public Builder longhornNamespace(String ns) {
            this.longhornNamespace = ns;
            return this;
        }

        /** Longhorn's BackupTarget name (default {@code default}). */
        public Builder backupTarget(String name) {
            this.backupTarget = name;
            return this;
        }

        /** What to restore (default: claims labelled {@code data-tier=critical}, newest backup). */
        public Builder request(RestoreRequest r) {
            this.request = Objects.requireNonNull(r);
            return this;
        }

        /** Restores at once (default 2). */
        public Builder parallelism(int n) {
            this.parallelism = n;
            return this;
        }

        /** Time allowed for one claim (default 2 h). */
        public Builder stepTimeout(Duration d) {
            this.stepTimeout = d;
            return this;
        }

        /** Check interval of running restores (default 2 s). */
        public Builder pollInterval(Duration d) {
            this.pollInterval = d;
            return this;
        }

        /** Backup-target Secret keys ({@link #SECRET_KEYS}; others are dropped). */
        public Builder credentials(Map<String, String> keys) {
            Map<String, String> m = new TreeMap<>();
            Objects.requireNonNullElse(keys, Map.<String, String>of()).forEach((k, v) -> {
                if (SECRET_KEYS.contains(k) && v != null) {
                    m.put(k, v);
                }
            });
            this.credentials = m;
            return this;
        }

        /** Builds the configuration. */
        public RestoreJobConfig build() {
            return new RestoreJobConfig(mode, source, Optional.ofNullable(backupstore), Optional.ofNullable(targetUrl),
                    longhornNamespace, backupTarget, request, parallelism, stepTimeout, pollInterval, credentials,
                    startupWait, syncWait);
        }
    }
}

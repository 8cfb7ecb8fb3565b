package io.drkit.examples.job;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.util.Redaction;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.ExecutorSettings;
import io.drkit.examples.options.JobMode;
import io.drkit.examples.options.JobSource;
import io.drkit.examples.options.OptionValues;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The configuration of the {@linkplain RestoreJob restore Job}, read from its environment: the {@code DRKIT_*} keys of
 * the options table ({@link DrOptions}, those {@linkplain io.drkit.examples.options.Surface#JOB read by the Job})
 * come from the ConfigMap {@code drkit-restore} of {@code dr-examples/deploy/}, the credentials ({@link #SECRET_KEYS})
 * from Longhorn's backup-target Secret; both are mounted with {@code envFrom}. The keys are mapped by
 * {@link RestoreOptions}, exactly as the {@code dr} CLI maps its flags.
 *
 * <p>A key that is absent or empty takes its default, except {@code DRKIT_PVC_SELECTOR}, where an empty value means
 * "no label selection" (so that groups, namespaces or explicit claims alone can select). Keys starting with
 * {@code DRKIT_} that the Job does not know are refused, so that a typo in the ConfigMap fails loudly instead of
 * being ignored.
 *
 * @param mode        {@code apply} (restore) or {@code plan} (print the plan only)
 * @param source      where backups are read from
 * @param settings    the connections' settings: the backupstore (empty with {@link JobSource#BACKUPSTORE}: the URL of
 *                    Longhorn's BackupTarget, looked up at start), its target URL, Longhorn's namespace and
 *                    BackupTarget, how long to wait for Longhorn's sync, and the backup-target Secret keys found in the
 *                    environment (never printed)
 * @param request     what to restore and how
 * @param executor    how the plan is carried out (always through Kubernetes)
 * @param startupWait how long the Job waits for Longhorn in its cluster: CRDs, BackupTarget with a URL, and with
 *                    {@link JobSource#LONGHORN_CRDS} the target's first sync
 */
public record RestoreJobConfig(JobMode mode, JobSource source, Connections.Settings settings, RestoreRequest request,
                               ExecutorSettings executor, Duration startupWait) {

    /**
     * The keys of Longhorn's backup-target Secret the Job passes on to the S3 client (the Secret's other keys are
     * ignored): static credentials, endpoint, CA certificate, addressing style, proxies and region.
     */
    public static final List<String> SECRET_KEYS = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_ENDPOINTS", "AWS_CERT", "VIRTUAL_HOSTED_STYLE", "HTTP_PROXY", "HTTPS_PROXY",
            "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "AWS_REGION", "AWS_DEFAULT_REGION");

    /** Validates. */
    public RestoreJobConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(startupWait, "startupWait");
    }

    /**
     * Reads the configuration from an environment (the process environment in the Job).
     *
     * @throws InvalidInputException naming the key when a value is malformed or a {@code DRKIT_} key is unknown
     */
    public static RestoreJobConfig fromEnvironment(Map<String, String> env) {
        OptionValues v = OptionValues.job(env);
        Map<String, String> credentials = new TreeMap<>();
        for (String k : SECRET_KEYS) {
            String value = env.get(k);
            if (value != null && !value.isEmpty()) {
                credentials.put(k, value);
            }
        }
        return new RestoreJobConfig(v.get(DrOptions.MODE), v.get(DrOptions.SOURCE), RestoreOptions.source(v, credentials),
                RestoreOptions.request(v), RestoreOptions.executor(v), v.get(DrOptions.STARTUP_WAIT));
    }

    /**
     * Whether a URL must still be looked up in Longhorn's BackupTarget: with source {@code backupstore}, when
     * {@code DRKIT_BACKUPSTORE} is empty (the store is the target itself), or when it is a mounted directory and
     * {@code DRKIT_TARGET_URL} is empty (backup URLs must name the target Longhorn knows, not the mount point, or
     * Longhorn cannot restore from them).
     */
    public boolean needsBackupTargetUrl() {
        return source == JobSource.BACKUPSTORE && (settings.backupstore().isEmpty()
                || (BackupTarget.parse(settings.backupstore().get()).localDirectory().isPresent()
                && settings.targetUrl().isEmpty()));
    }

    /** The key a BackupTarget lookup fills in, when {@link #needsBackupTargetUrl()}. */
    DrOption<String> keyFilledByBackupTarget() {
        return settings.backupstore().isEmpty() ? DrOptions.BACKUPSTORE : DrOptions.TARGET_URL;
    }

    /**
     * This configuration completed with the URL of Longhorn's backup target: as the backupstore when none is set (it
     * must then be an S3 target, which the Job reads directly), else as the target URL of the mounted directory.
     *
     * @throws InvalidInputException naming the keys to set when the target is not S3 and no directory is mounted
     */
    public RestoreJobConfig withLonghornTargetUrl(String url) {
        BackupTarget t = BackupTarget.parse(url);
        String store = DrOptions.BACKUPSTORE.key().orElseThrow();
        if (settings.backupstore().isPresent()) {
            return with(settings.withTargetUrl(url));
        }
        if (t.scheme() != BackupTarget.Scheme.S3) {
            throw new InvalidInputException(store + " is empty and Longhorn's backup target is " + t + ", which the Job "
                    + "can only read as a mounted directory: mount it into the Job and set " + store + " to the mount "
                    + "point, or set " + DrOptions.SOURCE.key().orElseThrow() + "=" + JobSource.LONGHORN_CRDS.value());
        }
        return with(settings.withBackupstore(url));
    }

    private RestoreJobConfig with(Connections.Settings s) {
        return new RestoreJobConfig(mode, source, s, request, executor, startupWait);
    }

    @Override
    public String toString() {
        return "RestoreJobConfig[mode=" + mode.value() + ", source=" + source.value()
                + (source == JobSource.BACKUPSTORE ? ", backupstore=" + settings.backupstore().map(Redaction::url)
                .orElse("(Longhorn's BackupTarget " + settings.backupTargetName() + ")") : "")
                + settings.targetUrl().map(u -> ", targetUrl=" + Redaction.url(u)).orElse("")
                + ", longhornNamespace=" + settings.longhornNamespace() + ", backupTarget=" + settings.backupTargetName()
                + ", request=" + describe(request) + ", parallelism=" + executor.parallelism() + ", stepTimeout="
                + executor.stepTimeout() + ", pollInterval=" + executor.pollInterval() + ", startupWait=" + startupWait
                + ", syncWait=" + settings.syncWait() + ", credentials=" + settings.env().keySet() + "]";
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
}

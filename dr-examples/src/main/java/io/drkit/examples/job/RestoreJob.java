package io.drkit.examples.job;

import io.drkit.core.Cancellation;
import io.drkit.core.DrException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestorePlanner;
import io.drkit.core.util.Errors;
import io.drkit.core.util.Redaction;
import io.drkit.core.util.Terminal;
import io.drkit.examples.cli.ExitCodes;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.JobMode;
import io.drkit.examples.options.OptionDocs;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Logging;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automated restore Job, run once when a rebuilt cluster starts (manifests in {@code dr-examples/deploy/}):
 * it scans every backup, plans which backup goes to which selected claim (by default the newest backup of every claim
 * labelled {@code data-tier=critical}), <b>prints the plan before changing anything</b>, then restores each Longhorn
 * volume through its CRDs and creates a PV pre-bound to the claim, printing progress lines and a final report.
 *
 * <p>It is configured entirely by environment variables ({@link RestoreJobConfig}): the ConfigMap for the selection
 * and Longhorn's backup-target Secret for the S3 credentials. Running it again is safe: restored claims are skipped,
 * finished steps are adopted and half-done ones resumed. It first waits (bounded by {@code DRKIT_STARTUP_WAIT}) for
 * Longhorn in the cluster it started in ({@link LonghornReadiness}). Exit codes are those of {@link ExitCodes}: 0
 * everything planned is in place, 9 the rest is in place but claims were held for a human decision
 * ({@code DRKIT_CONSISTENT_STRICT}, {@code DRKIT_ON_ANOMALY=hold}), 1 a step failed or was cancelled, 2 bad configuration, 5 retry: the backupstore or
 * the API server was unreachable, Longhorn was not ready within {@code DRKIT_STARTUP_WAIT}, or Longhorn had not synced
 * its view within {@code DRKIT_SYNC_WAIT} (what was synced is restored), and so on.
 *
 * <p>{@link #run(RestoreJobConfig, Connections, PrintStream)} is the whole code path without the process around it,
 * for the drill and tests.
 */
public final class RestoreJob {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);
    private static final String NAME = "restore-job";

    private RestoreJob() {
    }

    /**
     * Entry point of the Job's container. Takes no arguments except {@code --help}; reads the environment; exits with
     * the code {@link #run(Map, Function, PrintStream, Cancellation)} returns. SIGTERM (the Job's deadline, or a
     * deletion) cancels running steps and still prints the report.
     */
    public static void main(String... args) {
        Logging.quiet();
        quietLibraryWarnings();
        if (args.length > 0) {
            if (args[0].equals("--help") || args[0].equals("-h")) {
                System.out.print(help());
                System.exit(ExitCodes.OK);
            }
            System.err.println(NAME + ": takes no arguments; it is configured by environment variables (--help lists them)");
            System.exit(ExitCodes.USAGE);
        }
        Cancellation cancellation = Cancellation.create();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancellation.cancel();
            try {
                finished.await(20, TimeUnit.SECONDS); // within Kubernetes' default 30 s grace period
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, NAME + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = run(System.getenv(), Connections::of, System.out, cancellation);
        } finally {
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook has seen the report finish
        }
        System.exit(code);
    }

    /** {@link #run(Map, Function, PrintStream, Cancellation)} without cancellation. */
    public static int run(Map<String, String> env, Function<Connections.Settings, Connections> open, PrintStream out) {
        return run(env, open, out, Cancellation.none());
    }

    /**
     * Reads the configuration from {@code env}, looks up the backup target URL in Longhorn's BackupTarget when
     * {@code DRKIT_BACKUPSTORE} is empty (or is a directory and {@code DRKIT_TARGET_URL} is empty), opens the
     * connections with {@code open} and runs the Job.
     *
     * @return the exit code ({@link ExitCodes}); {@link ExitCodes#USAGE} with a message naming the key for bad
     *         configuration
     */
    public static int run(Map<String, String> env, Function<Connections.Settings, Connections> open, PrintStream out,
                          Cancellation cancellation) {
        Objects.requireNonNull(open, "open");
        RestoreJobConfig config;
        try {
            config = RestoreJobConfig.fromEnvironment(env);
        } catch (InvalidInputException e) {
            return fail(out, e);
        }
        try {
            if (config.needsBackupTargetUrl()) {
                try (Connections lookup = open.apply(config.settings())) {
                    LonghornReadiness.await(lookup.kubernetes(), config, new ProgressLog(out, Clock.systemUTC()),
                            cancellation, Clock.systemUTC());
                    String key = config.keyFilledByBackupTarget().key().orElseThrow();
                    Connections.Settings s = config.settings();
                    String url = LonghornBackupTargetUrl.read(lookup.kubernetes(), s.longhornNamespace(),
                            s.backupTargetName(), key);
                    config = config.withLonghornTargetUrl(url);
                    out.println(NAME + ": " + key + " is empty; using " + Redaction.url(url)
                            + ", the URL of Longhorn's BackupTarget " + s.longhornNamespace() + "/" + s.backupTargetName());
                }
            }
            try (Connections connections = open.apply(config.settings())) {
                return run(config, connections, out, cancellation);
            }
        } catch (RuntimeException e) {
            return fail(out, e);
        }
    }

    /** {@link #run(RestoreJobConfig, Connections, PrintStream, Cancellation)} without cancellation. */
    public static int run(RestoreJobConfig config, Connections connections, PrintStream out) {
        return run(config, connections, out, Cancellation.none());
    }

    /**
     * The Job: scan, plan, print the plan, apply (unless the mode is {@code plan}), print the report. Backups come from
     * {@code connections}' catalog, which must have been opened from {@link RestoreJobConfig#settings()} (with the
     * backupstore set when the source is the backupstore); restores go through its Kubernetes binder.
     * {@code connections} is not closed. Errors are printed as one line.
     *
     * @return {@link ExitCodes#OK} when every planned step ended with its data in place (restored, resumed or adopted)
     *         or nothing needed restoring; {@link ExitCodes#FAILED} when a step failed or was cancelled; another code
     *         of {@link ExitCodes} when the Job could not get as far as executing the plan
     */
    public static int run(RestoreJobConfig config, Connections connections, PrintStream out, Cancellation cancellation) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cancellation, "cancellation");
        ProgressLog log = new ProgressLog(out, Clock.systemUTC());
        try {
            if (config.needsBackupTargetUrl()) {
                throw new InvalidInputException(config.keyFilledByBackupTarget().key().orElseThrow() + " is empty: set it, or start "
                        + "the Job with RestoreJob.run(env, open, out), which looks the URL up in Longhorn's BackupTarget");
            }
            out.println(NAME + ": " + config.mode().value() + " " + RestoreJobConfig.describe(config.request()));
            out.println(NAME + ": " + config);

            // 0. the cluster the Job started in: Longhorn's CRDs, its BackupTarget, (for longhorn-crds) its first sync
            LonghornReadiness.await(connections.kubernetes(), config, log, cancellation, Clock.systemUTC());

            // 1. scan every backup (Longhorn's view: once it has synced, or DRKIT_SYNC_WAIT has passed)
            BackupCatalog catalog = connections.catalog(CatalogListener.NONE);
            log.line("scan: " + catalog.describe());
            CatalogScan scan = catalog.scanAll(log, cancellation);

            // 2. the live cluster
            ClusterState cluster = connections.clusterState(false);
            log.line("cluster: " + cluster.pvcs().size() + " claims, " + cluster.pvs().size() + " PVs, "
                    + cluster.volumes().size() + " Longhorn volumes");

            // 3. plan, and print it before anything changes
            // the scan's backups; change rates (the change-rate guard) are read from the catalog when asked
            RestorePlan plan = RestorePlanner.standard().plan(config.request(), scan.asCatalog(catalog), cluster);
            out.println();
            out.print(plan.toTable());
            out.println();
            if (config.mode() == JobMode.PLAN) {
                out.println(NAME + ": mode " + config.mode().value() + ": nothing was changed");
                return incomplete(out, plan, held(out, plan));
            }
            if (plan.isEmpty()) {
                if (!plan.catalogComplete()) {
                    out.println(NAME + ": nothing restored yet");
                    return incomplete(out, plan, ExitCodes.OK);
                }
                out.println(NAME + ": nothing to restore" + skippedSummary(plan));
                return held(out, plan);
            }
            cancellation.throwIfCancelled("restore job before applying the plan");

            // 4. apply, with progress lines
            ExecutionReport report;
            try (VolumeBinder binder = config.executor().binder(connections)) {
                log.line("apply: through " + binder.describe() + ", " + config.executor().describe());
                report = config.executor().executor(binder).listener(log).build().execute(plan, cancellation);
            }

            // 5. the report
            out.println();
            out.print(report.toTable());
            if (report.succeeded()) {
                out.println(NAME + ": done, " + report.results().size() + " claim(s) in place" + skippedSummary(plan));
                return incomplete(out, plan, held(out, plan));
            }
            long bad = report.results().stream().filter(r -> !r.outcome().isSuccess()).count();
            out.println(NAME + ": " + bad + " of " + report.results().size() + " step(s) did not finish ("
                    + describeFailures(report) + "); the rest are in place. Running the Job again resumes them.");
            return ExitCodes.FAILED;
        } catch (RuntimeException e) {
            return fail(out, e);
        }
    }

    /**
     * {@code code} when the plan was made from a complete view; else a line naming what Longhorn had not synced and
     * {@link ExitCodes#UNAVAILABLE}, so that Kubernetes runs the Job again (which restores the rest and adopts what is
     * done).
     */
    private static int incomplete(PrintStream out, RestorePlan plan, int code) {
        if (plan.catalogComplete()) {
            return code;
        }
        List<String> what = new ArrayList<>();
        plan.warnings(PlanWarning.Kind.CATALOG_INCOMPLETE).forEach(w -> what.add(w.message()));
        List<PlanSkip> skips = plan.incompleteSkips();
        skips.stream().limit(20).forEach(s -> what.add(s.subject() + " (" + s.detail() + ")"));
        if (skips.size() > 20) {
            what.add("and " + (skips.size() - 20) + " more, see the plan above");
        }
        out.println(NAME + ": Longhorn has not synced everything yet (" + DrOptions.SYNC_WAIT.key().orElseThrow()
                + "); not planned: " + String.join("; ", what) + ". Exit 5: running the Job again restores the rest");
        return ExitCodes.UNAVAILABLE;
    }

    /**
     * {@link ExitCodes#OK}, or {@link ExitCodes#HELD} with a line naming the claims the plan holds for a human
     * decision ({@code DRKIT_CONSISTENT_STRICT}, {@code DRKIT_ON_ANOMALY=hold}): running the Job again would hold
     * them again, so Kubernetes should not retry; a human plans them.
     */
    private static int held(PrintStream out, RestorePlan plan) {
        List<PlanSkip> held = plan.heldSkips();
        if (held.isEmpty()) {
            return ExitCodes.OK;
        }
        out.println(NAME + ": held for a human decision, not restored: " + String.join(", ", held.stream()
                .map(s -> s.subject() + " (" + s.reason() + ")").toList()) + "; see the plan above. Exit "
                + ExitCodes.HELD);
        return ExitCodes.HELD;
    }

    private static String skippedSummary(RestorePlan plan) {
        long skipped = plan.skips().stream().filter(s -> s.reason() != PlanSkip.SkipReason.NOT_SELECTED).count();
        long already = plan.skips(PlanSkip.SkipReason.ALREADY_RESTORED).size();
        if (skipped == 0) {
            return "";
        }
        return "; " + skipped + " skipped" + (already > 0 ? " (" + already + " already restored)" : "")
                + ", see the plan above";
    }

    private static String describeFailures(ExecutionReport report) {
        StringBuilder sb = new StringBuilder();
        for (StepOutcome o : new StepOutcome[] {StepOutcome.FAILED, StepOutcome.SKIPPED, StepOutcome.CANCELLED}) {
            long n = report.count(o);
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(o.name().toLowerCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }

    /** Prints one line for an error that ended the Job and returns its exit code. */
    static int fail(PrintStream out, RuntimeException e) {
        int code;
        String kind;
        if (e instanceof InvalidInputException) {
            code = ExitCodes.USAGE;
            kind = "bad configuration: ";
        } else if (e instanceof DrException) {
            code = ExitCodes.of(e);
            kind = "error: ";
        } else if (e instanceof KubernetesClientException) {
            code = ExitCodes.UNAVAILABLE;
            kind = "Kubernetes API error: ";
        } else {
            code = ExitCodes.FAILED;
            kind = "unexpected error: ";
            LOG.error("the restore job failed unexpectedly", e);
        }
        String msg = Errors.describe(e); // no message: the kind of error in words, not a class name
        out.println(NAME + ": " + kind + Terminal.oneLine(Redaction.text(msg)));
        return code;
    }

    /** The {@code --help} text: what the Job does, every key with its default, and the exit codes. */
    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -cp dr.jar ").append(RestoreJob.class.getName()).append("\n\n")
                .append("The drkit restore Job: scans every backup, plans which backup goes to which claim, prints the\n")
                .append("plan, restores the Longhorn volumes and pre-binds a PV to each claim, and prints a report.\n\n")
                .append("Configuration (environment variables; absent or empty = default):\n");
        sb.append(OptionDocs.jobHelp()).append("  ").append(String.join(", ", RestoreJobConfig.SECRET_KEYS)).append('\n')
                .append("      the keys of Longhorn's backup-target Secret (S3 credentials, endpoint, CA, proxies)\n");
        return sb.append(String.format(ExitCodes.HELP)).toString();
    }

    /** fabric8 warns once per Longhorn resource type that {@code v1beta2} is not a stable version; not news here. */
    private static void quietLibraryWarnings() {
        String key = "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "error");
        }
    }
}

package io.drkit.kubernetes;

import io.drkit.core.InvalidInputException;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.util.Names;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.Updates;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup policy as code: Longhorn RecurringJobs in two groups, and which volumes belong to the stricter one.
 *
 * <p>The {@linkplain #seed() seed policy}: group {@code default} takes a daily snapshot and a weekly backup, group
 * {@code critical} an hourly snapshot and a daily backup. Longhorn runs {@code default} jobs for every volume without
 * recurring-job labels. Volumes whose claims carry {@code data-tier: critical} get
 * {@code recurring-job-group.longhorn.io/critical: enabled}; on Longhorn 1.5+ the claim gets the same label plus
 * {@code recurring-job.longhorn.io/source: enabled} (Longhorn then mirrors the claim's recurring-job labels onto the
 * volume and drops volume labels the claim lacks, so the claim receives all of the volume's recurring-job labels).
 *
 * <p>{@link #audit} reports drift without changing anything; {@link #apply} creates or corrects the RecurringJobs and
 * adds the missing labels (never removes any). Both read with the given client, which they never close.
 * Instances are immutable and thread-safe.
 */
public final class RecurringJobPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RecurringJobPolicy.class);
    private static final Set<String> TASKS = Set.of("snapshot", "snapshot-force-create", "snapshot-cleanup",
            "snapshot-delete", "backup", "backup-force-create", "filesystem-trim", "system-backup");
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(\\..*)?");

    /**
     * One RecurringJob (longhorn-manager {@code v1beta2/recurringjob.go}); its CR name is {@link #name}.
     *
     * @param name        job name (a DNS subdomain of at most 40 characters)
     * @param task        {@code snapshot}, {@code backup}, ...
     * @param cron        schedule in cron syntax
     * @param retain      how many snapshots or backups the job keeps
     * @param concurrency how many volumes the job processes at once
     * @param groups      the groups the job belongs to
     * @param labels      labels Longhorn puts on the snapshots/backups the job makes
     */
    public record Job(String name, String task, String cron, int retain, int concurrency, List<String> groups,
                      Map<String, String> labels) {
        /** Validates and copies. */
        public Job {
            if (!Names.isDnsSubdomain(name) || name.length() > 40) {
                throw new InvalidInputException("recurring job name '" + name + "' must be a DNS name of at most 40 characters");
            }
            if (!TASKS.contains(task)) {
                throw new InvalidInputException("recurring job " + name + ": unknown task '" + task + "' (expected one of "
                        + new TreeSet<>(TASKS) + ")");
            }
            if (cron == null || cron.isBlank()) {
                throw new InvalidInputException("recurring job " + name + ": empty cron schedule");
            }
            if (retain < 0 || concurrency < 1) {
                throw new InvalidInputException("recurring job " + name + ": retain must be >= 0 and concurrency >= 1");
            }
            groups = List.copyOf(new LinkedHashSet<>(Objects.requireNonNullElse(groups, List.of())));
            labels = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNullElse(labels, Map.of())));
        }

        /** A job without labels. */
        public static Job of(String name, String task, String cron, int retain, int concurrency, String... groups) {
            return new Job(name, task, cron, retain, concurrency, List.of(groups), Map.of());
        }
    }

    private final Map<String, Job> jobs;
    private final String criticalGroup;
    private final LabelSelector criticalSelector;
    private final String namespace;
    private final List<String> pvcNamespaces;
    private final Optional<String> longhornVersion;

    private RecurringJobPolicy(Builder b) {
        this.jobs = Collections.unmodifiableMap(new TreeMap<>(b.jobs));
        this.criticalGroup = b.criticalGroup;
        this.criticalSelector = b.criticalSelector;
        this.namespace = b.namespace;
        this.pvcNamespaces = List.copyOf(b.pvcNamespaces);
        this.longhornVersion = Optional.ofNullable(b.longhornVersion);
    }

    /** The seed policy with default options. */
    public static RecurringJobPolicy seed() {
        return builder().build();
    }

    /** A builder starting from the seed policy. */
    public static Builder builder() {
        return new Builder();
    }

    /** The jobs, by name. */
    public Map<String, Job> jobs() {
        return jobs;
    }

    /** The group critical volumes join (default {@code critical}). */
    public String criticalGroup() {
        return criticalGroup;
    }

    /** Which claims are critical (default {@code data-tier=critical}). */
    public LabelSelector criticalSelector() {
        return criticalSelector;
    }

    /** Reports how the cluster differs from the policy; changes nothing. */
    public PolicyReport audit(KubernetesClient client) {
        Evaluation e = evaluate(client);
        return new PolicyReport(PolicyReport.Mode.AUDIT, e.version, e.pvcLabels, e.drifts, List.of());
    }

    /** Creates or corrects the RecurringJobs and adds the missing labels; returns what was found and done. */
    public PolicyReport apply(KubernetesClient client) {
        Evaluation e = evaluate(client);
        List<String> actions = new ArrayList<>();
        for (Runnable fix : e.fixes) {
            fix.run();
        }
        actions.addAll(e.fixDescriptions);
        return new PolicyReport(PolicyReport.Mode.APPLY, e.version, e.pvcLabels, e.drifts, actions);
    }

    // ---------------------------------------------------------------- evaluation

    private static final class Evaluation {
        String version = "";
        boolean pvcLabels;
        final List<PolicyReport.Drift> drifts = new ArrayList<>();
        final List<Runnable> fixes = new ArrayList<>();
        final List<String> fixDescriptions = new ArrayList<>();

        void drift(PolicyReport.Kind kind, String subject, String detail, String action, Runnable fix) {
            drifts.add(new PolicyReport.Drift(kind, subject, detail, fix != null));
            if (fix != null) {
                fixes.add(fix);
                fixDescriptions.add(action);
            }
        }
    }

    private Evaluation evaluate(KubernetesClient client) {
        Evaluation e = new Evaluation();
        e.version = longhornVersion.orElseGet(() -> detectVersion(client));
        e.pvcLabels = atLeast(e.version, 1, 5);
        var rj = client.genericKubernetesResources(Longhorn.RECURRING_JOBS).inNamespace(namespace);
        for (Job job : jobs.values()) {
            String subject = "RecurringJob " + namespace + "/" + job.name();
            GenericKubernetesResource current = KubeErrors.call("get " + subject, () -> rj.withName(job.name()).get());
            if (current == null) {
                e.drift(PolicyReport.Kind.JOB_MISSING, subject, "expected " + describe(job), "created " + subject,
                        () -> KubeErrors.call("create " + subject, () -> rj.resource(manifest(job)).create()));
                continue;
            }
            List<String> diffs = differences(job, current);
            if (!diffs.isEmpty()) {
                e.drift(PolicyReport.Kind.JOB_DIFFERS, subject, String.join("; ", diffs), "updated " + subject,
                        () -> Updates.update("update " + subject, () -> rj.withName(job.name()).get(),
                                r -> rj.resource(r).update(), r -> {
                                    Map<String, Object> spec = Cr.section(r, "spec");
                                    spec.putAll(specOf(job));
                                    return Optional.of(r);
                                }));
            }
        }
        String groupLabel = LonghornLabels.RECURRING_JOB_GROUP_PREFIX + criticalGroup;
        var volumes = client.genericKubernetesResources(Longhorn.VOLUMES).inNamespace(namespace);
        for (PersistentVolumeClaim pvc : criticalClaims(client)) {
            String claim = pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName();
            String subject = "claim " + claim;
            Resolution res = longhornVolumeOf(client, pvc, e, subject);
            if (res.foreign()) {
                continue;
            }
            Optional<String> volumeName = res.volume();
            GenericKubernetesResource volume = volumeName.map(n -> KubeErrors.call("get Volume " + namespace + "/" + n,
                    () -> volumes.withName(n).get())).orElse(null);
            if (volumeName.isPresent() && volume == null) {
                e.drift(PolicyReport.Kind.VOLUME_NOT_FOUND, subject, "Longhorn volume " + volumeName.get()
                        + " of its PV does not exist in " + namespace, null, null);
            }
            Map<String, String> volumeRecurring = volume == null ? Map.of() : recurringLabels(Cr.labels(volume));
            if (volume != null && !Longhorn.ENABLED.equals(Cr.labels(volume).get(groupLabel))) {
                String v = "Volume " + namespace + "/" + volumeName.get();
                e.drift(PolicyReport.Kind.VOLUME_UNLABELLED, v, "volume of critical " + subject + " lacks " + groupLabel
                        + ": enabled", "labelled " + v + " " + groupLabel + "=enabled",
                        () -> Updates.update("label " + v, () -> volumes.withName(volumeName.get()).get(),
                                r -> volumes.resource(r).update(), r -> {
                                    Map<String, String> l = new LinkedHashMap<>(Cr.labels(r));
                                    if (Longhorn.ENABLED.equals(l.get(groupLabel))) {
                                        return Optional.empty();
                                    }
                                    l.put(groupLabel, Longhorn.ENABLED);
                                    r.getMetadata().setLabels(l);
                                    return Optional.of(r);
                                }));
            }
            if (e.pvcLabels) {
                Map<String, String> labels = pvc.getMetadata().getLabels() == null ? Map.of() : pvc.getMetadata().getLabels();
                Map<String, String> wanted = new LinkedHashMap<>(volumeRecurring);
                wanted.put(groupLabel, Longhorn.ENABLED);
                wanted.put(LonghornLabels.RECURRING_JOB_SOURCE, Longhorn.ENABLED);
                List<String> missing = wanted.entrySet().stream().filter(x -> !x.getValue().equals(labels.get(x.getKey())))
                        .map(Map.Entry::getKey).sorted().toList();
                if (!missing.isEmpty()) {
                    var claims = client.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace());
                    String name = pvc.getMetadata().getName();
                    e.drift(PolicyReport.Kind.PVC_UNLABELLED, subject, "lacks " + String.join(", ", missing),
                            "labelled " + subject + " " + String.join(", ", missing),
                            () -> Updates.update("label " + subject, () -> claims.withName(name).get(),
                                    c -> claims.resource(c).update(), c -> {
                                        Map<String, String> l = c.getMetadata().getLabels() == null ? new LinkedHashMap<>()
                                                : new LinkedHashMap<>(c.getMetadata().getLabels());
                                        Map<String, String> before = new LinkedHashMap<>(l);
                                        l.putAll(wanted);
                                        if (l.equals(before)) {
                                            return Optional.empty();
                                        }
                                        c.getMetadata().setLabels(l);
                                        return Optional.of(c);
                                    }));
                }
            }
        }
        LOG.debug("policy evaluated for Longhorn {}: {} drift(s)", e.version.isEmpty() ? "(unknown)" : e.version, e.drifts.size());
        return e;
    }

    private List<PersistentVolumeClaim> criticalClaims(KubernetesClient client) {
        List<PersistentVolumeClaim> all = new ArrayList<>();
        if (pvcNamespaces.isEmpty()) {
            all.addAll(KubeErrors.call("list PersistentVolumeClaims in all namespaces",
                    () -> client.persistentVolumeClaims().inAnyNamespace().list().getItems()));
        } else {
            for (String ns : pvcNamespaces) {
                all.addAll(KubeErrors.call("list PersistentVolumeClaims in namespace " + ns,
                        () -> client.persistentVolumeClaims().inNamespace(ns).list().getItems()));
            }
        }
        // evaluated here rather than sent to the server: set-based selectors are not supported everywhere
        return all.stream().filter(c -> criticalSelector.matches(c.getMetadata().getLabels()))
                .sorted((a, b) -> (a.getMetadata().getNamespace() + "/" + a.getMetadata().getName())
                        .compareTo(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName()))
                .toList();
    }

    /** The Longhorn volume of a claim, if known; {@code foreign} when the claim is on other storage. */
    private record Resolution(Optional<String> volume, boolean foreign) {
    }

    private Resolution longhornVolumeOf(KubernetesClient client, PersistentVolumeClaim pvc, Evaluation e, String subject) {
        String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
        if (pvName == null || pvName.isEmpty()) {
            if (!e.pvcLabels) {
                e.drift(PolicyReport.Kind.VOLUME_NOT_FOUND, subject, "not bound yet; its volume needs "
                        + LonghornLabels.RECURRING_JOB_GROUP_PREFIX + criticalGroup + " once bound (run apply again)", null, null);
            }
            return new Resolution(Optional.empty(), false);
        }
        PersistentVolume pv = KubeErrors.call("get PersistentVolume " + pvName, () -> client.persistentVolumes().withName(pvName).get());
        if (pv == null) {
            e.drift(PolicyReport.Kind.VOLUME_NOT_FOUND, subject, "its PV " + pvName + " does not exist", null, null);
            return new Resolution(Optional.empty(), false);
        }
        var csi = pv.getSpec() == null ? null : pv.getSpec().getCsi();
        if (csi == null || !Longhorn.isLonghornDriver(csi.getDriver())) {
            e.drift(PolicyReport.Kind.VOLUME_NOT_FOUND, subject, "its PV " + pvName + " is not a Longhorn volume ("
                    + (csi == null ? "not CSI" : csi.getDriver()) + ")", null, null);
            return new Resolution(Optional.empty(), true);
        }
        return new Resolution(Optional.of(csi.getVolumeHandle()), false);
    }

    private String detectVersion(KubernetesClient client) {
        GenericKubernetesResource s = KubeErrors.call("get Setting " + namespace + "/" + Longhorn.SETTING_CURRENT_VERSION,
                () -> client.genericKubernetesResources(Longhorn.SETTINGS).inNamespace(namespace)
                        .withName(Longhorn.SETTING_CURRENT_VERSION).get());
        String v = s == null ? "" : Cr.str(s, "value");
        if (v.isEmpty()) {
            LOG.warn("cannot tell the Longhorn version (setting {} missing); not labelling claims", Longhorn.SETTING_CURRENT_VERSION);
        }
        return v;
    }

    /** Whether {@code version} ({@code v1.9.3}, {@code 1.10.0-rc1}) is at least {@code major.minor}. */
    static boolean atLeast(String version, int major, int minor) {
        Matcher m = VERSION.matcher(version == null ? "" : version.trim());
        if (!m.matches()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || (ma == major && mi >= minor);
    }

    private static Map<String, String> recurringLabels(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> {
            if ((k.startsWith(LonghornLabels.RECURRING_JOB_PREFIX) || k.startsWith(LonghornLabels.RECURRING_JOB_GROUP_PREFIX))
                    && !k.equals(LonghornLabels.RECURRING_JOB_SOURCE)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, Object> specOf(Job job) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", job.name());
        spec.put("task", job.task());
        spec.put("cron", job.cron());
        spec.put("retain", job.retain());
        spec.put("concurrency", job.concurrency());
        spec.put("groups", new ArrayList<>(job.groups()));
        spec.put("labels", new LinkedHashMap<>(job.labels()));
        return spec;
    }

    private GenericKubernetesResource manifest(Job job) {
        GenericKubernetesResource r = Cr.create(Longhorn.RECURRING_JOBS, namespace, job.name());
        r.getMetadata().setLabels(new LinkedHashMap<>(Map.of(Longhorn.LABEL_MANAGED_BY, Longhorn.MANAGED_BY)));
        Cr.section(r, "spec").putAll(specOf(job));
        return r;
    }

    private static List<String> differences(Job job, GenericKubernetesResource r) {
        List<String> d = new ArrayList<>();
        compare(d, "task", job.task(), Cr.str(r, "spec", "task"));
        compare(d, "cron", job.cron(), Cr.str(r, "spec", "cron"));
        compare(d, "retain", Integer.toString(job.retain()), Cr.number(r, "spec", "retain").map(String::valueOf).orElse(""));
        compare(d, "concurrency", Integer.toString(job.concurrency()),
                Cr.number(r, "spec", "concurrency").map(String::valueOf).orElse(""));
        compare(d, "groups", new TreeSet<>(job.groups()).toString(), new TreeSet<>(Cr.stringList(r, "spec", "groups")).toString());
        compare(d, "labels", new TreeMap<>(job.labels()).toString(), new TreeMap<>(Cr.stringMap(r, "spec", "labels")).toString());
        return d;
    }

    private static void compare(List<String> out, String field, String expected, String actual) {
        if (!expected.equals(actual)) {
            out.add(field + " is '" + actual + "', policy says '" + expected + "'");
        }
    }

    private static String describe(Job j) {
        return j.task() + " '" + j.cron() + "' retain " + j.retain() + " concurrency " + j.concurrency() + " groups " + j.groups();
    }

    /** Builds {@link RecurringJobPolicy}s; starts from the seed policy. */
    public static final class Builder {
        private final Map<String, Job> jobs = new TreeMap<>();
        private String criticalGroup = "critical";
        private LabelSelector criticalSelector = LabelSelector.equalTo("data-tier", "critical");
        private String namespace = Longhorn.DEFAULT_NAMESPACE;
        private final List<String> pvcNamespaces = new ArrayList<>();
        private String longhornVersion;

        private Builder() {
            job(Job.of("default-snapshot", "snapshot", "0 2 * * *", 7, 2, "default"));
            job(Job.of("default-backup", "backup", "0 3 * * 0", 4, 2, "default"));
            job(Job.of("critical-snapshot", "snapshot", "0 * * * *", 24, 2, "critical"));
            job(Job.of("critical-backup", "backup", "0 3 * * *", 7, 2, "critical"));
        }

        /** Adds a job, or replaces the one of the same name. */
        public Builder job(Job j) {
            jobs.put(j.name(), Objects.requireNonNull(j, "job"));
            return this;
        }

        /** Removes a job by name. */
        public Builder withoutJob(String name) {
            jobs.remove(name);
            return this;
        }

        /** Retain count of group {@code group}'s snapshot job ({@code <group>-snapshot}; seed: default 7, critical 24). */
        public Builder snapshotRetain(String group, int retain) {
            return change(group + "-snapshot", j -> new Job(j.name(), j.task(), j.cron(), retain, j.concurrency(), j.groups(), j.labels()));
        }

        /** Retain count of group {@code group}'s backup job ({@code <group>-backup}; seed: default 4, critical 7). */
        public Builder backupRetain(String group, int retain) {
            return change(group + "-backup", j -> new Job(j.name(), j.task(), j.cron(), retain, j.concurrency(), j.groups(), j.labels()));
        }

        /** Schedule of group {@code group}'s snapshot job (seed: default {@code 0 2 * * *}, critical {@code 0 * * * *}). */
        public Builder snapshotCron(String group, String cron) {
            return change(group + "-snapshot", j -> new Job(j.name(), j.task(), cron, j.retain(), j.concurrency(), j.groups(), j.labels()));
        }

        /** Schedule of group {@code group}'s backup job (seed: default {@code 0 3 * * 0}, critical {@code 0 3 * * *}). */
        public Builder backupCron(String group, String cron) {
            return change(group + "-backup", j -> new Job(j.name(), j.task(), cron, j.retain(), j.concurrency(), j.groups(), j.labels()));
        }

        /** Concurrency of every job (seed: 2). */
        public Builder concurrency(int n) {
            jobs.replaceAll((k, j) -> new Job(j.name(), j.task(), j.cron(), j.retain(), n, j.groups(), j.labels()));
            return this;
        }

        private Builder change(String name, java.util.function.UnaryOperator<Job> f) {
            Job j = jobs.get(name);
            if (j == null) {
                throw new InvalidInputException("policy has no recurring job " + name + " (jobs: " + jobs.keySet() + ")");
            }
            jobs.put(name, f.apply(j));
            return this;
        }

        /** The group critical volumes join (default {@code critical}). */
        public Builder criticalGroup(String group) {
            if (group == null || !Names.isDnsSubdomain(group)) {
                throw new InvalidInputException("invalid recurring-job group name '" + group + "'");
            }
            this.criticalGroup = group;
            return this;
        }

        /** Which claims are critical, as a label selector (default {@code data-tier=critical}). */
        public Builder criticalSelector(String selector) {
            this.criticalSelector = LabelSelector.parse(selector);
            return this;
        }

        /** Longhorn's namespace (default {@code longhorn-system}). */
        public Builder namespace(String ns) {
            this.namespace = Objects.requireNonNull(ns, "namespace");
            return this;
        }

        /** Only claims of these namespaces are considered (default: all, which needs a cluster-wide {@code list}). */
        public Builder pvcNamespaces(String... ns) {
            pvcNamespaces.addAll(List.of(ns));
            return this;
        }

        /** The Longhorn version to assume (default: read from the {@code current-longhorn-version} setting). */
        public Builder longhornVersion(String version) {
            this.longhornVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Builds the policy. */
        public RecurringJobPolicy build() {
            if (jobs.values().stream().noneMatch(j -> j.groups().contains(criticalGroup))) {
                throw new InvalidInputException("no recurring job belongs to the critical group '" + criticalGroup + "'");
            }
            return new RecurringJobPolicy(this);
        }
    }
}

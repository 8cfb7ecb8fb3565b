package io.drkit.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which recurring jobs and groups produced a backup, parsed from the {@code RecurringJob} and
 * {@code VolumeRecurringJobInfo} labels, so that a restored volume can rejoin the same backup policy.
 *
 * @param job        the recurring job that made this backup ({@code RecurringJob} label), if any
 * @param volumeJobs the source volume's recurring jobs at backup time, by job name
 */
public record RecurringJobInfo(Optional<String> job, Map<String, VolumeJob> volumeJobs) {

    /**
     * One recurring job the source volume was subject to.
     *
     * @param name       job name
     * @param task       {@code snapshot}, {@code backup}, ...
     * @param cron       schedule
     * @param retain     how many snapshots/backups the job keeps
     * @param groups     the job's own {@code spec.groups}
     * @param fromGroups the volume's groups through which the volume got this job (empty if none)
     * @param fromJob    whether the volume selected this job directly (a {@code recurring-job.longhorn.io/<job>} label)
     */
    public record VolumeJob(String name, String task, String cron, int retain, List<String> groups,
                            List<String> fromGroups, boolean fromJob) {
        /** Copies lists and replaces nulls. */
        public VolumeJob {
            name = Objects.requireNonNullElse(name, "");
            task = Objects.requireNonNullElse(task, "");
            cron = Objects.requireNonNullElse(cron, "");
            groups = List.copyOf(Objects.requireNonNullElse(groups, List.of()));
            fromGroups = List.copyOf(Objects.requireNonNullElse(fromGroups, List.of()));
        }
    }

    /** Copies the map (sorted by job name). */
    public RecurringJobInfo {
        job = Objects.requireNonNullElse(job, Optional.empty());
        volumeJobs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNullElse(volumeJobs, Map.of())));
    }

    /** No recurring-job information (backups made by hand, or before Longhorn 1.4). */
    public static RecurringJobInfo empty() {
        return new RecurringJobInfo(Optional.empty(), Map.of());
    }

    /**
     * Parses the labels of a backup or backup volume.
     *
     * @throws InvalidBackupDataException when {@code VolumeRecurringJobInfo} is present but not a JSON object
     */
    public static RecurringJobInfo fromLabels(Map<String, String> labels) {
        if (labels == null) {
            return empty();
        }
        Optional<String> job = Optional.ofNullable(labels.get(LonghornLabels.RECURRING_JOB)).filter(s -> !s.isBlank());
        String info = labels.get(LonghornLabels.VOLUME_RECURRING_JOB_INFO);
        Map<String, VolumeJob> jobs = new LinkedHashMap<>();
        if (info != null && !info.isBlank()) {
            JsonNode n;
            try {
                n = Json.parse(info);
            } catch (IllegalArgumentException e) {
                throw new InvalidBackupDataException("label " + LonghornLabels.VOLUME_RECURRING_JOB_INFO,
                        "VolumeRecurringJobInfo label is not valid JSON: " + e.getMessage(), e);
            }
            if (!n.isObject()) {
                throw new InvalidBackupDataException("label " + LonghornLabels.VOLUME_RECURRING_JOB_INFO,
                        "VolumeRecurringJobInfo label is not a JSON object");
            }
            n.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                JsonNode spec = v.path("jobSpec");
                String name = Json.text(spec, "name").isEmpty() ? e.getKey() : Json.text(spec, "name");
                jobs.put(e.getKey(), new VolumeJob(name, Json.text(spec, "task"), Json.text(spec, "cron"),
                        spec.path("retain").asInt(0), strings(spec.get("groups")), strings(v.get("fromGroup")),
                        v.path("fromJob").asBoolean(false)));
            });
        }
        return new RecurringJobInfo(job, jobs);
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        if (arr != null && arr.isArray()) {
            arr.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    /** The groups the source volume belonged to (union of every job's {@code fromGroup}), sorted. */
    public Set<String> groups() {
        Set<String> out = new TreeSet<>();
        volumeJobs.values().forEach(j -> out.addAll(j.fromGroups()));
        return Collections.unmodifiableSet(out);
    }

    /** The jobs the source volume selected directly (not through a group), sorted. */
    public Set<String> directJobs() {
        Set<String> out = new TreeSet<>();
        volumeJobs.values().stream().filter(VolumeJob::fromJob).forEach(j -> out.add(j.name()));
        return Collections.unmodifiableSet(out);
    }

    /** The job that made this backup, with its spec, when both labels are present. */
    public Optional<VolumeJob> producingJob() {
        return job.map(volumeJobs::get);
    }

    /**
     * Whether this backup belongs to recurring-job group {@code group}: the volume was in the group, or the job that
     * made the backup lists the group in its spec.
     */
    public boolean belongsToGroup(String group) {
        return groups().contains(group) || producingJob().map(j -> j.groups().contains(group)).orElse(false);
    }

    /** Whether nothing is recorded. */
    public boolean isEmpty() {
        return job.isEmpty() && volumeJobs.isEmpty();
    }

    /** The labels Longhorn would write for this information (for fixtures and tests). */
    public Map<String, String> toLabels() {
        Map<String, String> out = new LinkedHashMap<>();
        job.ifPresent(j -> out.put(LonghornLabels.RECURRING_JOB, j));
        ObjectNode o = Json.object();
        volumeJobs.forEach((k, j) -> {
            ObjectNode e = o.putObject(k);
            ObjectNode spec = e.putObject("jobSpec");
            spec.put("name", j.name());
            if (!j.groups().isEmpty()) {
                j.groups().forEach(spec.putArray("groups")::add);
            }
            spec.put("task", j.task()).put("cron", j.cron()).put("retain", j.retain()).put("concurrency", 1);
            if (j.fromGroups().isEmpty()) {
                e.putNull("fromGroup");
            } else {
                j.fromGroups().forEach(e.putArray("fromGroup")::add);
            }
            e.put("fromJob", j.fromJob());
        });
        out.put(LonghornLabels.VOLUME_RECURRING_JOB_INFO, Json.write(o));
        return out;
    }
}

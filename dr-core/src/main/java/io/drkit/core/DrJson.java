package io.drkit.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.bind.BindResult;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.catalog.ChangeRateVerdict;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.execute.StepResult;
import io.drkit.core.internal.Json;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.Consistency;
import io.drkit.core.plan.NameTemplate;
import io.drkit.core.plan.PlanSkip;
import io.drkit.core.plan.PlanWarning;
import io.drkit.core.plan.ReclaimPolicy;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.plan.RestoreSet;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.plan.StepRules;
import io.drkit.core.util.Names;
import io.drkit.core.util.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The stable JSON encoding of drkit values: restore plans (read and written), execution reports, backups, backup
 * volumes and catalog scans (written), as used by plan files and the CLI's {@code -o json}. The plan schema is
 * versioned ({@link RestorePlan#SCHEMA_VERSION}) and documented in the project README; readers ignore unknown
 * fields and refuse unknown major versions. What is written goes through {@link Redaction}: backup URLs (which never
 * carry credentials a plan would accept, so they are written unchanged), sources, errors and skip details.
 */
public final class DrJson {
    /** Reads plan documents within {@link JsonLimits#PLAN}. */
    private static final ObjectMapper PLAN_MAPPER = JsonLimits.PLAN.mapper();

    private DrJson() {
    }

    // ---------------------------------------------------------------- writing

    /** A plan as an indented JSON document. */
    public static String toJson(RestorePlan plan) {
        return Json.writePretty(planNode(plan));
    }

    /** An execution report as an indented JSON document. */
    public static String toJson(ExecutionReport report) {
        ObjectNode o = Json.object();
        o.put("kind", "ExecutionReport");
        o.put("startedAt", report.startedAt().toString());
        o.put("finishedAt", report.finishedAt().toString());
        o.put("succeeded", report.succeeded());
        ArrayNode arr = o.putArray("results");
        for (StepResult r : report.results()) {
            ObjectNode n = arr.addObject();
            n.put("pvc", r.id());
            n.put("outcome", r.outcome().name());
            n.put("detail", r.detail());
            putOpt(n, "errorType", r.errorType());
            n.put("elapsedMillis", r.elapsed().toMillis());
            if (r.bind().isPresent()) {
                BindResult b = r.bind().get();
                ObjectNode bn = n.putObject("bind");
                bn.put("outcome", b.outcome().name());
                bn.put("volumeName", b.volumeName());
                bn.put("pvName", b.pvName());
                bn.put("pvcCreated", b.pvcCreated());
                strings(bn.putArray("actions"), b.actions());
            }
        }
        return Json.writePretty(o);
    }

    /** A list of backup volumes as a JSON array. */
    public static String volumesToJson(List<BackupVolume> volumes) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        volumes.forEach(v -> a.add(volumeNode(v)));
        return Json.writePretty(a);
    }

    /** A list of backups as a JSON array. */
    public static String backupsToJson(List<Backup> backups) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        backups.forEach(b -> a.add(backupNode(b)));
        return Json.writePretty(a);
    }

    /** A full catalog scan as a JSON document. */
    public static String toJson(CatalogScan scan) {
        ObjectNode o = Json.object();
        o.put("kind", "CatalogScan");
        ArrayNode vols = o.putArray("volumes");
        for (BackupVolume v : scan.volumes()) {
            ObjectNode vn = volumeNode(v);
            ArrayNode bs = vn.putArray("backups");
            scan.backupsOf(v.name()).forEach(b -> bs.add(backupNode(b)));
            vols.add(vn);
        }
        o.set("skipped", skippedNode(scan.skipped()));
        return Json.writePretty(o);
    }

    /** Skipped catalog entries as a JSON array node. */
    public static ArrayNode skippedNode(List<SkippedEntry> skipped) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (SkippedEntry s : skipped) {
            a.addObject().put("location", s.location()).put("reason", s.reason().name())
                    .put("detail", Redaction.text(s.detail()));
        }
        return a;
    }

    /** One backup volume as a JSON object node. */
    public static ObjectNode volumeNode(BackupVolume v) {
        ObjectNode o = Json.object();
        o.put("name", v.name());
        o.put("backendId", v.backendId());
        o.put("size", v.size());
        putOpt(o, "createdAt", v.createdAt().map(Instant::toString));
        putOpt(o, "lastBackupName", v.lastBackupName());
        putOpt(o, "lastBackupAt", v.lastBackupAt().map(Instant::toString));
        o.put("compression", v.compression().wireName());
        o.put("dataEngine", v.dataEngine());
        putOpt(o, "storageClassName", v.storageClassName());
        putOpt(o, "backingImageName", v.backingImageName());
        putOpt(o, "backingImageChecksum", v.backingImageChecksum());
        map(o.putObject("labels"), v.labels());
        return o;
    }

    /** One backup as a JSON object node. */
    public static ObjectNode backupNode(Backup b) {
        ObjectNode o = Json.object();
        o.put("name", b.name());
        o.put("volumeName", b.volumeName());
        putOpt(o, "snapshotName", b.snapshotName());
        putOpt(o, "snapshotCreatedAt", b.snapshotCreatedAt().map(Instant::toString));
        putOpt(o, "completedAt", b.completedAt().map(Instant::toString));
        o.put("size", b.size());
        o.put("volumeSize", b.volumeSize());
        o.put("state", b.state().name());
        o.put("compression", b.compression().wireName());
        o.put("blockSize", b.blockSize());
        putOpt(o, "url", b.url().map(u -> Redaction.url(u.url()))); // identical for every URL a plan accepts (no credentials)
        putOpt(o, "error", b.error().map(Redaction::text));
        map(o.putObject("labels"), b.labels());
        map(o.putObject("parameters"), b.parameters());
        return o;
    }

    private static ObjectNode planNode(RestorePlan p) {
        ObjectNode o = Json.object();
        o.put("kind", "RestorePlan");
        o.put("schemaVersion", p.schemaVersion());
        o.put("createdAt", p.createdAt().toString());
        o.put("source", Redaction.text(p.source()));
        o.put("clusterAware", p.clusterAware());
        o.put("catalogComplete", p.catalogComplete());
        o.set("request", requestNode(p.request()));
        ArrayNode steps = o.putArray("steps");
        for (RestoreStep s : p.steps()) {
            ObjectNode n = steps.addObject();
            n.put("pvc", s.id());
            n.put("volumeName", s.volumeName());
            n.put("pvName", s.pvName());
            n.put("sizeBytes", s.sizeBytes());
            n.put("storageClassName", s.storageClassName());
            strings(n.putArray("accessModes"), s.accessModes().stream().map(AccessMode::kubernetesName).toList());
            n.put("replicas", s.replicas());
            n.put("reclaimPolicy", s.reclaimPolicy().kubernetesName());
            n.put("fsType", s.fsType());
            n.put("staleReplicaTimeout", s.staleReplicaTimeout());
            n.put("dataEngine", s.dataEngine());
            n.put("createPvc", s.createPvc());
            strings(n.putArray("recurringJobGroups"), s.recurringJobGroups());
            strings(n.putArray("recurringJobs"), s.recurringJobs());
            n.put("reason", s.reason());
            strings(n.putArray("notes"), s.notes());
            n.set("backup", backupNode(s.backup()));
        }
        ArrayNode skips = o.putArray("skips");
        for (PlanSkip s : p.skips()) {
            ObjectNode n = skips.addObject();
            putOpt(n, "pvc", s.pvc().map(PvcRef::toString));
            n.put("subject", s.subject());
            n.put("reason", s.reason().name());
            n.put("detail", Redaction.text(s.detail()));
        }
        ArrayNode warnings = o.putArray("warnings");
        for (PlanWarning w : p.warnings()) {
            ObjectNode n = warnings.addObject();
            putOpt(n, "pvc", w.pvc().map(PvcRef::toString));
            n.put("kind", w.kind().name());
            n.put("message", Redaction.text(w.message()));
        }
        ArrayNode sets = o.putArray("sets");
        for (RestoreSet rs : p.sets()) {
            ObjectNode n = sets.addObject();
            n.put("key", rs.key());
            n.put("status", rs.status().name());
            putOpt(n, "consistentAt", rs.consistentAt().map(Instant::toString));
            n.put("window", rs.window().toString());
            n.put("skew", rs.skew().toString());
            ArrayNode members = n.putArray("members");
            for (RestoreSet.Member m : rs.members()) {
                ObjectNode mn = members.addObject();
                mn.put("pvc", m.pvc().toString());
                putOpt(mn, "volumeName", m.volumeName());
                putOpt(mn, "backup", m.backupName());
                putOpt(mn, "backupAt", m.backupAt().map(Instant::toString));
                putOpt(mn, "newestBackup", m.newestBackup());
                putOpt(mn, "newestAt", m.newestAt().map(Instant::toString));
                mn.put("cost", m.cost().toString());
                putOpt(mn, "skipped", m.skipped().map(Enum::name));
            }
        }
        return o;
    }

    /** One change rate as a JSON object node ({@code fraction} null when unknown). */
    public static ObjectNode changeRateNode(ChangeRate r) {
        ObjectNode o = Json.object();
        o.put("backup", r.backupName());
        putOpt(o, "previousBackup", r.previousBackup());
        o.put("basis", r.basis().wireName());
        if (r.isKnown()) {
            o.put("fraction", r.fraction());
            o.put("changedBlocks", r.changedBlocks());
            o.put("comparedBlocks", r.comparedBlocks());
        } else {
            o.putNull("fraction");
        }
        o.put("detail", Redaction.text(r.detail()));
        return o;
    }

    /**
     * A change rate with the change-rate guard's verdict on it, as {@code dr backups} and {@code dr audit} write it:
     * {@link #changeRateNode} plus {@code verdict} ({@code NORMAL}, {@code ANOMALY}, {@code NOT_JUDGED}),
     * {@code usualFraction} (null when no earlier rate is known) and {@code verdictDetail}.
     */
    public static ObjectNode changeRateNode(ChangeRateVerdict v) {
        ObjectNode o = changeRateNode(v.rate());
        o.put("verdict", v.status().name());
        if (Double.isNaN(v.usualRate())) {
            o.putNull("usualFraction");
        } else {
            o.put("usualFraction", v.usualRate());
        }
        o.put("verdictDetail", Redaction.text(v.detail()));
        return o;
    }

    private static ObjectNode requestNode(RestoreRequest r) {
        ObjectNode o = Json.object();
        o.put("all", r.selectAll());
        strings(o.putArray("pvcs"), r.pvcs().stream().map(PvcRef::toString).toList());
        strings(o.putArray("namespaces"), r.namespaces());
        putOpt(o, "pvcSelector", r.pvcSelector().map(LabelSelector::toString));
        strings(o.putArray("groups"), r.groups());
        putOpt(o, "asOf", r.asOf().map(Instant::toString));
        putOpt(o, "maxAge", r.maxAge().map(Duration::toString));
        o.put("volumeName", r.volumeName().pattern());
        o.put("pvName", r.pvName().pattern());
        o.put("replicas", r.replicas());
        o.put("reclaimPolicy", r.reclaimPolicy().kubernetesName());
        putOpt(o, "storageClass", r.storageClass());
        o.put("fsType", r.fsType());
        o.put("staleReplicaTimeout", r.staleReplicaTimeout());
        o.put("createPvc", r.createPvc());
        o.put("allowSmallerBackup", r.allowSmallerBackup());
        o.put("dataLossRatio", r.dataLossRatio());
        Consistency c = r.consistency();
        ObjectNode cn = o.putObject("consistency");
        cn.put("grouping", c.spec());
        cn.put("window", c.window().toString());
        cn.put("strict", c.strict());
        o.put("onAnomaly", r.onAnomaly().wireName());
        ChangeRateRule rule = r.changeRateRule();
        o.putObject("changeRateRule").put("history", rule.history()).put("minHistory", rule.minHistory())
                .put("floor", rule.floor()).put("factor", rule.factor()).put("madMultiplier", rule.madMultiplier());
        return o;
    }

    private static void putOpt(ObjectNode o, String field, Optional<String> v) {
        if (v.isPresent()) {
            o.put(field, v.get());
        } else {
            o.putNull(field);
        }
    }

    private static void strings(ArrayNode a, Collection<String> values) {
        values.forEach(a::add);
    }

    private static void map(ObjectNode o, Map<String, String> m) {
        new java.util.TreeMap<>(m).forEach(o::put);
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a plan document written by {@link #toJson(RestorePlan)}.
     *
     * @throws InvalidInputException naming the JSON path of the first bad or missing field
     * @see #planFromJson(java.io.Reader)
     */
    public static RestorePlan planFromJson(String json) {
        return planFromJson(new java.io.StringReader(json == null ? "" : json));
    }

    /**
     * Reads a plan document, streamed and bounded by {@link JsonLimits#PLAN} (document size, nesting, string and
     * number lengths, steps, skips and warnings, labels per backup): steps are read and checked one at a time, so a
     * document over a bound fails with an error naming the bound instead of filling memory. Every step must obey
     * {@link StepRules}, the rules the planner plans by (a plan is input that may have been edited): names, a complete
     * backup whose URL names the same backup and volume, sizes, file system, access modes, replicas; no two steps may
     * restore into the same volume or PV. Duplicate fields are refused (a second {@code url} cannot hide behind the
     * first).
     *
     * @throws InvalidInputException naming the JSON path ({@code steps[0].backup.url}) and the rule or bound broken
     */
    public static RestorePlan planFromJson(java.io.Reader in) {
        JsonLimits limits = JsonLimits.PLAN;
        Reader r = new Reader(limits);
        ObjectNode root = Json.object();
        List<RestoreStep> steps = new ArrayList<>();
        List<PlanSkip> skips = new ArrayList<>();
        List<PlanWarning> warnings = new ArrayList<>();
        List<RestoreSet> sets = new ArrayList<>();
        try (JsonParser p = PLAN_MAPPER.createParser(in)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException("plan document must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "steps" -> {
                        checkHeader(root, r, false);
                        r.stream(p, "steps", (n, path) -> steps.add(r.step(n, path)));
                    }
                    case "skips" -> r.stream(p, "skips", (n, path) -> skips.add(new PlanSkip(
                            r.optText(n, "pvc").map(x -> r.pvc(x, path + ".pvc")), r.text(n, "subject", path),
                            r.enumValue(PlanSkip.SkipReason.class, r.text(n, "reason", path), path + ".reason"),
                            r.optText(n, "detail").orElse(""))));
                    case "warnings" -> r.stream(p, "warnings", (n, path) -> warnings.add(new PlanWarning(
                            r.optText(n, "pvc").map(x -> r.pvc(x, path + ".pvc")),
                            r.enumValue(PlanWarning.Kind.class, r.text(n, "kind", path), path + ".kind"),
                            r.text(n, "message", path))));
                    case "sets" -> r.stream(p, "sets", (n, path) -> sets.add(r.set(n, path)));
                    case "kind", "schemaVersion", "createdAt", "source", "clusterAware", "catalogComplete", "request" ->
                            root.set(field, limits.readItem(p, field));
                    default -> p.skipChildren(); // unknown fields are ignored, never held
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidInputException("plan document has content after its closing brace");
            }
        } catch (StreamConstraintsException e) {
            throw new InvalidInputException("plan document: " + limits.describe(e), e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("plan document is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"), e);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("cannot read the plan document: " + e.getMessage(), e);
        }
        int version = checkHeader(root, r, true);
        RestoreRequest request = r.request(r.object(root, "request", ""), "request");
        List<StepRules.Violation> clashes = StepRules.checkAll(steps);
        if (!clashes.isEmpty()) {
            throw new InvalidInputException("plan document: " + clashes.get(0));
        }
        checkSets(sets, steps);
        return new RestorePlan(version, r.instant(root, "createdAt", ""), r.optText(root, "source").orElse(""),
                root.path("clusterAware").asBoolean(false), request, steps, skips, warnings,
                root.path("catalogComplete").asBoolean(true), sets);
    }

    /**
     * Checks the restore sets against each other and the steps: a claim is in at most one set; a member restored by a
     * step names that step's backup and volume; in a consistent set, that backup is within the window before T.
     */
    private static void checkSets(List<RestoreSet> sets, List<RestoreStep> steps) {
        java.util.Map<PvcRef, RestoreStep> byPvc = new java.util.HashMap<>();
        steps.forEach(s -> byPvc.put(s.pvc(), s));
        java.util.Map<PvcRef, String> seen = new java.util.HashMap<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < sets.size(); i++) {
            RestoreSet set = sets.get(i);
            String path = "sets[" + i + "]";
            if (!keys.add(set.key())) {
                throw new InvalidInputException("plan document: " + path + ".key: set " + set.key() + " appears twice");
            }
            for (int j = 0; j < set.members().size(); j++) {
                RestoreSet.Member m = set.members().get(j);
                String mp = path + ".members[" + j + "]";
                String other = seen.put(m.pvc(), set.key());
                if (other != null) {
                    throw new InvalidInputException("plan document: " + mp + ".pvc: " + m.pvc() + " is in set " + other
                            + " and in set " + set.key());
                }
                RestoreStep step = byPvc.get(m.pvc());
                if (step == null) {
                    continue;
                }
                if (m.backupName().isPresent() && (!m.backupName().get().equals(step.backup().name())
                        || !m.volumeName().orElse(step.backup().volumeName()).equals(step.backup().volumeName()))) {
                    throw new InvalidInputException("plan document: " + mp + ".backup: the set plans "
                            + m.volumeName().orElse("?") + "/" + m.backupName().get() + " for " + m.pvc()
                            + ", but its step restores " + step.backup().volumeName() + "/" + step.backup().name());
                }
                if (set.status() == RestoreSet.Status.CONSISTENT) {
                    Instant t = set.consistentAt().orElseThrow();
                    Optional<Instant> at = step.backup().pointInTime();
                    if (at.isEmpty() || at.get().isAfter(t) || at.get().isBefore(t.minus(set.window()))) {
                        throw new InvalidInputException("plan document: " + mp + ": the step of " + m.pvc()
                                + " restores " + step.backup().name() + " from " + at.map(Instant::toString).orElse("an "
                                + "unknown time") + ", not within " + set.window() + " before the set's consistent point "
                                + t);
                    }
                }
            }
        }
    }

    /** Checks kind and schemaVersion when present (or always when {@code required}); returns the version. */
    private static int checkHeader(JsonNode root, Reader r, boolean required) {
        String kind = Json.text(root, "kind");
        if (!kind.isEmpty() && !"RestorePlan".equals(kind)) {
            throw new InvalidInputException("document kind is '" + kind + "', expected RestorePlan");
        }
        if (!required && !root.has("schemaVersion")) {
            return RestorePlan.SCHEMA_VERSION;
        }
        int version = r.integer(root, "schemaVersion", "");
        if (version != RestorePlan.SCHEMA_VERSION) {
            throw new InvalidInputException("plan schemaVersion " + version + " is not supported (this library reads "
                    + RestorePlan.SCHEMA_VERSION + ")");
        }
        return version;
    }

    /** Reading helpers that name the JSON path in every error. */
    private static final class Reader {
        interface Item<T> {
            T read(JsonNode node, String path);
        }

        interface Sink {
            void read(JsonNode node, String path);
        }

        private final JsonLimits limits;

        Reader(JsonLimits limits) {
            this.limits = limits;
        }

        /** Reads an array field item by item, each item handed over before the next is read. */
        void stream(JsonParser p, String field, Sink sink) throws java.io.IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw new InvalidInputException("plan document: " + field + " is not an array");
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (i >= limits.maxEntries()) {
                    throw new InvalidInputException("plan document: " + limits.tooManyEntries(field));
                }
                String path = field + "[" + i + "]";
                JsonNode n = limits.readItem(p, path);
                if (n == null || !n.isObject()) {
                    throw new InvalidInputException("plan document: " + path + " is not an object");
                }
                sink.read(n, path);
                i++;
            }
        }

        private static String at(String path, String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        JsonNode object(JsonNode n, String field, String path) {
            JsonNode v = n.get(field);
            if (v == null || !v.isObject()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is missing or not an object");
            }
            return v;
        }

        String text(JsonNode n, String field, String path) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull() || !v.isValueNode()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is missing");
            }
            return v.asText();
        }

        Optional<String> optText(JsonNode n, String field) {
            JsonNode v = n.get(field);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
        }

        int integer(JsonNode n, String field, String path) {
            JsonNode v = n.get(field);
            if (v == null || !v.canConvertToInt()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is missing or not an integer");
            }
            return v.asInt();
        }

        long longValue(JsonNode n, String field, String path) {
            JsonNode v = n.get(field);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is missing or not an integer");
            }
            return v.asLong();
        }

        long optLong(JsonNode n, String field, String path, long otherwise) {
            JsonNode v = n.get(field);
            return v == null || v.isNull() ? otherwise : longValue(n, field, path);
        }

        int optInt(JsonNode n, String field, String path, int otherwise) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return otherwise;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is not an integer");
            }
            return v.asInt();
        }

        boolean optBool(JsonNode n, String field, String path, boolean otherwise) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return otherwise;
            }
            if (!v.isBoolean()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is not true or false");
            }
            return v.booleanValue();
        }

        Map<String, String> stringMap(JsonNode n, String field, String path) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return Map.of();
            }
            if (!v.isObject()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is not an object");
            }
            if (v.size() > limits.maxEntries()) {
                throw new InvalidInputException("plan document: " + at(path, field) + ": "
                        + limits.tooManyEntries(field));
            }
            long chars = 0;
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                String value = e.getValue().isNull() ? "" : e.getValue().asText();
                chars += e.getKey().length() + value.length();
                if (chars > limits.maxEntryBytes()) {
                    throw new InvalidInputException("plan document: " + at(path, field) + ": "
                            + limits.entriesTooLarge(field));
                }
                out.put(e.getKey(), value);
            }
            return out;
        }

        Instant instant(JsonNode n, String field, String path) {
            String t = text(n, field, path);
            return parseInstant(t, at(path, field));
        }

        Optional<Instant> optInstant(JsonNode n, String field, String path) {
            return optText(n, field).map(t -> parseInstant(t, at(path, field)));
        }

        private Instant parseInstant(String t, String where) {
            try {
                return Instant.parse(t);
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidInputException("plan document: " + where + " is not an ISO-8601 instant: '" + t + "'", e);
            }
        }

        AccessMode accessMode(String text, String path) {
            String problem = StepRules.accessModeProblem(text);
            if (problem != null) {
                throw new InvalidInputException("plan document: " + path + ": " + problem);
            }
            return AccessMode.fromKubernetes(text).orElseThrow();
        }

        BackupUrl backupUrl(String text, String path) {
            try {
                return BackupUrl.parse(text);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("plan document: " + path + ": " + e.getMessage(), e);
            }
        }

        PvcRef pvc(String text, String path) {
            try {
                return PvcRef.parse(text);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("plan document: " + path + ": " + e.getMessage(), e);
            }
        }

        <E extends Enum<E>> E enumValue(Class<E> type, String value, String path) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(value)) {
                    return e;
                }
            }
            throw new InvalidInputException("plan document: " + path + " has unknown value '" + value + "'");
        }

        <T> List<T> list(JsonNode n, String field, String path, Item<T> item) {
            JsonNode v = n.get(field);
            List<T> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isArray()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is not an array");
            }
            for (int i = 0; i < v.size(); i++) {
                out.add(item.read(v.get(i), at(path, field) + "[" + i + "]"));
            }
            return out;
        }

        Set<String> stringSet(JsonNode n, String field, String path) {
            return new LinkedHashSet<>(list(n, field, path, (x, p) -> x.asText()));
        }

        <T> T wrap(String path, Function<Void, T> f) {
            try {
                return f.apply(null);
            } catch (InvalidInputException e) {
                if (e.getMessage().startsWith("plan document")) {
                    throw e;
                }
                throw new InvalidInputException("plan document: " + path + ": " + e.getMessage(), e);
            }
        }

        RestoreRequest request(JsonNode n, String path) {
            return wrap(path, x -> {
                RestoreRequest.Builder b = RestoreRequest.builder();
                if (n.path("all").asBoolean(false)) {
                    b.all();
                }
                list(n, "pvcs", path, (v, p) -> pvc(v.asText(), p)).forEach(b::pvc);
                stringSet(n, "namespaces", path).forEach(b::namespace);
                optText(n, "pvcSelector").ifPresent(b::pvcSelector);
                stringSet(n, "groups", path).forEach(b::group);
                optInstant(n, "asOf", path).ifPresent(b::asOf);
                optText(n, "maxAge").ifPresent(d -> {
                    try {
                        b.maxAge(Duration.parse(d));
                    } catch (java.time.format.DateTimeParseException e) {
                        throw new InvalidInputException("plan document: " + at(path, "maxAge") + " is not an ISO-8601 duration", e);
                    }
                });
                optText(n, "volumeName").ifPresent(b::volumeName);
                optText(n, "pvName").ifPresent(b::pvName);
                b.replicas(n.path("replicas").asInt(0));
                optText(n, "reclaimPolicy").map(ReclaimPolicy::parse).ifPresent(b::reclaimPolicy);
                optText(n, "storageClass").ifPresent(b::storageClass);
                optText(n, "fsType").ifPresent(b::fsType);
                b.staleReplicaTimeout(n.path("staleReplicaTimeout").asInt(2880));
                b.createPvc(n.path("createPvc").asBoolean(false));
                b.allowSmallerBackup(n.path("allowSmallerBackup").asBoolean(false));
                b.dataLossRatio(n.path("dataLossRatio").asDouble(0.5));
                JsonNode cons = n.get("consistency");
                if (cons != null && !cons.isNull()) {
                    if (!cons.isObject()) {
                        throw new InvalidInputException("plan document: " + at(path, "consistency") + " is not an object");
                    }
                    String where = at(path, "consistency");
                    b.consistency(Consistency.parse(optText(cons, "grouping").orElse("none"))
                            .withWindow(optText(cons, "window").map(w -> duration(w, at(where, "window")))
                                    .orElse(Consistency.DEFAULT_WINDOW))
                            .withStrict(optBool(cons, "strict", where, false)));
                }
                optText(n, "onAnomaly").map(AnomalyPolicy::parse).ifPresent(b::onAnomaly);
                JsonNode rule = n.get("changeRateRule");
                if (rule != null && !rule.isNull()) {
                    if (!rule.isObject()) {
                        throw new InvalidInputException("plan document: " + at(path, "changeRateRule") + " is not an object");
                    }
                    ChangeRateRule d = ChangeRateRule.standard();
                    String where = at(path, "changeRateRule");
                    b.changeRateRule(ChangeRateRule.builder()
                            .history(optInt(rule, "history", where, d.history()))
                            .minHistory(optInt(rule, "minHistory", where, d.minHistory()))
                            .floor(optDouble(rule, "floor", where, d.floor()))
                            .factor(optDouble(rule, "factor", where, d.factor()))
                            .madMultiplier(optDouble(rule, "madMultiplier", where, d.madMultiplier()))
                            .build());
                }
                return b.build();
            });
        }

        double optDouble(JsonNode n, String field, String path, double otherwise) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return otherwise;
            }
            if (!v.isNumber()) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is not a number");
            }
            return v.asDouble();
        }

        Duration duration(String text, String where) {
            try {
                return Duration.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidInputException("plan document: " + where + " is not an ISO-8601 duration: '" + text
                        + "'", e);
            }
        }

        Optional<Duration> optDuration(JsonNode n, String field, String path) {
            return optText(n, field).map(t -> duration(t, at(path, field)));
        }

        Optional<String> optName(JsonNode n, String field, String path) {
            Optional<String> v = optText(n, field);
            if (v.isPresent() && !Names.isBackupstoreName(v.get())) {
                throw new InvalidInputException("plan document: " + at(path, field) + " is not a backup or volume name: '"
                        + v.get() + "'");
            }
            return v;
        }

        RestoreSet set(JsonNode n, String path) {
            return wrap(path, x -> {
                String key = text(n, "key", path);
                if (key.length() > 512) {
                    throw new InvalidInputException("plan document: " + at(path, "key") + " is longer than 512 characters");
                }
                List<RestoreSet.Member> members = list(n, "members", path, (m, mp) -> {
                    if (!m.isObject()) {
                        throw new InvalidInputException("plan document: " + mp + " is not an object");
                    }
                    return new RestoreSet.Member(pvc(text(m, "pvc", mp), at(mp, "pvc")), optName(m, "volumeName", mp),
                            optName(m, "backup", mp), optInstant(m, "backupAt", mp), optName(m, "newestBackup", mp),
                            optInstant(m, "newestAt", mp), optDuration(m, "cost", mp).orElse(Duration.ZERO),
                            optText(m, "skipped").map(k -> enumValue(PlanSkip.SkipReason.class, k, at(mp, "skipped"))));
                });
                return new RestoreSet(key, enumValue(RestoreSet.Status.class, text(n, "status", path), at(path, "status")),
                        optInstant(n, "consistentAt", path),
                        optDuration(n, "window", path).orElse(Consistency.DEFAULT_WINDOW),
                        optDuration(n, "skew", path).orElse(Duration.ZERO), members);
            });
        }

        RestoreStep step(JsonNode n, String path) {
            RestoreStep step = wrap(path, x -> {
                PvcRef pvc = pvc(text(n, "pvc", path), at(path, "pvc"));
                Backup backup = backup(object(n, "backup", path), at(path, "backup"));
                if (backup.url().isEmpty()) {
                    throw new InvalidInputException("plan document: " + at(path, "backup.url") + " is missing");
                }
                return RestoreStep.builder(pvc, backup)
                        .volumeName(text(n, "volumeName", path))
                        .pvName(text(n, "pvName", path))
                        .sizeBytes(longValue(n, "sizeBytes", path))
                        .storageClassName(optText(n, "storageClassName").orElse(""))
                        .accessModes(list(n, "accessModes", path, (v, p) -> accessMode(v.asText(), p)))
                        .replicas(optInt(n, "replicas", path, 0))
                        .reclaimPolicy(ReclaimPolicy.parse(optText(n, "reclaimPolicy").orElse("Retain")))
                        .fsType(optText(n, "fsType").orElse("ext4"))
                        .staleReplicaTimeout(optInt(n, "staleReplicaTimeout", path, 2880))
                        .dataEngine(optText(n, "dataEngine").orElse("v1"))
                        .createPvc(optBool(n, "createPvc", path, false))
                        .recurringJobGroups(stringSet(n, "recurringJobGroups", path))
                        .recurringJobs(stringSet(n, "recurringJobs", path))
                        .reason(optText(n, "reason").orElse(""))
                        .notes(list(n, "notes", path, (v, p) -> v.asText()))
                        .build();
            });
            List<StepRules.Violation> broken = StepRules.check(step);
            if (!broken.isEmpty()) {
                throw new InvalidInputException("plan document: " + at(path, broken.get(0).toString())
                        + (broken.size() > 1 ? " (and " + (broken.size() - 1) + " more: "
                        + broken.subList(1, broken.size()).stream().map(v -> at(path, v.field()))
                        .collect(java.util.stream.Collectors.joining(", ")) + ")" : ""));
            }
            return step;
        }

        Backup backup(JsonNode n, String path) {
            Backup.Builder b = Backup.builder(text(n, "name", path), text(n, "volumeName", path));
            optText(n, "snapshotName").ifPresent(b::snapshotName);
            optInstant(n, "snapshotCreatedAt", path).ifPresent(b::snapshotCreatedAt);
            optInstant(n, "completedAt", path).ifPresent(b::completedAt);
            b.size(optLong(n, "size", path, 0));
            b.volumeSize(optLong(n, "volumeSize", path, 0));
            b.state(enumValue(BackupState.class, optText(n, "state").orElse("COMPLETED"), at(path, "state")));
            b.compression(CompressionMethod.parse(optText(n, "compression").orElse("gzip")).orElseThrow(() ->
                    new InvalidInputException("plan document: " + at(path, "compression") + " is not none, gzip or lz4")));
            b.blockSize(optLong(n, "blockSize", path, Backup.DEFAULT_BLOCK_SIZE));
            optText(n, "url").ifPresent(u -> b.url(backupUrl(u, at(path, "url"))));
            optText(n, "error").ifPresent(b::error);
            b.labels(stringMap(n, "labels", path));
            b.parameters(stringMap(n, "parameters", path));
            return b.build();
        }
    }
}

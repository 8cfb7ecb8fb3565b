package io.drkit.core.plan;

import io.drkit.core.DrJson;
import io.drkit.core.JsonLimits;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.PvcRef;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A reviewable restore plan: what will be restored, from which backup, into which volume and PV, for which claim,
 * and why every other candidate was skipped. It round-trips through JSON ({@link #toJson()}, {@link #fromJson}) so a
 * plan computed yesterday can be reviewed, committed to git and applied today.
 *
 * @param schemaVersion version of the JSON schema ({@value #SCHEMA_VERSION})
 * @param createdAt     when the plan was computed
 * @param source        the catalog it was computed from (no credentials)
 * @param clusterAware  whether live cluster state was checked (false for offline plans)
 * @param request       the request it answers
 * @param steps         restores, ordered by claim
 * @param skips         candidates not restored, with reasons
 * @param warnings      things a reviewer must read
 * @param catalogComplete whether the catalog's view was known to be complete
 *                      ({@link io.drkit.core.catalog.BackupCatalog#completeness()}); when false, skips with reason
 *                      {@link PlanSkip.SkipReason#CATALOG_INCOMPLETE} (and a {@link PlanWarning.Kind#CATALOG_INCOMPLETE}
 *                      warning) say what was not synced, and "nothing to restore" cannot be concluded
 * @param sets          the app-consistent restore sets ({@link RestoreRequest#consistency()}), sorted by key; empty
 *                      when the request groups no claims
 */
public record RestorePlan(int schemaVersion, Instant createdAt, String source, boolean clusterAware,
                          RestoreRequest request, List<RestoreStep> steps, List<PlanSkip> skips,
                          List<PlanWarning> warnings, boolean catalogComplete, List<RestoreSet> sets) {

    /** The JSON schema version this library writes. */
    public static final int SCHEMA_VERSION = 1;

    /** A plan made from a view known to be complete. */
    public RestorePlan(int schemaVersion, Instant createdAt, String source, boolean clusterAware, RestoreRequest request,
                       List<RestoreStep> steps, List<PlanSkip> skips, List<PlanWarning> warnings) {
        this(schemaVersion, createdAt, source, clusterAware, request, steps, skips, warnings, true);
    }

    /** A plan without restore sets. */
    public RestorePlan(int schemaVersion, Instant createdAt, String source, boolean clusterAware, RestoreRequest request,
                       List<RestoreStep> steps, List<PlanSkip> skips, List<PlanWarning> warnings,
                       boolean catalogComplete) {
        this(schemaVersion, createdAt, source, clusterAware, request, steps, skips, warnings, catalogComplete, List.of());
    }

    /** Validates and copies. */
    public RestorePlan {
        Objects.requireNonNull(createdAt, "createdAt");
        source = Objects.requireNonNullElse(source, "");
        Objects.requireNonNull(request, "request");
        steps = List.copyOf(Objects.requireNonNullElse(steps, List.of()));
        skips = List.copyOf(Objects.requireNonNullElse(skips, List.of()));
        warnings = List.copyOf(Objects.requireNonNullElse(warnings, List.of()));
        sets = List.copyOf(Objects.requireNonNullElse(sets, List.of()));
        long distinct = steps.stream().map(RestoreStep::pvc).distinct().count();
        if (distinct != steps.size()) {
            throw new io.drkit.core.InvalidInputException("restore plan has more than one step for the same PVC");
        }
    }

    /** The step for {@code pvc}, if planned. */
    public Optional<RestoreStep> findStep(PvcRef pvc) {
        return steps.stream().filter(s -> s.pvc().equals(pvc)).findFirst();
    }

    /**
     * The step for {@code pvc}.
     *
     * @throws NotFoundException when the plan has no step for it
     */
    public RestoreStep getStep(PvcRef pvc) {
        return findStep(pvc).orElseThrow(() -> new NotFoundException("plan has no step for PVC " + pvc));
    }

    /** The restore set {@code pvc} belongs to, if any. */
    public Optional<RestoreSet> findSet(PvcRef pvc) {
        return sets.stream().filter(s -> s.findMember(pvc).isPresent()).findFirst();
    }

    /** The restore set named {@code key} ({@code namespace=shop}, {@code app.kubernetes.io/instance=immich}), if any. */
    public Optional<RestoreSet> findSet(String key) {
        return sets.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** The skip entries with {@code reason}. */
    public List<PlanSkip> skips(PlanSkip.SkipReason reason) {
        return skips.stream().filter(s -> s.reason() == reason).toList();
    }

    /** The warnings of {@code kind}. */
    public List<PlanWarning> warnings(PlanWarning.Kind kind) {
        return warnings.stream().filter(w -> w.kind() == kind).toList();
    }

    /**
     * Whether there are no steps. Only with {@link #catalogComplete()} does that mean "nothing to restore"; see
     * {@link #isNothingToRestore()}.
     */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Whether there is nothing to restore and the view it was made from was known to be complete. */
    public boolean isNothingToRestore() {
        return steps.isEmpty() && catalogComplete;
    }

    /** The skips of candidates whose backups were not known completely ({@link PlanSkip.SkipReason#CATALOG_INCOMPLETE}). */
    public List<PlanSkip> incompleteSkips() {
        return skips(PlanSkip.SkipReason.CATALOG_INCOMPLETE);
    }

    /**
     * The claims held for a human decision: skipped as {@link PlanSkip.SkipReason#INCONSISTENT_SET} (a strict restore
     * set without a consistent point) or {@link PlanSkip.SkipReason#CHANGE_RATE_ANOMALY} (the change-rate guard's
     * {@code hold}, or {@code previous} without a backup before the anomaly). The CLI and the restore Job exit 9 when
     * there are any.
     */
    public List<PlanSkip> heldSkips() {
        return skips().stream().filter(s -> s.reason().isHold()).toList();
    }

    /** The plan as an indented JSON document (schema in the project README). */
    public String toJson() {
        return DrJson.toJson(this);
    }

    /**
     * Reads a plan document.
     *
     * @throws io.drkit.core.InvalidInputException when the text is not a plan, or has an unsupported schema version
     */
    public static RestorePlan fromJson(String json) {
        return DrJson.planFromJson(json);
    }

    /**
     * Reads a plan document from a stream of characters, bounded and checked as {@link DrJson#planFromJson(Reader)}
     * describes: every step against {@link StepRules}, the document against {@link JsonLimits#PLAN}.
     *
     * @throws io.drkit.core.InvalidInputException naming the JSON path and the rule or bound broken
     */
    public static RestorePlan fromJson(Reader json) {
        return DrJson.planFromJson(json);
    }

    /**
     * Reads a plan file (UTF-8). A file larger than {@link JsonLimits#PLAN}'s document limit is refused before it is
     * read.
     *
     * @throws io.drkit.core.InvalidInputException when the file cannot be read, is too large, or is not a valid plan
     */
    public static RestorePlan read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new io.drkit.core.InvalidInputException("cannot read plan file " + file + ": " + e, e);
        }
        long max = JsonLimits.PLAN.maxDocumentBytes();
        if (max > 0 && size > max) {
            throw new io.drkit.core.InvalidInputException("plan file " + file + " is " + size + " bytes, more than the "
                    + JsonLimits.PLAN.name() + " limit of " + max + " bytes");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return fromJson(in);
        } catch (IOException e) {
            throw new io.drkit.core.InvalidInputException("cannot read plan file " + file + ": " + e, e);
        } catch (io.drkit.core.InvalidInputException e) {
            throw new io.drkit.core.InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    /** A readable table of steps, skips (not-selected ones counted) and warnings. */
    public String toTable() {
        return PlanTable.render(this, false);
    }

    /** A readable table that also lists every not-selected candidate. */
    public String toTable(boolean verbose) {
        return PlanTable.render(this, verbose);
    }
}

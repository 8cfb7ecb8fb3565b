package io.drkit.core.plan;

import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Names;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a restore groups claims into app-consistent restore sets ({@link RestoreSet}): not at all (the default), by
 * namespace, or by the value of a label of the claims (for example {@code app.kubernetes.io/instance}). For each set
 * the planner picks the newest point T at which every claim of the set has a complete backup taken within
 * {@link #window()} before T, and each claim restores its newest complete backup at or before T.
 *
 * @param grouping how claims are grouped
 * @param labelKey the label key for {@link Grouping#LABEL} (empty otherwise)
 * @param window   how far apart the backups of one set may be (default 2 h)
 * @param strict   hold a set that has no such T (skip its claims as {@link PlanSkip.SkipReason#INCONSISTENT_SET})
 *                 instead of restoring each claim's own backup with an {@link PlanWarning.Kind#INCONSISTENT_SET}
 *                 warning
 */
public record Consistency(Grouping grouping, String labelKey, Duration window, boolean strict) {
    /** The default window: 2 hours. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(2);
    /** The longest window accepted: 366 days. */
    public static final Duration MAX_WINDOW = Duration.ofDays(366);

    private static final Consistency NONE = new Consistency(Grouping.NONE, "", DEFAULT_WINDOW, false);

    /** How claims are grouped into sets. */
    public enum Grouping {
        /** No sets: every claim restores its own newest backup. */
        NONE,
        /** One set per namespace. */
        NAMESPACE,
        /** One set per value of a label on the claims (claims without the label are in no set). */
        LABEL
    }

    /** Validates. */
    public Consistency {
        Objects.requireNonNull(grouping, "grouping");
        labelKey = Objects.requireNonNullElse(labelKey, "");
        window = Objects.requireNonNullElse(window, DEFAULT_WINDOW);
        if (grouping == Grouping.LABEL && !Names.isLabelKey(labelKey)) {
            throw new InvalidInputException("restore sets: '" + labelKey + "' is not a Kubernetes label key");
        }
        if (grouping != Grouping.LABEL && !labelKey.isEmpty()) {
            throw new InvalidInputException("restore sets: a label key is only used with label grouping");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
            throw new InvalidInputException("consistency window must be positive and at most " + MAX_WINDOW.toDays()
                    + " days, got " + window);
        }
    }

    /** No sets (the default). */
    public static Consistency none() {
        return NONE;
    }

    /** One set per namespace, window 2 h, not strict. */
    public static Consistency byNamespace() {
        return new Consistency(Grouping.NAMESPACE, "", DEFAULT_WINDOW, false);
    }

    /** One set per value of label {@code key} on the claims, window 2 h, not strict. */
    public static Consistency byLabel(String key) {
        return new Consistency(Grouping.LABEL, key, DEFAULT_WINDOW, false);
    }

    /**
     * Parses {@code none}, {@code namespace} or {@code label=KEY}.
     *
     * @throws InvalidInputException naming the accepted forms
     */
    public static Consistency parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.equalsIgnoreCase("none") || s.isEmpty()) {
            return none();
        }
        if (s.equalsIgnoreCase("namespace")) {
            return byNamespace();
        }
        if (s.toLowerCase(Locale.ROOT).startsWith("label=")) {
            return byLabel(s.substring("label=".length()).trim());
        }
        throw new InvalidInputException("restore sets: unknown grouping '" + spec + "': use namespace or label=KEY");
    }

    /** The same grouping with another window. */
    public Consistency withWindow(Duration w) {
        return new Consistency(grouping, labelKey, w, strict);
    }

    /** The same grouping, strict or not. */
    public Consistency withStrict(boolean s) {
        return new Consistency(grouping, labelKey, window, s);
    }

    /** Whether claims are grouped at all. */
    public boolean enabled() {
        return grouping != Grouping.NONE;
    }

    /** {@code none}, {@code namespace} or {@code label=KEY}: what {@link #parse} reads. */
    public String spec() {
        return switch (grouping) {
            case NONE -> "none";
            case NAMESPACE -> "namespace";
            case LABEL -> "label=" + labelKey;
        };
    }

    @Override
    public String toString() {
        return enabled() ? spec() + " within " + io.drkit.core.util.Times.human(window) + (strict ? ", strict" : "")
                : "none";
    }
}

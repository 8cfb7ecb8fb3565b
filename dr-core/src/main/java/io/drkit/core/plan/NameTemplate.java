package io.drkit.core.plan;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.PvcRef;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A naming template for restored Longhorn volumes and PVs, such as {@code {volume}} (keep the original volume
 * name, the default) or {@code pv-restore-{pvc}}. Placeholders: {@code {volume}} (original Longhorn volume name),
 * {@code {pvc}} (claim name), {@code {namespace}}, {@code {backup}} (backup name).
 *
 * @param pattern the template text
 */
public record NameTemplate(String pattern) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");
    private static final Set<String> KNOWN = Set.of("volume", "pvc", "namespace", "backup");

    /** The default: keep the original volume name. */
    public static final NameTemplate ORIGINAL = new NameTemplate("{volume}");

    /** Validates the placeholders. */
    public NameTemplate {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isBlank()) {
            throw new InvalidInputException("name template is empty");
        }
        Matcher m = PLACEHOLDER.matcher(pattern);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                throw new InvalidInputException("unknown placeholder {" + m.group(1) + "} in name template '" + pattern
                        + "' (known: {volume}, {pvc}, {namespace}, {backup})");
            }
        }
        String rest = PLACEHOLDER.matcher(pattern).replaceAll("");
        if (rest.contains("{") || rest.contains("}")) {
            throw new InvalidInputException("unbalanced brace in name template '" + pattern + "'");
        }
    }

    /** Parses a template. */
    public static NameTemplate of(String pattern) {
        return new NameTemplate(pattern);
    }

    /** Renders the template for one restore (lower-cased, as Kubernetes names must be). */
    public String render(String volume, PvcRef pvc, String backup) {
        return pattern.replace("{volume}", volume).replace("{pvc}", pvc.name())
                .replace("{namespace}", pvc.namespace()).replace("{backup}", backup).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return pattern;
    }
}

package io.drkit.core.cluster;

import io.drkit.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector in its string form, evaluated locally: {@code data-tier=critical},
 * {@code app!=test}, {@code backup}, {@code !skip}, {@code tier in (a,b)}, {@code tier notin (c)}, comma = AND.
 *
 * @param requirements the ANDed requirements
 */
public record LabelSelector(List<Requirement> requirements) {

    private static final Pattern SET_REQ = Pattern.compile("\\s*([^\\s!=,()]+)\\s+(in|notin)\\s+\\(([^)]*)\\)\\s*");
    private static final Pattern KEY = Pattern.compile("([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?");

    /** How a requirement compares. */
    public enum Operator {
        /** {@code key=value} or {@code key==value}. */
        EQUALS,
        /** {@code key!=value} (also true when the key is absent). */
        NOT_EQUALS,
        /** {@code key in (a,b)}. */
        IN,
        /** {@code key notin (a,b)} (also true when the key is absent). */
        NOT_IN,
        /** {@code key}. */
        EXISTS,
        /** {@code !key}. */
        DOES_NOT_EXIST
    }

    /**
     * One requirement.
     *
     * @param key      label key
     * @param operator comparison
     * @param values   values for (NOT_)EQUALS and (NOT_)IN, empty otherwise
     */
    public record Requirement(String key, Operator operator, Set<String> values) {
        /** Copies the values. */
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = Set.copyOf(new LinkedHashSet<>(Objects.requireNonNullElse(values, Set.of())));
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }

        @Override
        public String toString() {
            String sorted = values.stream().sorted().collect(Collectors.joining(","));
            return switch (operator) {
                case EQUALS -> key + "=" + sorted;
                case NOT_EQUALS -> key + "!=" + sorted;
                case IN -> key + " in (" + sorted + ")";
                case NOT_IN -> key + " notin (" + sorted + ")";
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
            };
        }
    }

    /** Copies the requirements. */
    public LabelSelector {
        requirements = List.copyOf(Objects.requireNonNull(requirements, "requirements"));
    }

    /** A selector matching {@code key=value}. */
    public static LabelSelector equalTo(String key, String value) {
        return new LabelSelector(List.of(new Requirement(key, Operator.EQUALS, Set.of(value))));
    }

    /**
     * Parses the string form.
     *
     * @throws InvalidInputException naming the requirement that could not be parsed
     */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("label selector is empty");
        }
        List<Requirement> reqs = new ArrayList<>();
        for (String part : splitTopLevel(text)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new InvalidInputException("label selector '" + text + "' has an empty requirement");
            }
            Matcher m = SET_REQ.matcher(p);
            if (m.matches()) {
                Set<String> vals = new LinkedHashSet<>();
                Arrays.stream(m.group(3).split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(vals::add);
                if (vals.isEmpty()) {
                    throw new InvalidInputException("label selector requirement '" + p + "' has no values");
                }
                reqs.add(new Requirement(key(m.group(1), text), "in".equals(m.group(2)) ? Operator.IN : Operator.NOT_IN, vals));
            } else if (p.contains("!=")) {
                String[] kv = p.split("!=", 2);
                reqs.add(new Requirement(key(kv[0].trim(), text), Operator.NOT_EQUALS, Set.of(kv[1].trim())));
            } else if (p.contains("=")) {
                String[] kv = p.contains("==") ? p.split("==", 2) : p.split("=", 2);
                reqs.add(new Requirement(key(kv[0].trim(), text), Operator.EQUALS, Set.of(kv[1].trim())));
            } else if (p.startsWith("!")) {
                reqs.add(new Requirement(key(p.substring(1).trim(), text), Operator.DOES_NOT_EXIST, Set.of()));
            } else {
                reqs.add(new Requirement(key(p, text), Operator.EXISTS, Set.of()));
            }
        }
        return new LabelSelector(reqs);
    }

    private static String key(String k, String text) {
        if (!KEY.matcher(k).matches()) {
            throw new InvalidInputException("invalid label key '" + k + "' in selector '" + text + "'");
        }
        return k;
    }

    private static List<String> splitTopLevel(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Whether every requirement holds for {@code labels}. */
    public boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(r -> r.matches(l));
    }

    /** The canonical string form. */
    @Override
    public String toString() {
        return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
    }
}

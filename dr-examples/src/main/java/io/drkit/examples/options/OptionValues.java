package io.drkit.examples.options;

import io.drkit.core.InvalidInputException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a user gave for the options of the table ({@link DrOptions}) on one {@link Surface}, and their values. The
 * precedence is the same everywhere: a flag given on the command line wins over the option's {@code DRKIT_*}
 * environment key, which wins over the table's default; an absent or empty key means the default (except for options
 * where {@linkplain DrOption#emptyMeansNone() an empty value means none}). On the command line, a flag of a
 * {@linkplain DrOption.Group group} (the backup source, the selection of claims) makes the environment keys of the
 * whole group ignored. Values are parsed when asked for, so a malformed key a command does not use does not stop it;
 * every error names the flag or key the value came from.
 */
public final class OptionValues {
    /** The prefix of the restore Job's keys; the Job refuses the ones it does not know. */
    public static final String KEY_PREFIX = "DRKIT_";

    private final Surface surface;
    private final Map<DrOption<?>, Given> given;

    /** A value the user gave: the flag or key it came from and its texts (none: explicitly empty). */
    private record Given(String name, boolean flag, List<String> texts) {
    }

    private OptionValues(Surface surface, Map<DrOption<?>, Given> given) {
        this.surface = surface;
        this.given = given;
    }

    /**
     * The restore Job's options: its {@code DRKIT_*} keys in {@code env}.
     *
     * @throws InvalidInputException naming them when {@code env} has {@code DRKIT_*} keys the Job does not read
     */
    public static OptionValues job(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        List<String> known = DrOptions.readOn(Surface.JOB).stream().map(o -> o.key().orElseThrow()).toList();
        List<String> unknown = env.keySet().stream().filter(k -> k.startsWith(KEY_PREFIX)).filter(k -> !known.contains(k))
                .sorted().toList();
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", known) + ")");
        }
        return of(Surface.JOB, Map.of(), env);
    }

    /**
     * The options of a {@code dr} command: the flags given ({@code flags}: each option's texts, in order) and the
     * keys in {@code env} for the options the command line reads.
     */
    public static OptionValues cli(Map<DrOption<?>, List<String>> flags, Map<String, String> env) {
        return of(Surface.CLI, flags, env);
    }

    private static OptionValues of(Surface surface, Map<DrOption<?>, List<String>> flags, Map<String, String> env) {
        Map<String, String> environment = Objects.requireNonNullElse(env, Map.of());
        Set<DrOption.Group> flagged = EnumSet.noneOf(DrOption.Group.class);
        flags.keySet().forEach(o -> flagged.add(o.group()));
        flagged.remove(DrOption.Group.NONE);
        Map<DrOption<?>, Given> given = new LinkedHashMap<>();
        for (DrOption<?> o : DrOptions.readOn(surface)) {
            List<String> f = flags.get(o);
            if (f != null) {
                given.put(o, new Given(o.flag().orElseThrow(), true, blankMeansNone(o, f)));
                continue;
            }
            String key = o.key().orElse(null);
            String v = key == null || flagged.contains(o.group()) ? null : environment.get(key);
            if (v != null && (!v.isBlank() || o.emptyMeansNone())) {
                given.put(o, new Given(key, false, blankMeansNone(o, List.of(v))));
            }
        }
        return new OptionValues(surface, given);
    }

    private static List<String> blankMeansNone(DrOption<?> o, List<String> texts) {
        return o.emptyMeansNone() && texts.stream().allMatch(String::isBlank) ? List.of() : List.copyOf(texts);
    }

    /** Where these options were given. */
    public Surface surface() {
        return surface;
    }

    /**
     * The value of {@code o}: the one given, else its default on this surface; empty when neither (or when given
     * empty where that means none).
     *
     * @throws InvalidInputException naming the flag or key when the value given is malformed
     */
    public <T> Optional<T> find(DrOption<T> o) {
        Given g = given.get(o);
        if (g != null) {
            if (g.texts().isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(o.convert(g.texts()));
            } catch (RuntimeException e) {
                throw new InvalidInputException(g.name() + ": " + e.getMessage(), e);
            }
        }
        return o.defaultText(surface).map(d -> o.convert(List.of(d)));
    }

    /**
     * The value of an option that has a default.
     *
     * @throws InvalidInputException naming the flag or key when the value given is malformed
     * @throws IllegalStateException when {@code o} has no default and was not given
     */
    public <T> T get(DrOption<T> o) {
        return find(o).orElseThrow(() -> new IllegalStateException(o.name() + " has no value and no default"));
    }

    /** Whether the user gave {@code o} (a flag, or a key that is not empty). */
    public boolean given(DrOption<?> o) {
        return given.containsKey(o);
    }

    /** Whether {@code o} came from a command-line flag. */
    public boolean fromFlag(DrOption<?> o) {
        Given g = given.get(o);
        return g != null && g.flag();
    }

    /**
     * The name to use for {@code o} in a message: the flag or key it came from, else what a user of this surface
     * would set (the flag on the command line, the key in the Job).
     */
    public String nameOf(DrOption<?> o) {
        Given g = given.get(o);
        if (g != null) {
            return g.name();
        }
        return surface == Surface.CLI ? o.flag().or(o::key).orElse(o.name()) : o.key().orElse(o.name());
    }

    /**
     * {@code o} set to {@code value}, as a user of this surface writes it: {@code --target-url X} or
     * {@code DRKIT_TARGET_URL=X}; a boolean flag is just {@code --all}.
     */
    public String setting(DrOption<?> o, String value) {
        String name = nameOf(o);
        if (!name.startsWith("--")) {
            return name + "=" + value;
        }
        return o.arity() == DrOption.Arity.FLAG ? name : name + " " + value;
    }
}

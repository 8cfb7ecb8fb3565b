package io.drkit.examples.options;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One row of the options table ({@link DrOptions}): an option's {@code --flag} on the {@code dr} command line, its
 * {@code DRKIT_*} environment key, where it can be given ({@link Surface}), what it configures ({@link Part}), how a
 * text becomes its value of type {@code T}, its default, and its description. Both the CLI and the restore Job read
 * options through {@link OptionValues}, which applies the precedence (flag, then key, then default) and names the
 * flag or key the user actually used in every error.
 *
 * @param <T> the type of the value
 */
public final class DrOption<T> {

    /** How an option's values are written. */
    public enum Arity {
        /** One value: {@code --step-timeout 2h}, {@code DRKIT_STEP_TIMEOUT=2h}. */
        ONE,
        /** A boolean: {@code --all} (or {@code --all=false}), {@code DRKIT_ALL=true}. */
        FLAG,
        /** A list: the flag repeated or comma-separated ({@code --pvc a/x --pvc b/y}), the key comma-separated. */
        LIST
    }

    /** What an option configures: how the mapping ({@link RestoreOptions}) uses it and which commands take it. */
    public enum Part {
        /** Where backups are read and how Longhorn is reached: {@link io.drkit.examples.support.Connections.Settings}. */
        SOURCE,
        /** What is restored and how it is named: {@link io.drkit.core.plan.RestoreRequest}. */
        REQUEST,
        /** How a plan is carried out: {@link ExecutorSettings}. */
        EXECUTION,
        /** The restore Job's own settings (mode, start-up wait). */
        JOB,
        /** The check of the backends before a command starts. */
        CONNECTION
    }

    /**
     * Options that are given together: when the command line gives any flag of a group, the environment keys of the
     * whole group are ignored, so that {@code --pvc a/x} is not ANDed with a {@code DRKIT_PVC_SELECTOR} in the
     * environment and {@code --longhorn URL} does not clash with a {@code DRKIT_BACKUPSTORE}.
     */
    public enum Group {
        /** Each option on its own. */
        NONE,
        /** The backup source: {@code --backupstore}, {@code --target-url}, {@code --longhorn}, {@code --kubernetes}. */
        SOURCE,
        /** The selection of claims: {@code --pvc}, {@code --namespace}, {@code --selector}, {@code --group}, {@code --all}. */
        SELECTION
    }

    /** Parses one text into a value; throws an unchecked exception whose message says what is wrong (not where). */
    @FunctionalInterface
    public interface Parser<T> {
        /** The value {@code text} stands for. */
        T parse(String text);
    }

    private final String name;
    private final Arity arity;
    private final Function<List<String>, T> convert;
    private final Part part;
    private final Group group;
    private final String flag;
    private final String paramLabel;
    private final String key;
    private final Set<Surface> surfaces;
    private final String defaultText;
    private final String jobDefaultText;
    private final boolean emptyMeansNone;
    private final String description;
    private final String cliNote;
    private final String jobNote;

    private DrOption(Builder<T> b) {
        this.name = b.name;
        this.arity = b.arity;
        this.convert = b.convert;
        this.part = Objects.requireNonNull(b.part, "part of " + b.name);
        this.group = b.group;
        this.flag = b.flag;
        this.paramLabel = b.paramLabel;
        this.key = b.key;
        this.surfaces = b.surfaces.isEmpty() ? Set.of() : Set.copyOf(b.surfaces);
        this.defaultText = b.defaultText;
        this.jobDefaultText = b.jobDefaultText;
        this.emptyMeansNone = b.emptyMeansNone;
        this.description = Objects.requireNonNull(b.description, "description of " + b.name);
        this.cliNote = b.cliNote;
        this.jobNote = b.jobNote;
        if (surfaces.contains(Surface.JOB) && key == null) {
            throw new IllegalStateException(name + ": the Job reads keys only");
        }
        if (surfaces.contains(Surface.CLI) && flag == null) {
            throw new IllegalStateException(name + ": the CLI needs a flag");
        }
    }

    /** An option with one value, parsed by {@code parser}. */
    static <T> Builder<T> one(String name, Parser<T> parser) {
        return new Builder<>(name, Arity.ONE, texts -> parser.parse(texts.get(texts.size() - 1)));
    }

    /** A boolean option: {@code true} or {@code false}, in any case. */
    static Builder<Boolean> flag(String name) {
        return new Builder<>(name, Arity.FLAG, texts -> parseBoolean(texts.get(texts.size() - 1))).defaultValue("false");
    }

    /** A list option: each element (comma-separated, or a repeated flag) parsed by {@code parser}. */
    static <E> Builder<List<E>> list(String name, Parser<E> parser) {
        return new Builder<>(name, Arity.LIST, texts -> texts.stream()
                .flatMap(t -> Arrays.stream(t.split(","))).map(String::trim).filter(s -> !s.isEmpty())
                .map(parser::parse).toList());
    }

    private static boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    /** The option's name in the table, e.g. {@code step-timeout}. */
    public String name() {
        return name;
    }

    /** How its values are written. */
    public Arity arity() {
        return arity;
    }

    /** What it configures. */
    public Part part() {
        return part;
    }

    /** The options it is given together with. */
    public Group group() {
        return group;
    }

    /** Its flag on the {@code dr} command line, e.g. {@code --step-timeout}; empty for Job-only options. */
    public Optional<String> flag() {
        return Optional.ofNullable(flag);
    }

    /** The label of its value in the CLI's help, e.g. {@code DURATION}; empty for a boolean. */
    public String paramLabel() {
        return paramLabel == null ? "" : paramLabel;
    }

    /** Its environment key, e.g. {@code DRKIT_STEP_TIMEOUT}; empty for options that only have a flag. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** Whether users can give it on {@code surface}. */
    public boolean readOn(Surface surface) {
        return surfaces.contains(surface);
    }

    /**
     * The value it has on {@code surface} when it is not given, as a user would write it; empty when there is none.
     * Options that cannot be given on a surface still have their default there (the Job restores through Kubernetes:
     * the default of {@code --via}).
     */
    public Optional<String> defaultText(Surface surface) {
        return Optional.ofNullable(surface == Surface.JOB && jobDefaultText != null ? jobDefaultText : defaultText);
    }

    /** Whether an empty value given explicitly means "none" rather than the default ({@code DRKIT_PVC_SELECTOR}). */
    public boolean emptyMeansNone() {
        return emptyMeansNone;
    }

    /**
     * What it does on {@code surface}, in one line of Markdown: the description, with "comma-separated" in front of a
     * list key and "{@code `true`}:" in front of a boolean key, and the note for that surface.
     */
    public String description(Surface surface) {
        String note = surface == Surface.JOB ? jobNote : cliNote;
        String lead = surface == Surface.JOB && arity == Arity.LIST ? "comma-separated "
                : surface == Surface.JOB && arity == Arity.FLAG ? "`true`: " : "";
        return lead + description + (note == null ? "" : note);
    }

    /**
     * The value of {@code texts} (the repeated flag's values, or one text).
     *
     * @throws RuntimeException whose message says what is wrong, without naming the option (the caller does)
     */
    T convert(List<String> texts) {
        return convert.apply(texts);
    }

    @Override
    public String toString() {
        return flag != null ? flag : key;
    }

    /** Builds the rows of {@link DrOptions}. */
    static final class Builder<T> {
        private final String name;
        private final Arity arity;
        private final Function<List<String>, T> convert;
        private Part part;
        private Group group = Group.NONE;
        private String flag;
        private String paramLabel;
        private String key;
        private final Set<Surface> surfaces = EnumSet.noneOf(Surface.class);
        private String defaultText;
        private String jobDefaultText;
        private boolean emptyMeansNone;
        private String description;
        private String cliNote;
        private String jobNote;

        private Builder(String name, Arity arity, Function<List<String>, T> convert) {
            this.name = name;
            this.arity = arity;
            this.convert = convert;
        }

        Builder<T> part(Part p) {
            this.part = p;
            return this;
        }

        Builder<T> group(Group g) {
            this.group = g;
            return this;
        }

        /** The CLI flag and the label of its value; the option is read on the command line. */
        Builder<T> flag(String f, String label) {
            this.flag = f;
            this.paramLabel = label;
            this.surfaces.add(Surface.CLI);
            return this;
        }

        /** The environment key, read by the CLI (where the option has a flag) and by the Job when {@code job}. */
        Builder<T> key(String k, boolean job) {
            this.key = k;
            if (job) {
                this.surfaces.add(Surface.JOB);
            }
            return this;
        }

        Builder<T> defaultValue(String text) {
            this.defaultText = text;
            return this;
        }

        Builder<T> jobDefault(String text) {
            this.jobDefaultText = text;
            return this;
        }

        Builder<T> emptyMeansNone() {
            this.emptyMeansNone = true;
            return this;
        }

        Builder<T> description(String markdown) {
            this.description = markdown;
            return this;
        }

        Builder<T> cliNote(String markdown) {
            this.cliNote = markdown;
            return this;
        }

        Builder<T> jobNote(String markdown) {
            this.jobNote = markdown;
            return this;
        }

        DrOption<T> build() {
            return new DrOption<>(this);
        }
    }
}

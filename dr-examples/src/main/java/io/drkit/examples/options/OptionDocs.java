package io.drkit.examples.options;

import java.util.List;
import java.util.Locale;

/**
 * The documentation made from the options table ({@link DrOptions}): the CLI's help text of each flag, the restore
 * Job's {@code --help} list of keys, and the rows of the README's tables (which tests compare with the README), so
 * that none of them can drift from the table.
 */
public final class OptionDocs {
    private OptionDocs() {
    }

    /**
     * The help text of {@code o} on the command line: its description, whether it repeats, its default, and the
     * environment key that sets it when the flag is not given.
     */
    public static String cliHelp(DrOption<?> o) {
        StringBuilder sb = new StringBuilder(sentence(o.description(Surface.CLI)));
        if (o.arity() == DrOption.Arity.LIST) {
            sb.append(" Repeatable, or comma-separated.");
        }
        o.defaultText(Surface.CLI).ifPresent(d -> sb.append(" Default: ").append(d).append('.'));
        o.key().ifPresent(k -> sb.append(" Environment: ").append(k).append('.'));
        return sb.toString();
    }

    /** The restore Job's keys for its {@code --help}: each key, its default and what it does. */
    public static String jobHelp() {
        StringBuilder sb = new StringBuilder();
        for (DrOption<?> o : DrOptions.readOn(Surface.JOB)) {
            sb.append(String.format(Locale.ROOT, "  %-28s default %s%n      %s%n", o.key().orElseThrow(),
                    o.defaultText(Surface.JOB).orElse("(none)"), plain(o.description(Surface.JOB))));
        }
        return sb.toString();
    }

    /**
     * The rows of the README's table of {@code surface}: for the Job {@code | `KEY` | default | meaning |}, for the
     * CLI {@code | `--flag` | `KEY` | default | meaning |}, in the table's order.
     */
    public static List<String> markdownRows(Surface surface) {
        return DrOptions.readOn(surface).stream().map(o -> {
            String def = o.defaultText(surface).map(d -> "`" + d + "`").orElse("(none)");
            String what = o.description(surface);
            return surface == Surface.JOB
                    ? "| `" + o.key().orElseThrow() + "` | " + def + " | " + what + " |"
                    : "| `" + o.flag().orElseThrow() + "` | " + o.key().map(k -> "`" + k + "`").orElse("-") + " | "
                    + def + " | " + what + " |";
        }).toList();
    }

    /** Markdown without its code marks. */
    static String plain(String markdown) {
        return markdown.replace("`", "");
    }

    /** A help sentence: plain, capitalised (unless it starts with a literal such as a URL), with a full stop. */
    private static String sentence(String markdown) {
        String s = markdown.startsWith("`") ? plain(markdown) : capitalise(plain(markdown));
        return s.endsWith(".") ? s : s + ".";
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

package io.drkit.examples.cli;

import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.OptionDocs;
import io.drkit.examples.options.OptionValues;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Puts the options of the one table ({@link DrOptions}) on the {@code dr} commands and reads what the user gave: the
 * flags, their help text (with the default and the environment key) and their types come from the table, so the CLI
 * cannot drift from the restore Job. Values are read with {@link OptionValues} (flag, then {@code DRKIT_*} key, then
 * default) and mapped by {@link RestoreOptions}.
 */
final class CliOptions {
    private CliOptions() {
    }

    /** A {@code dr} command that takes options of the table. */
    interface Takes {
        /** The table's options this command takes. */
        List<DrOption<?>> tableOptions();
    }

    /**
     * Adds the table's options to {@code root} ({@code --connect-timeout}, inherited by every command) and to every
     * command below it that {@linkplain Takes takes some} (or has a mixin that does).
     */
    static void install(CommandLine root) {
        root.getCommandSpec().addOption(spec(DrOptions.CONNECT_TIMEOUT, CommandLine.ScopeType.INHERIT));
        addTo(root);
    }

    private static void addTo(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        List<Object> parts = new ArrayList<>();
        parts.add(command.getCommand());
        spec.mixins().values().forEach(m -> parts.add(m.userObject()));
        for (Object part : parts) {
            if (part instanceof Takes t) {
                t.tableOptions().forEach(o -> spec.addOption(spec(o, CommandLine.ScopeType.LOCAL)));
            }
        }
        command.getSubcommands().values().forEach(CliOptions::addTo);
    }

    private static OptionSpec spec(DrOption<?> o, CommandLine.ScopeType scope) {
        OptionSpec.Builder b = OptionSpec.builder(o.flag().orElseThrow()).description(OptionDocs.cliHelp(o))
                .scopeType(scope);
        return switch (o.arity()) {
            // a boolean with an environment key can be turned off on the command line: --create-pvc=false
            case FLAG -> b.type(Boolean.class).arity(o.key().isPresent() ? "0..1" : "0")
                    .paramLabel("true|false").build();
            case LIST -> b.type(List.class).auxiliaryTypes(String.class).paramLabel(o.paramLabel()).build();
            case ONE -> b.type(String.class).paramLabel(o.paramLabel()).build();
        };
    }

    /** What the user gave the command of {@code spec}: its flags of the table, and the keys in the environment. */
    static OptionValues values(CommandSpec spec, CliContext ctx) {
        Map<DrOption<?>, List<String>> flags = new LinkedHashMap<>();
        for (DrOption<?> o : DrOptions.all()) {
            OptionSpec s = o.flag().map(spec::findOption).orElse(null);
            Object v = s == null ? null : s.getValue();
            if (v instanceof List<?> list) {
                if (!list.isEmpty()) {
                    flags.put(o, list.stream().map(String::valueOf).toList());
                }
            } else if (v != null) {
                flags.put(o, List.of(String.valueOf(v)));
            }
        }
        return OptionValues.cli(flags, ctx.env());
    }

    /** The backup source the options of the command of {@code spec} name, with the environment's S3 settings. */
    static Connections.Settings settings(CommandSpec spec, CliContext ctx) {
        return RestoreOptions.source(values(spec, ctx), ctx.env());
    }

    /** Connections to the backup source the command's options name, with Kubernetes clients from {@code kube}. */
    static Connections open(CommandSpec spec, CliContext ctx, KubernetesOptions kube) {
        return new Connections(settings(spec, ctx), kube.factory(ctx));
    }
}

package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.util.TextTable;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import io.drkit.kubernetes.PolicyReport;
import io.drkit.kubernetes.RecurringJobPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr policy apply|audit}: the recurring-job groups as code. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Recurring-job policy as code: groups 'default' (daily snapshot, weekly backup) and 'critical' "
                + "(hourly snapshot, daily backup, for claims labelled data-tier=critical).",
        subcommands = {PolicyCommand.Apply.class, PolicyCommand.Audit.class})
final class PolicyCommand {
    @ParentCommand
    DrCli parent;

    /** Options shared by both subcommands; {@code --longhorn-namespace} comes from the options table. */
    static final class PolicyOptions implements CliOptions.Takes {
        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        @Option(names = "--critical-selector", paramLabel = "SELECTOR", defaultValue = "data-tier=critical",
                description = "Claims in the critical group. Default: ${DEFAULT-VALUE}.")
        String criticalSelector;

        @Option(names = "--snapshot-retain", paramLabel = "GROUP=N", description = "Snapshots kept per group (repeatable).")
        Map<String, Integer> snapshotRetain = new LinkedHashMap<>();

        @Option(names = "--backup-retain", paramLabel = "GROUP=N", description = "Backups kept per group (repeatable).")
        Map<String, Integer> backupRetain = new LinkedHashMap<>();

        @Override
        public List<DrOption<?>> tableOptions() {
            return List.of(DrOptions.LONGHORN_NAMESPACE);
        }

        RecurringJobPolicy policy(CliContext ctx) {
            RecurringJobPolicy.Builder b = RecurringJobPolicy.builder().criticalSelector(criticalSelector)
                    .namespace(CliOptions.values(command, ctx).get(DrOptions.LONGHORN_NAMESPACE));
            snapshotRetain.forEach(b::snapshotRetain);
            backupRetain.forEach(b::backupRetain);
            return b.build();
        }
    }

    /** Applies or audits the policy in the cluster and prints the report. */
    static int run(DrCli cli, KubernetesOptions kube, PolicyOptions options, FormatOptions format, boolean apply)
            throws Exception {
        CliContext ctx = cli.context();
        try (Connections c = new Connections(Connections.Settings.clusterOnly(ctx.env()), kube.factory(ctx))) {
            c.preflight(cli.connectTimeout(), List.of(Preflight.Need.of(Preflight.Backend.KUBERNETES)));
            RecurringJobPolicy policy = options.policy(ctx);
            return print(ctx, format, apply ? policy.apply(c.kubernetes()) : policy.audit(c.kubernetes()));
        }
    }

    static int print(CliContext ctx, FormatOptions format, PolicyReport r) throws Exception {
        if (format.json()) {
            ObjectMapper m = format.mapper();
            ObjectNode root = m.createObjectNode();
            root.put("kind", "PolicyReport");
            root.put("mode", r.mode().name());
            root.put("longhornVersion", r.longhornVersion());
            root.put("compliant", r.compliant());
            ArrayNode d = root.putArray("drifts");
            r.drifts().forEach(x -> d.addObject().put("kind", x.kind().name()).put("subject", x.subject())
                    .put("detail", x.detail()).put("fixable", x.fixable()));
            ArrayNode a = root.putArray("actions");
            r.actions().forEach(a::add);
            ArrayNode u = root.putArray("unresolved");
            r.unresolved().forEach(x -> u.add(x.toString()));
            ctx.out().println(m.writeValueAsString(root));
        } else {
            if (r.drifts().isEmpty()) {
                ctx.out().println("The cluster matches the policy.");
            } else {
                TextTable t = new TextTable("DRIFT", "SUBJECT", "DETAIL", "FIXABLE");
                r.drifts().forEach(x -> t.row(x.kind(), x.subject(), x.detail(), x.fixable() ? "yes" : "no"));
                ctx.out().print(t.render());
            }
            r.actions().forEach(x -> ctx.out().println("changed: " + x));
            if (r.mode() == PolicyReport.Mode.APPLY && !r.unresolved().isEmpty()) {
                ctx.out().println(r.unresolved().size() + " drift(s) could not be fixed automatically.");
            }
        }
        return r.unresolved().isEmpty() ? ExitCodes.OK : ExitCodes.VIOLATIONS;
    }

    /** {@code dr policy apply}. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create or update the RecurringJobs and label the critical claims' volumes (labels are only added).")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        PolicyCommand policyCommand;
        @Mixin
        PolicyOptions options;
        @Mixin
        KubernetesOptions kube;
        @Mixin
        FormatOptions format;

        @Override
        public Integer call() throws Exception {
            return run(policyCommand.parent, kube, options, format, true);
        }
    }

    /** {@code dr policy audit}. */
    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Report drift from the policy without changing anything; exit code 4 on drift.")
    static final class Audit implements Callable<Integer> {
        @ParentCommand
        PolicyCommand policyCommand;
        @Mixin
        PolicyOptions options;
        @Mixin
        KubernetesOptions kube;
        @Mixin
        FormatOptions format;

        @Override
        public Integer call() throws Exception {
            return run(policyCommand.parent, kube, options, format, false);
        }
    }
}

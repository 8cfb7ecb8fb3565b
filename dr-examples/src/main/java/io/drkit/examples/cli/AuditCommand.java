package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.DrJson;
import io.drkit.core.audit.AuditEntry;
import io.drkit.core.audit.AuditReport;
import io.drkit.core.audit.FreshnessAudit;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.model.PvcRef;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.time.Duration;
import java.util.ArrayList;
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

/** {@code dr audit}: backup freshness against the policy groups, one line per claim. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check backup freshness against the policy groups: critical claims need a backup younger than "
                + "24 h, default ones younger than 7 days (plus slack; all configurable). One line per PVC; exit "
                + "code 4 when any claim violates its policy, or its newest backup changed far more of its volume than "
                + "usual (CHANGE_RATE_ANOMALY: ransomware, a runaway job, a wrong mkfs?); 5 when Longhorn had not synced its view yet (--longhorn, "
                + "--kubernetes), whatever the verdicts.")
final class AuditCommand implements Callable<Integer>, CliOptions.Takes {
    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;

    @Override
    public List<DrOption<?>> tableOptions() {
        List<DrOption<?>> options = new ArrayList<>(DrOptions.cli(Part.SOURCE));
        options.addAll(RestoreOptions.changeRateOptions());
        return options;
    }

    @Option(names = "--no-change-rates", description = "Do not judge the newest backups' change rates (on a raw "
            + "backupstore that reads --anomaly-history + 2 block lists per claim; Longhorn's estimates cost nothing "
            + "more).")
    boolean noChangeRates;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    FormatOptions format;

    @Option(names = "--critical-max-age", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "Maximum backup age of the critical group. Default: ${DEFAULT-VALUE}.")
    Duration criticalMaxAge;

    @Option(names = "--default-max-age", paramLabel = "DURATION", defaultValue = "7d", converter = DurationConverter.class,
            description = "Maximum backup age of the default group. Default: ${DEFAULT-VALUE}.")
    Duration defaultMaxAge;

    @Option(names = "--max-age", paramLabel = "GROUP=DURATION",
            description = "Maximum backup age of another group (repeatable), e.g. --max-age hourly=2h.")
    Map<String, String> otherGroups = new LinkedHashMap<>();

    @Option(names = "--slack", paramLabel = "DURATION", defaultValue = "6h", converter = DurationConverter.class,
            description = "Extra time allowed on every limit, for the backup's own run time. Default: ${DEFAULT-VALUE}.")
    Duration slack;

    @Option(names = "--critical-selector", paramLabel = "SELECTOR", defaultValue = "data-tier=critical",
            description = "Live claims matching it are held to the critical policy. Default: ${DEFAULT-VALUE}.")
    String criticalSelector;

    @Option(names = "--offline", description = "Do not read the cluster (no never-backed-up or deleted claims).")
    boolean offline;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        FreshnessAudit.Builder b = FreshnessAudit.builder().clock(ctx.clock())
                .maxAge(FreshnessAudit.CRITICAL_GROUP, criticalMaxAge).maxAge(FreshnessAudit.DEFAULT_GROUP, defaultMaxAge)
                .slack(slack).criticalSelector(LabelSelector.parse(criticalSelector))
                .changeRateRule(RestoreOptions.changeRateRule(CliOptions.values(spec, ctx)))
                .checkChangeRates(!noChangeRates);
        otherGroups.forEach((g, d) -> b.maxAge(g, DurationConverter.parse(d)));
        try (Connections c = CliOptions.open(spec, ctx, kube)) {
            c.preflight(parent.connectTimeout(), offline ? List.of(c.catalogNeed())
                    : List.of(c.catalogNeed(), Preflight.Need.clusterState()));
            var catalog = c.catalog();
            var completeness = catalog.completeness();
            AuditReport report = b.build().audit(catalog, c.clusterState(offline));
            if (format.json()) {
                ObjectMapper m = format.mapper();
                ObjectNode root = m.createObjectNode();
                root.put("kind", "AuditReport");
                root.put("at", report.at().toString());
                root.put("source", report.source());
                root.put("passed", report.passed());
                ArrayNode arr = root.putArray("entries");
                for (AuditEntry e : report.entries()) {
                    ObjectNode n = arr.addObject();
                    n.put("subject", e.subject());
                    e.pvc().map(PvcRef::toString).ifPresentOrElse(p -> n.put("pvc", p), () -> n.putNull("pvc"));
                    n.put("status", e.status().name());
                    n.put("violation", e.status().isViolation());
                    n.put("group", e.group());
                    e.newest().ifPresentOrElse(x -> n.put("newestBackup", x.name()), () -> n.putNull("newestBackup"));
                    e.newest().ifPresentOrElse(x -> n.put("backupVolume", x.volumeName()), () -> n.putNull("backupVolume"));
                    e.age().ifPresentOrElse(a -> n.put("ageSeconds", a.toSeconds()), () -> n.putNull("ageSeconds"));
                    n.put("limitSeconds", e.limit().toSeconds());
                    n.put("detail", e.detail());
                    e.changeRate().ifPresentOrElse(v -> n.set("changeRate", DrJson.changeRateNode(v)),
                            () -> n.putNull("changeRate"));
                }
                format.print(ctx.out(), root);
            } else {
                ctx.out().print(report.toTable());
            }
            if (!completeness.isComplete()) {
                // an unsynced volume looks like a claim without recent backups: the verdicts are not to be trusted
                ctx.err().print(IncompleteView.of(completeness));
                return ExitCodes.UNAVAILABLE;
            }
            return report.passed() ? ExitCodes.OK : ExitCodes.VIOLATIONS;
        }
    }
}

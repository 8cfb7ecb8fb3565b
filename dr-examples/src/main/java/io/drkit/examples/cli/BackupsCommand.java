package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.Cancellation;
import io.drkit.core.DrJson;
import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.ChangeRateVerdict;
import io.drkit.core.catalog.ChangeRates;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.model.Backup;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.TextTable;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.OptionValues;
import io.drkit.examples.options.RestoreOptions;
import io.drkit.examples.support.Connections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dr backups VOLUME}: one volume's backups, newest first, with state and, for the newest ones, how much of the
 * volume each changed (exact from a raw store's block lists, an estimate from Longhorn's byte counts, or unknown) and
 * the change-rate guard's verdict.
 */
@Command(name = "backups", mixinStandardHelpOptions = true,
        description = "List one backup volume's backups, newest first, with their state, and the change rate of the "
                + "newest ones: the share of the volume's blocks each changed since the complete backup before it "
                + "(exact: from the block lists of a raw backupstore; estimate: from Longhorn's newlyUploadDataSize; "
                + "unknown) and the change-rate guard's verdict (ANOMALY: far above the volume's usual rate). Exit 5 "
                + "when Longhorn had not synced that volume yet (--longhorn, --kubernetes).")
final class BackupsCommand implements Callable<Integer>, CliOptions.Takes {
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

    @Option(names = "--change-rates", paramLabel = "N", defaultValue = "30",
            description = "Show the change rates of the newest N complete backups (0: none). On a raw backupstore each "
                    + "costs one streaming read of a block list (about 95 bytes per block of data), plus "
                    + "--anomaly-history more to judge the oldest shown; Longhorn's estimates cost nothing more. "
                    + "Default: ${DEFAULT-VALUE}.")
    int changeRates;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    FormatOptions format;
    @Parameters(index = "0", paramLabel = "VOLUME", description = "The backup volume (original Longhorn volume name).")
    String volume;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        try (Connections c = CliOptions.open(spec, ctx, kube)) {
            c.preflight(parent.connectTimeout(), List.of(c.catalogNeed()));
            BackupCatalog catalog = c.catalog();
            var completeness = catalog.completeness();
            List<Backup> backups;
            try {
                backups = catalog.listBackups(volume).stream().sorted(Backup.NEWEST_FIRST).toList();
            } catch (io.drkit.core.NotFoundException e) {
                if (completeness.listsEveryVolume()) {
                    throw e;
                }
                // not listed (yet): Longhorn may not have synced it
                ctx.err().print(IncompleteView.of(completeness));
                return ExitCodes.UNAVAILABLE;
            }
            Map<String, ChangeRateVerdict> rates = changeRates(catalog, backups, CliOptions.values(spec, ctx));
            if (format.json()) {
                ObjectNode root = format.mapper().createObjectNode().put("kind", "BackupList").put("volume", volume);
                var a = root.putArray("backups");
                for (Backup b : backups) {
                    ObjectNode n = DrJson.backupNode(b);
                    ChangeRateVerdict v = rates.get(b.name());
                    if (v == null) {
                        n.putNull("changeRate");
                    } else {
                        n.set("changeRate", DrJson.changeRateNode(v));
                    }
                    a.add(n);
                }
                format.print(ctx.out(), root);
            } else {
                TextTable t = new TextTable("BACKUP", "STATE", "TAKEN", "COMPLETED", "SIZE", "COMPRESSION", "BLOCK",
                        "CHANGED", "VERDICT");
                for (Backup b : backups) {
                    ChangeRateVerdict v = rates.get(b.name());
                    t.row(b.name(), b.state(), b.snapshotCreatedAt().map(Instant::toString).orElse("-"),
                            b.completedAt().map(Instant::toString).orElse("-"), Sizes.human(b.size()), b.compression(),
                            Sizes.human(b.blockSize()), v == null ? "-" : changed(v.rate()),
                            v == null ? "-" : v.status());
                }
                ctx.out().print(t.render());
                long complete = backups.stream().filter(Backup::isComplete).count();
                ctx.out().println(backups.size() + " backup(s) of " + volume + ", " + complete + " complete");
                rates.values().stream().filter(ChangeRateVerdict::isAnomaly)
                        .forEach(v -> ctx.out().println("CHANGE_RATE_ANOMALY: " + v.detail()));
            }
            if (completeness.volumeGap(volume).isPresent() || !completeness.listsEveryVolume()) {
                ctx.err().print(IncompleteView.of(completeness));
                return ExitCodes.UNAVAILABLE;
            }
            return ExitCodes.OK;
        }
    }

    /** "12.5% exact", "3.1% estimate" or "unknown". */
    private static String changed(ChangeRate r) {
        return r.isKnown() ? r.percent() + " " + r.basis().wireName() : "unknown";
    }

    /** The verdicts on the newest {@code --change-rates} complete backups, by backup name. */
    private Map<String, ChangeRateVerdict> changeRates(BackupCatalog catalog, List<Backup> backups, OptionValues options) {
        if (changeRates < 0) {
            throw new InvalidInputException("--change-rates: must not be negative, got " + changeRates);
        }
        ChangeRateRule rule = RestoreOptions.changeRateRule(options);
        List<Backup> complete = NewestBackupRule.completeNewestFirst(backups);
        Map<String, ChangeRateVerdict> out = new LinkedHashMap<>(); // newest first
        int shown = Math.min(changeRates, complete.size());
        if (shown == 0) {
            return out;
        }
        int count = Math.min(ChangeRateSource.MAX_COUNT, shown + rule.history());
        List<ChangeRate> r = ChangeRates.of(catalog).rule(rule).rates(volume, complete.get(0).name(), count,
                Cancellation.none());
        List<ChangeRateVerdict> verdicts = rule.judgeAll(r);
        for (int i = 0; i < Math.min(shown, verdicts.size()); i++) {
            out.put(verdicts.get(i).rate().backupName(), verdicts.get(i));
        }
        return out;
    }
}

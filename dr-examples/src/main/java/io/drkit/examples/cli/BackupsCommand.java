package io.drkit.examples.cli;

import io.drkit.core.DrJson;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.model.Backup;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.TextTable;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.support.Connections;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr backups VOLUME}: one volume's backups, newest first, with state. */
@Command(name = "backups", mixinStandardHelpOptions = true,
        description = "List one backup volume's backups, newest first, with their state. Exit 5 when Longhorn had not "
                + "synced that volume yet (--longhorn, --kubernetes).")
final class BackupsCommand implements Callable<Integer>, CliOptions.Takes {
    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;

    @Override
    public List<DrOption<?>> tableOptions() {
        return DrOptions.cli(Part.SOURCE);
    }
    @Mixin
    KubernetesOptions kube;
    @Mixin
    FormatOptions format;
    @Parameters(index = "0", paramLabel = "VOLUME", description = "The backup volume (original Longhorn volume name).")
    String volume;

    @Override
    public Integer call() {
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
            if (format.json()) {
                ctx.out().print(format.document(DrJson.backupsToJson(backups)));
            } else {
                TextTable t = new TextTable("BACKUP", "STATE", "TAKEN", "COMPLETED", "SIZE", "COMPRESSION", "BLOCK");
                for (Backup b : backups) {
                    t.row(b.name(), b.state(), b.snapshotCreatedAt().map(Instant::toString).orElse("-"),
                            b.completedAt().map(Instant::toString).orElse("-"), Sizes.human(b.size()), b.compression(),
                            Sizes.human(b.blockSize()));
                }
                ctx.out().print(t.render());
                long complete = backups.stream().filter(Backup::isComplete).count();
                ctx.out().println(backups.size() + " backup(s) of " + volume + ", " + complete + " complete");
            }
            if (completeness.volumeGap(volume).isPresent() || !completeness.listsEveryVolume()) {
                ctx.err().print(IncompleteView.of(completeness));
                return ExitCodes.UNAVAILABLE;
            }
            return ExitCodes.OK;
        }
    }
}

package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.DrJson;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.PvcRef;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.TextTable;
import io.drkit.core.util.Times;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.support.Connections;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr volumes}: every backup volume with its size, newest complete backup and its age, claim, compression. */
@Command(name = "volumes", mixinStandardHelpOptions = true,
        description = "List backup volumes: size, newest complete backup and its age, namespace/PVC, compression; "
                + "entries the scan skipped are listed with reasons. Exit 5 when Longhorn had not synced its view yet "
                + "(--longhorn, --kubernetes): the volumes not synced are listed.")
final class VolumesCommand implements Callable<Integer>, CliOptions.Takes {
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

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        try (Connections c = CliOptions.open(spec, ctx, kube);
             ProgressDisplay progress = parent.progress(format)) {
            c.preflight(parent.connectTimeout(), List.of(c.catalogNeed()));
            progress.update("scan", 0, 0, "", "reading backup volumes");
            BackupCatalog catalog = c.catalog(new CatalogProgress(progress));
            CatalogCompleteness completeness = catalog.completeness();
            progress.finish("sync", null);
            List<BackupVolume> volumes = catalog.listBackupVolumes();
            Map<String, Backup> newest = catalog.newestCompleteBackupsOf(volumes);
            List<SkippedEntry> skipped = catalog.skippedEntries();
            progress.finish("scan", null);
            Instant now = ctx.clock().instant();
            if (format.json()) {
                ObjectMapper m = format.mapper();
                ObjectNode root = m.createObjectNode();
                root.put("kind", "BackupVolumeList");
                root.put("source", catalog.describe());
                ArrayNode arr = root.putArray("volumes");
                for (BackupVolume v : volumes) {
                    ObjectNode n = DrJson.volumeNode(v);
                    pvc(v, newest.get(v.name())).ifPresentOrElse(p -> n.put("pvc", p.toString()), () -> n.putNull("pvc"));
                    Backup b = newest.get(v.name());
                    if (b == null) {
                        n.putNull("newestCompleteBackup");
                    } else {
                        n.set("newestCompleteBackup", DrJson.backupNode(b));
                    }
                    arr.add(n);
                }
                root.set("skipped", DrJson.skippedNode(skipped));
                root.put("complete", completeness.isComplete());
                ArrayNode reasons = root.putArray("notSyncedReasons");
                completeness.reasons().forEach(reasons::add);
                ObjectNode gaps = root.putObject("notSyncedVolumes");
                completeness.volumes().forEach(gaps::put);
                ctx.out().println(m.writeValueAsString(root));
            } else {
                TextTable t = new TextTable("VOLUME", "SIZE", "NEWEST COMPLETE BACKUP", "AGE", "PVC", "COMPRESSION");
                for (BackupVolume v : volumes) {
                    Backup b = newest.get(v.name());
                    t.row(v.name(), Sizes.human(v.size()), completeness.volumeGap(v.name()).isPresent() ? "(not synced)"
                            : b == null ? "-" : b.name(),
                            b == null ? "-" : b.pointInTime().map(p -> Times.human(Duration.between(p, now))).orElse("?"),
                            pvc(v, b).map(PvcRef::toString).orElse("(orphan)"), v.compression());
                }
                ctx.out().print(t.render());
                ctx.out().println(volumes.size() + " backup volume(s) in " + catalog.describe());
                if (!skipped.isEmpty()) {
                    ctx.out().println();
                    ctx.out().println("Skipped:");
                    TextTable s = new TextTable("LOCATION", "REASON", "DETAIL");
                    skipped.forEach(e -> s.row(e.location(), e.reason(), e.detail()));
                    ctx.out().print(s.render());
                }
            }
            if (!completeness.isComplete()) {
                ctx.err().print(IncompleteView.of(completeness));
                return ExitCodes.UNAVAILABLE;
            }
            return ExitCodes.OK;
        }
    }

    private static Optional<PvcRef> pvc(BackupVolume v, Backup newest) {
        try {
            return v.pvc(Optional.ofNullable(newest));
        } catch (InvalidBackupDataException e) {
            return Optional.empty();
        }
    }
}

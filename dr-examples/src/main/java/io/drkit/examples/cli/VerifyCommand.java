package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.Cancellation;
import io.drkit.core.DrJson;
import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.TextTable;
import io.drkit.examples.options.DrOption.Part;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import io.drkit.s3.BackupVerification;
import io.drkit.s3.BackupVerifier;
import io.drkit.s3.BadBlock;
import io.drkit.s3.VerificationResult;
import io.drkit.s3.VerifyLevel;
import io.drkit.s3.VerifyListener;
import io.drkit.s3.VerifyShard;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dr verify [VOLUME] [--backup NAME] [--level metadata|sample|full] [--shard I/N]}: are the backups restorable?
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check that backups are restorable, reading the backupstore directly: one backup, one volume's "
                + "backups, or the whole store. Levels: metadata (every referenced block exists), sample (also download, "
                + "decode and checksum a reproducible random fraction of the blocks), full (all of them).",
            "Each missing or corrupt block is listed with its offsets and every other backup that shares it. Exit code "
                + "3 when a backup is damaged (with --strict also when blocks are only readable in another codec)."})
final class VerifyCommand implements Callable<Integer>, CliOptions.Takes {
    /** The environment variable a Kubernetes Indexed Job sets to the pod's completion index. */
    static final String INDEX_ENV = "JOB_COMPLETION_INDEX";

    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;

    @Override
    public List<DrOption<?>> tableOptions() {
        return DrOptions.cli(Part.SOURCE);
    }
    @Mixin
    FormatOptions format;

    @Parameters(index = "0", arity = "0..1", paramLabel = "VOLUME", description = "The volume (default: every volume).")
    String volume;

    @Option(names = "--backup", paramLabel = "NAME", description = "Only this backup of VOLUME.")
    String backup;

    @Option(names = "--level", paramLabel = "metadata|sample|full", defaultValue = "metadata",
            description = "How deeply to check. Default: ${DEFAULT-VALUE}.")
    String level;

    @Option(names = "--sample-fraction", paramLabel = "F", defaultValue = "0.05",
            description = "With --level sample: fraction of the distinct blocks to download. Default: ${DEFAULT-VALUE}.")
    double sampleFraction;

    @Option(names = "--seed", paramLabel = "N|random", defaultValue = "1",
            description = "With --level sample: picks the sample; the same seed checks the same blocks. random: a new "
                    + "sample each run (the seed used is printed, to check the same blocks again). Default: ${DEFAULT-VALUE}.")
    String seed;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--shard", paramLabel = "I/N|auto/N",
            description = {"Verify only shard I of N of the store's volumes (0 <= I < N): a stable, disjoint partition by "
                + "volume name (SHA-256 of the name, modulo N), the same on every run and machine; the N shards together "
                + "cover every volume once. auto/N takes I from the environment variable "
                + VerifyCommand.INDEX_ENV + " (set by a Kubernetes Indexed Job). Not with VOLUME."})
    String shard;

    @Option(names = "--strict", description = "Also fail (exit 3) when blocks are readable only in another codec than recorded.")
    boolean strict;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        if (backup != null && volume == null) {
            throw new InvalidInputException("--backup needs the VOLUME it belongs to");
        }
        VerifyLevel lvl = switch (level.toLowerCase(Locale.ROOT)) {
            case "metadata" -> VerifyLevel.METADATA;
            case "sample", "sampled" -> VerifyLevel.SAMPLED;
            case "full" -> VerifyLevel.FULL;
            default -> throw new InvalidInputException("--level must be metadata, sample or full, not '" + level + "'");
        };
        if (shard != null && volume != null) {
            throw new InvalidInputException("--shard splits the whole store; it cannot be combined with VOLUME");
        }
        java.util.Optional<Long> fixedSeed = "random".equalsIgnoreCase(seed.trim()) ? java.util.Optional.empty()
                : java.util.Optional.of(parseSeed(seed));
        VerifyShard selected = shard == null ? VerifyShard.all() : parseShard(shard, ctx.env());
        try (Connections c = new Connections(CliOptions.settings(spec, ctx), ctx.kubernetes());
             ProgressDisplay progress = parent.progress(format)) {
            c.preflight(parent.connectTimeout(), List.of(Preflight.Need.of(Preflight.Backend.BACKUPSTORE)));
            BackupVerifier.Builder b = BackupVerifier.builder(c.objectSource(), c.target()).level(lvl)
                    .concurrency(concurrency).listener(new Progress(progress));
            if (lvl == VerifyLevel.SAMPLED) {
                b.sampleFraction(sampleFraction);
                fixedSeed.ifPresent(b::seed);
            }
            BackupVerifier verifier = b.build();
            Cancellation cancel = Cancellation.create();
            VerificationResult result = volume == null ? verifier.verifyShard(selected, cancel)
                    : backup == null ? verifier.verifyVolume(volume, cancel) : verifier.verifyBackup(volume, backup, cancel);
            progress.close();
            print(ctx, result, shard == null ? null : selected);
            return result.exitCode(strict) == 0 ? ExitCodes.OK : ExitCodes.DAMAGED;
        }
    }

    private static long parseSeed(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--seed must be a number or random, not '" + text + "'", e);
        }
    }

    /** {@code I/N}, or {@code auto/N} with I from {@value #INDEX_ENV}. */
    static VerifyShard parseShard(String text, java.util.Map<String, String> env) {
        String t = text.trim();
        if (t.startsWith("auto/")) {
            String index = env.get(INDEX_ENV);
            if (index == null || index.isBlank()) {
                throw new InvalidInputException("--shard " + text + " takes the shard index from " + INDEX_ENV
                        + " (set by a Kubernetes Indexed Job), but it is not set");
            }
            try {
                return VerifyShard.parse(index.trim() + t.substring(4));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("--shard " + text + " with " + INDEX_ENV + "=" + index + ": " + e.getMessage(), e);
            }
        }
        return VerifyShard.parse(t);
    }

    private void print(CliContext ctx, VerificationResult r, VerifyShard sh) throws Exception {
        if (format.json()) {
            ObjectMapper m = format.mapper();
            ObjectNode root = m.createObjectNode();
            root.put("kind", "VerificationResult");
            if (sh != null) {
                root.putObject("shard").put("index", sh.index()).put("count", sh.count());
            } else {
                root.putNull("shard");
            }
            root.put("level", r.level().name());
            root.put("sampleFraction", r.sampleFraction());
            root.put("seed", r.seed());
            root.put("status", r.status().name());
            root.put("distinctBlocks", r.distinctBlocks());
            root.put("bytesDownloaded", r.bytesDownloaded());
            root.put("elapsedMillis", r.elapsed().toMillis());
            ArrayNode backups = root.putArray("backups");
            for (BackupVerification v : r.backups()) {
                ObjectNode n = backups.addObject();
                n.put("volume", v.volumeName()).put("backup", v.backupName()).put("status", v.status().name())
                        .put("blocksReferenced", v.blocksReferenced()).put("presenceChecked", v.presenceChecked())
                        .put("contentChecked", v.contentChecked()).put("bytesDownloaded", v.bytesDownloaded())
                        .put("presenceCheck", v.presenceCheck().name()).put("codecFallbacks", v.codecFallbacks());
                v.problem().ifPresentOrElse(p -> n.put("problem", p), () -> n.putNull("problem"));
                ArrayNode bad = n.putArray("badBlocks");
                for (BadBlock x : v.badBlocks()) {
                    ObjectNode bn = bad.addObject().put("checksum", x.checksum()).put("key", x.key())
                            .put("problem", x.problem().name()).put("detail", x.detail());
                    x.offsets().forEach(bn.putArray("offsets")::add);
                    x.alsoReferencedBy().forEach(bn.putArray("alsoReferencedBy")::add);
                }
            }
            root.set("skipped", DrJson.skippedNode(r.skipped()));
            ctx.out().println(m.writeValueAsString(root));
            return;
        }
        TextTable t = new TextTable("VOLUME", "BACKUP", "STATUS", "BLOCKS", "CHECKED", "MISSING", "CORRUPT", "DOWNLOADED", "BY");
        for (BackupVerification v : r.backups()) {
            t.row(v.volumeName(), v.backupName(), v.status(), v.blocksReferenced(),
                    r.level() == VerifyLevel.METADATA ? v.presenceChecked() : v.contentChecked(), v.missing().size(),
                    v.corrupt().size(), Sizes.human(v.bytesDownloaded()), v.presenceCheck());
        }
        ctx.out().print(t.render());
        for (BackupVerification v : r.backups()) {
            v.problem().ifPresent(p -> ctx.out().println(v.volumeName() + "/" + v.backupName() + ": " + p));
            for (BadBlock x : v.badBlocks()) {
                ctx.out().println(v.volumeName() + "/" + v.backupName() + ": block " + x.checksum() + " " + x.problem()
                        + " at offset(s) " + x.offsets() + (x.detail().isEmpty() ? "" : " (" + x.detail() + ")"));
                if (!x.alsoReferencedBy().isEmpty()) {
                    ctx.out().println("    also breaks: " + String.join(", ", x.alsoReferencedBy()));
                }
            }
        }
        r.skipped().forEach(s -> ctx.out().println("skipped " + s));
        if (sh != null) {
            ctx.out().print("shard " + sh + ": ");
        }
        ctx.out().println(r.summary());
    }

    /** Draws verification progress. */
    private static final class Progress implements VerifyListener {
        private final ProgressDisplay display;

        Progress(ProgressDisplay display) {
            this.display = display;
        }

        @Override
        public void blocksChecked(String volumeName, long done, long total, long bytesDownloaded) {
            display.update(volumeName, done, total, "blocks", "verifying");
        }

        @Override
        public void backupVerified(BackupVerification report) {
            display.finish(report.volumeName(), null);
        }
    }
}

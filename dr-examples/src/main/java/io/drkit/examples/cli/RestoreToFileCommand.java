package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.Cancellation;
import io.drkit.core.util.Sizes;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.DamagedBlock;
import io.drkit.s3.ImageRestoreListener;
import io.drkit.s3.ImageRestoreOptions;
import io.drkit.s3.ImageRestoreResult;
import io.drkit.s3.RestoreProgress;
import io.drkit.s3.VolumeImageRestorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dr restore-to-file VOLUME --output FILE|DEVICE}: rebuild a volume image from the backupstore, without Longhorn.
 * SIGINT and SIGTERM cancel the restore through a shutdown hook, which removes the partial file at once, says so in one
 * line and lets the process end with the signal's code (130, 143).
 */
@Command(name = "restore-to-file", mixinStandardHelpOptions = true,
        description = {"Restore a backup of a volume to a raw image file or a block device, reading the backupstore "
                + "directly: no Longhorn, no cluster.",
            "A file is written to a temporary .<name>.<pid>-...drkit-partial file next to it, fsynced and renamed: a "
                + "failed or cancelled restore (also by SIGINT or SIGTERM) leaves no file behind, and the partial file "
                + "of a killed restore (SIGKILL, power loss) is removed by the next restore to the same file. An "
                + "existing file is never overwritten unless --overwrite.",
            "A block device is written in place (never replaced or truncated), only with --overwrite, and must be at "
                + "least as large as the image (else exit 2, nothing written); a failed or cancelled restore leaves it "
                + "partly written. Directories, character devices, FIFOs and sockets are refused (exit 2).",
            "--salvage writes missing or corrupt blocks as zeros, completes, and lists every damaged range (exit 3).",
            "SIGINT or SIGTERM: the restore is cancelled, one line says so on stderr, exit 130 or 143. Block buffers "
                + "use at most 128 MiB (fewer blocks in flight for large blocks: 3 of 16 MiB)."})
final class RestoreToFileCommand implements Callable<Integer>, CliOptions.Takes {
    /** How long a signal waits for the cancelled restore to stop its workers and release its lock. */
    private static final long STOP_WAIT_SECONDS = 10;

    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;

    @Override
    public List<DrOption<?>> tableOptions() {
        return DrOptions.backupstoreOnly();
    }
    @Mixin
    FormatOptions format;

    @Mixin
    BackupChoice choice;

    @Option(names = "--output", required = true, paramLabel = "FILE|DEVICE",
            description = "The image file to create, or a block device to write in place (needs --overwrite).")
    Path output;

    @Option(names = "--salvage", description = "Write missing or corrupt blocks as zeros and finish; report the damaged ranges.")
    boolean salvage;

    @Option(names = "--overwrite", description = "Replace FILE if it exists, or write onto a block device (default: "
            + "refuse, exit 7).")
    boolean overwrite;

    @Option(names = "--base-image", paramLabel = "FILE", description = "The volume's backing image, laid under the blocks.")
    Path baseImage;

    @Option(names = "--lock", description = "Hold a Longhorn backupstore lock while restoring, so a live Longhorn does not "
            + "delete blocks meanwhile (writes a lock object to the store).")
    boolean lock;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8", description = "Blocks in flight, at most "
            + "(fewer when 128 MiB of block buffers do not hold that many: 3 for 16 MiB blocks). Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        BackupSelection which = choice.selection();
        Cancellation cancel = Cancellation.create();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        boolean device = isSpecial(output); // anything special but a block device is refused before the restore starts
        Thread hook = new Thread(() -> {
            if (finished.getCount() == 0) {
                return;
            }
            signalled.set(true);
            cancel.cancel(); // the restore removes its partial file right here, on this thread
            ctx.err().println("dr restore-to-file: cancelled by a signal; " + (device ? "block device " + output
                    + " holds a partly written image" : "nothing was written to " + output
                    + " and the partial file is removed"));
            try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS); // workers stop, the lock is released
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dr-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Connections c = new Connections(CliOptions.settings(spec, ctx), ctx.kubernetes());
             ProgressDisplay progress = parent.progress(format)) {
            c.preflight(parent.connectTimeout(), List.of(Preflight.Need.of(Preflight.Backend.BACKUPSTORE)));
            VolumeImageRestorer restorer = VolumeImageRestorer.builder(c.objectSource(), c.target()).concurrency(concurrency)
                    .backupstoreLock(lock).listener(new ImageRestoreListener() {
                        @Override
                        public void leftoverPartialFile(Path file, boolean removed, String detail) {
                            ctx.err().println("dr restore-to-file: " + (removed ? "removed leftover partial file "
                                    : "kept partial file ") + file + ": " + detail);
                        }

                        @Override
                        public void progress(RestoreProgress p) {
                            progress.update(p.volumeName(), p.bytesDone(), p.bytesTotal(), "bytes", p.backupName());
                        }
                    }).build();
            ImageRestoreOptions.Builder o = ImageRestoreOptions.builder().salvage(salvage).overwrite(overwrite)
                    .cancellation(cancel);
            if (baseImage != null) {
                o.baseImage(baseImage);
            }
            ImageRestoreResult r = restorer.restoreToFile(which, output, o.build());
            progress.close();
            print(ctx, r);
            return r.intact() ? ExitCodes.OK : ExitCodes.DAMAGED;
        } catch (RuntimeException e) {
            if (signalled.get()) {
                return ExitCodes.FAILED; // the hook said it in one line; the process ends with the signal's code
            }
            throw e;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down
            }
        }
    }

    private static boolean isSpecial(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    private void print(CliContext ctx, ImageRestoreResult r) throws Exception {
        if (format.json()) {
            ObjectMapper m = format.mapper();
            ObjectNode n = m.createObjectNode();
            n.put("kind", "ImageRestoreResult").put("volume", r.volumeName()).put("backup", r.backupName())
                    .put("destination", r.destination()).put("imageSize", r.imageSize()).put("blockSize", r.blockSize())
                    .put("compression", r.compression().wireName()).put("blocksListed", r.blocksListed())
                    .put("blocksRestored", r.blocksRestored()).put("bytesDownloaded", r.bytesDownloaded())
                    .put("codecFallbacks", r.codecFallbacks()).put("intact", r.intact())
                    .put("elapsedMillis", r.elapsed().toMillis());
            var ranges = n.putArray("damagedRanges");
            r.damagedRanges().forEach(x -> ranges.addObject().put("offset", x.offset()).put("length", x.length()));
            var blocks = n.putArray("damagedBlocks");
            for (DamagedBlock d : r.damagedBlocks()) {
                blocks.addObject().put("offset", d.offset()).put("checksum", d.checksum()).put("key", d.key())
                        .put("problem", d.problem().name()).put("detail", d.detail());
            }
            format.print(ctx.out(), n);
            return;
        }
        ctx.out().printf("restored %s/%s to %s: %s image, %d of %d listed blocks, %s downloaded, %.1f s%n",
                r.volumeName(), r.backupName(), r.destination(), Sizes.human(r.imageSize()), r.blocksRestored(),
                r.blocksListed(), Sizes.human(r.bytesDownloaded()), r.elapsed().toMillis() / 1000.0);
        if (r.codecFallbacks() > 0) {
            ctx.out().println(r.codecFallbacks() + " block(s) were stored in another codec than recorded (Longhorn #7687)");
        }
        if (r.lacksBaseImage()) {
            ctx.out().println("warning: the volume has backing image " + r.backingImageName().orElse("?")
                    + "; without --base-image the image shows zeros where the volume showed backing-image data");
        }
        for (DamagedBlock d : r.damagedBlocks()) {
            ctx.out().println("salvaged: block " + d.checksum() + " at offset " + d.offset() + " (" + d.problem() + ") "
                    + "written as zeros");
        }
        if (!r.damagedRanges().isEmpty()) {
            ctx.out().println("damaged ranges: " + r.damagedRanges());
        }
    }
}

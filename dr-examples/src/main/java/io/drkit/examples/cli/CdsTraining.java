package io.drkit.examples.cli;

import io.drkit.core.model.BackupTarget;
import io.drkit.examples.support.Trees;
import io.drkit.s3.BackupstoreLayout;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The build's class-data-sharing training run: {@code java -XX:ArchiveClassesAtExit=target/dr.jsa -cp target/dr.jar
 * io.drkit.examples.cli.CdsTraining} runs the commands operators run most ({@code dr --help} through {@link DrMain}'s
 * recorded pages and through the CLI, {@code dr volumes} and
 * {@code dr backups} on a small directory store it writes itself), so that the archive holds the classes they load and
 * the {@code dr} launcher starts them from it ({@code -XX:SharedArchiveFile=dr.jsa}). Output is discarded; the
 * exit status is 0 when every command ran as expected.
 */
public final class CdsTraining {
    private static final String VOLUME = "pvc-cds-training";

    private CdsTraining() {
    }

    /** Entry point. */
    public static void main(String... args) throws Exception {
        System.exit(train() == 0 ? 0 : 1);
    }

    /** Runs the training commands on a store of its own (removed afterwards); returns how many failed. */
    static int train() throws Exception {
        Path store = Files.createTempDirectory("drkit-cds-training");
        int failed = 0;
        try {
            writeStore(store);
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true);
            CliContext ctx = new CliContext(nowhere, nowhere, Map.of(), () -> {
                throw new IllegalStateException("no cluster in the training run");
            }, false, Clock.systemUTC());
            String dir = store.toString();
            String[][] commands = {{"volumes", "--backupstore", dir},
                    {"backups", "--backupstore", dir, VOLUME}, {"volumes", "--backupstore", dir, "-o", "json"}};
            // dr --help as java -jar dr.jar runs it: DrMain prints the page recorded at build time
            if (DrMain.printHelp(HelpPages.builtIn(), nowhere, "--help") != ExitCodes.OK) {
                System.err.println("CDS training: no recorded help page for dr --help");
                failed++;
            }
            DrCli.run(ctx, "--help"); // the CLI's own help, for the requests without a recorded page
            for (String[] c : commands) {
                if (DrCli.run(ctx, c) != ExitCodes.OK) {
                    System.err.println("CDS training: dr " + String.join(" ", c) + " failed");
                    failed++;
                }
            }
        } finally {
            Trees.delete(store);
        }
        return failed;
    }

    /** One volume with two complete backups, in Longhorn's layout and cfg format. */
    private static void writeStore(Path dir) throws Exception {
        BackupstoreLayout layout = BackupstoreLayout.of(BackupTarget.directory(dir));
        String volume = VOLUME;
        write(dir.resolve(layout.volumeCfg(volume)), "{\"Name\":\"" + volume + "\",\"Size\":\"4194304\",\"Labels\":"
                + "{\"KubernetesStatus\":\"{\\\"pvcName\\\":\\\"data\\\",\\\"namespace\\\":\\\"default\\\"}\"},"
                + "\"CreatedTime\":\"2026-01-01T03:00:00Z\",\"LastBackupName\":\"backup-cds0000000000002\","
                + "\"LastBackupAt\":\"2026-01-02T03:00:00Z\",\"BlockCount\":\"1\",\"BackingImageName\":\"\","
                + "\"BackingImageChecksum\":\"\",\"CompressionMethod\":\"lz4\",\"StorageClassName\":\"longhorn\","
                + "\"DataEngine\":\"v1\"}");
        for (int i = 1; i <= 2; i++) {
            String name = "backup-cds000000000000" + i;
            String at = "2026-01-0" + i + "T03:00:00Z";
            write(dir.resolve(layout.backupCfg(volume, name)), "{\"Name\":\"" + name + "\",\"VolumeName\":\"" + volume
                    + "\",\"SnapshotName\":\"snap-" + i + "\",\"SnapshotCreatedAt\":\"" + at + "\",\"CreatedTime\":\""
                    + at + "\",\"Size\":\"2097152\",\"Labels\":null,\"IsIncremental\":false,"
                    + "\"CompressionMethod\":\"lz4\",\"ProcessingBlocks\":null,\"Blocks\":[{\"Offset\":0,"
                    + "\"BlockChecksum\":\"" + "ab".repeat(32) + "\"}],\"SingleFile\":{\"FilePath\":\"\"}}");
        }
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}

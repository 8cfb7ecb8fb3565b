package io.drkit.examples.cli;

import io.drkit.examples.drill.Drill;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr drill}: the whole disaster and recovery on this machine, no cluster and no cloud. */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Run the disaster-recovery drill on embedded defaults: an embedded S3 server receives a realistic "
                + "Longhorn backupstore, the cluster is lost, a new in-process Kubernetes API gets the apps' claims, a "
                + "simulated Longhorn restores real images from the bucket with dr-s3, the real restore Job runs, and "
                + "every critical app's restored image is compared byte for byte with what was backed up.",
            "Exit 0 only if every critical app came back with the right bytes."})
final class DrillCommand implements Callable<Integer> {
    @ParentCommand
    DrCli parent;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Where restored images go (default: a temporary directory).")
    Path workdir;

    @Option(names = "--keep", description = "Keep the work directory (restored images) afterwards.")
    boolean keep;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "2026", description = "Seed of the generated data. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--bit-rot", description = "Corrupt one stored block of a critical app first: the drill must fail loudly.")
    boolean bitRot;

    @Override
    public Integer call() {
        return Drill.run(new Drill.Options(Optional.ofNullable(workdir), keep || workdir != null, seed, bitRot),
                parent.context().out());
    }
}

package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.examples.drill.Drill;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr drill}: the whole disaster and recovery on this machine, no cluster and no cloud. */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Run the disaster-recovery drill on embedded defaults: an embedded S3 server receives a realistic "
                + "Longhorn backupstore, the cluster is lost, a new in-process Kubernetes API gets the apps' claims, a "
                + "simulated Longhorn restores real images from the bucket with dr-s3, the real restore Job runs, and "
                + "every critical app's restored image is compared byte for byte with what was backed up.",
            "Exit 0 only if every critical app came back with the right bytes.",
            "Runs from the examples jar (dr-examples.jar); the production dr.jar has no test servers and exits 2."})
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

    @Mixin
    FormatOptions format;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        if (DrillCommand.class.getClassLoader().getResource("io/drkit/examples/drill/Drill.class") == null) {
            ctx.err().println("dr drill is not in this jar: the production dr.jar carries no test servers or simulators."
                    + " Run the drill from the examples jar: java -jar dr-examples/target/dr-examples.jar drill");
            return ExitCodes.USAGE;
        }
        Drill.Options options = new Drill.Options(Optional.ofNullable(workdir), keep || workdir != null, seed, bitRot);
        if (!format.json()) {
            return Drill.run(options, ctx.out());
        }
        Drill.Result r = Drill.execute(options, ctx.err());
        ObjectMapper m = format.mapper();
        ObjectNode root = m.createObjectNode();
        root.put("kind", "DrillResult").put("passed", r.passed()).put("restoreJobExit", r.restoreJobExit())
                .put("elapsedMillis", r.elapsed().toMillis());
        ArrayNode apps = root.putArray("apps");
        for (Drill.AppResult a : r.apps()) {
            ObjectNode n = apps.addObject().put("pvc", a.pvc()).put("critical", a.critical()).put("volume", a.volume())
                    .put("verdict", a.verdict()).put("detail", a.detail());
            a.expectedBackup().ifPresentOrElse(x -> n.put("expectedBackup", x), () -> n.putNull("expectedBackup"));
            a.expectedSha256().ifPresentOrElse(x -> n.put("expectedSha256", x), () -> n.putNull("expectedSha256"));
            a.actualSha256().ifPresentOrElse(x -> n.put("actualSha256", x), () -> n.putNull("actualSha256"));
        }
        r.problems().forEach(root.putArray("problems")::add);
        format.print(ctx.out(), root);
        return r.exitCode();
    }
}

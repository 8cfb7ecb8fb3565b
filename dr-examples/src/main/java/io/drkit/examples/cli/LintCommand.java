package io.drkit.examples.cli;


import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.util.TextTable;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import io.drkit.kubernetes.StorageClassLint;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dr lint}: StorageClasses that pin a backup with {@code fromBackup}. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Find Longhorn StorageClasses with a fromBackup parameter (every claim of that class restores the "
                + "same pinned backup, forever) and explain the replacement; exit code 4 when any is found.")
final class LintCommand implements Callable<Integer> {
    @ParentCommand
    DrCli parent;
    @Mixin
    KubernetesOptions kube;
    @Mixin
    FormatOptions format;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        try (Connections c = new Connections(Connections.Settings.clusterOnly(ctx.env()), kube.factory(ctx))) {
            c.preflight(parent.connectTimeout(), List.of(Preflight.Need.of(Preflight.Backend.KUBERNETES)));
            List<StorageClassLint.Finding> findings = StorageClassLint.lint(c.kubernetes());
            if (format.json()) {
                ObjectNode root = format.mapper().createObjectNode().put("kind", "StorageClassLint");
                ArrayNode arr = root.putArray("findings");
                findings.forEach(f -> arr.addObject().put("storageClass", f.storageClass()).put("provisioner", f.provisioner())
                        .put("fromBackup", f.fromBackup()).put("defaultClass", f.defaultClass())
                        .put("severity", f.severity().name()).put("risk", f.risk()).put("replacement", f.replacement()));
                format.print(ctx.out(), root);
            } else if (findings.isEmpty()) {
                ctx.out().println("No StorageClass pins a backup.");
            } else {
                TextTable t = new TextTable("SEVERITY", "STORAGECLASS", "FROMBACKUP");
                findings.forEach(f -> t.row(f.severity(), f.storageClass(), f.fromBackup()));
                ctx.out().print(t.render());
                for (StorageClassLint.Finding f : findings) {
                    ctx.out().println();
                    ctx.out().println(f.storageClass() + ": " + f.risk());
                    ctx.out().println("  instead: " + f.replacement());
                }
            }
            return findings.isEmpty() ? ExitCodes.OK : ExitCodes.VIOLATIONS;
        }
    }
}

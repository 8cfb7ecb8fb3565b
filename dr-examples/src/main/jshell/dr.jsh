// drkit in JShell: open a backupstore, list its volumes, plan a restore, verify one backup.
//   ./mvnw -B -q package -DskipTests && jshell --class-path dr-examples/target/dr-examples.jar dr-examples/src/main/jshell/dr.jsh
// Reads DRKIT_BACKUPSTORE (an s3:// URL, with AWS_* keys in the environment, or a directory); without it, it writes
// the drill's homelab store into a temporary directory first.
import io.drkit.core.cluster.*; import io.drkit.core.model.*; import io.drkit.core.plan.*; import io.drkit.s3.*; import io.drkit.examples.drill.HomelabStore; import java.nio.file.*;
var store = System.getenv().getOrDefault("DRKIT_BACKUPSTORE", Files.createTempDirectory("drkit-jshell-").toString());
if (System.getenv("DRKIT_BACKUPSTORE") == null) HomelabStore.writeDirectory(Path.of(store));
var target = BackupTarget.parse(store);
var source = target.scheme() == BackupTarget.Scheme.S3 ? S3ObjectSource.forTarget(target, System.getenv()) : DirectoryObjectSource.of(target.localDirectory().orElseThrow());
var catalog = BackupstoreCatalog.builder(source, target).build();
catalog.newestCompleteBackups().forEach((volume, backup) -> System.out.println(volume + "  " + backup.name() + "  " + backup.pointInTime().orElseThrow()));
var plan = RestorePlanner.standard().plan(RestoreRequest.builder().group("critical").build(), catalog, ClusterState.offline());
System.out.println(plan.toTable());
var first = plan.steps().get(0).backup();
var verification = BackupVerifier.builder(source, target).level(VerifyLevel.FULL).build().verifyBackup(first.volumeName(), first.name());
System.out.println(verification.summary());

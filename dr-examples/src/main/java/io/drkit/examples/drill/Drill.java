package io.drkit.examples.drill;

import io.drkit.core.model.BackupTarget;
import io.drkit.examples.cli.ExitCodes;
import io.drkit.examples.job.RestoreJob;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Hashes;
import io.drkit.examples.support.InProcessKubernetes;
import io.drkit.examples.support.Logging;
import io.drkit.examples.support.Trees;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.ImageRestoreListener;
import io.drkit.s3.RestoreProgress;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.VolumeImageRestorer;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.ExpectedImage;
import io.drkit.s3.testing.WrittenBackup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/**
 * The disaster-recovery drill: the whole disaster and recovery on one machine, with no cluster and no cloud.
 *
 * <ol>
 *   <li>An embedded S3-compatible server (S3Proxy, in this JVM) receives a realistic Longhorn backupstore, written
 *       byte for byte the way Longhorn writes it: several apps across namespaces, the {@code critical} and
 *       {@code default} recurring-job groups, lz4 and gzip, 2 and 16 MiB blocks, an in-progress backup, a stale
 *       last-backup pointer, a claim recreated after an earlier rebuild (the data-loss guard must keep the real
 *       data), an orphan volume and junk entries.</li>
 *   <li>The cluster is gone. A new one comes up: an in-process Kubernetes API (fabric8's mock server) where GitOps has
 *       created the apps' claims, the critical ones labelled {@code data-tier: critical}.</li>
 *   <li>Longhorn is simulated: its controllers are played by {@code SimulatedLonghorn}, and each restore really
 *       rebuilds the volume image from the bucket with dr-s3 into a local file.</li>
 *   <li>The real restore Job code path runs ({@link RestoreJob#run}): scan, plan (printed), apply (progress),
 *       report.</li>
 *   <li>Every critical app is checked: its claim is bound to a PV of the restored volume, the volume came from the
 *       expected backup, and the restored image is byte for byte the data that was backed up.</li>
 * </ol>
 * Exit 0 only if every critical app came back with the right bytes.
 */
public final class Drill {
    private static final String BUCKET = "longhorn-backups";
    private static final ResourceDefinitionContext VOLUMES = new ResourceDefinitionContext.Builder()
            .withGroup("longhorn.io").withVersion("v1beta2").withKind("Volume").withPlural("volumes").withNamespaced(true).build();

    /**
     * Drill options.
     *
     * @param workdir where restored images go (default: a new temporary directory)
     * @param keep    keep the work directory afterwards
     * @param seed    seed of all generated data
     * @param bitRot  corrupt one stored block of a critical app before the disaster: the restore must refuse it and
     *                the drill must fail loudly (shows what a damaged backup looks like)
     */
    public record Options(Optional<Path> workdir, boolean keep, long seed, boolean bitRot) {
        /** Replaces nulls. */
        public Options {
            workdir = Objects.requireNonNullElse(workdir, Optional.empty());
        }

        /** Defaults: a temporary work directory, removed afterwards, seed 2026. */
        public static Options defaults() {
            return new Options(Optional.empty(), false, 2026, false);
        }
    }

    private final Options options;
    private final PrintStream out;

    private Drill(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * What the drill found for one app.
     *
     * @param pvc            the claim, {@code namespace/name}
     * @param critical       whether the app is critical (must come back)
     * @param volume         the Longhorn volume a restore must create for it
     * @param expectedBackup the backup it must come back as (critical apps)
     * @param expectedSha256 SHA-256 of the data that was backed up (critical apps)
     * @param actualSha256   SHA-256 of the restored image, if there is one
     * @param verdict        {@code OK}, {@code FAIL}, {@code LEFT_ALONE} (not critical, untouched) or
     *                       {@code UNEXPECTEDLY_RESTORED}
     * @param detail         what was wrong, if anything
     */
    public record AppResult(String pvc, boolean critical, String volume, Optional<String> expectedBackup,
                            Optional<String> expectedSha256, Optional<String> actualSha256, String verdict, String detail) {
    }

    /**
     * The drill's outcome.
     *
     * @param passed         whether every critical app came back with the right bytes and the restore Job exited 0
     * @param restoreJobExit the restore Job's exit code (-1 when it did not run)
     * @param apps           one entry per app
     * @param problems       what went wrong, in words
     * @param elapsed        wall time
     */
    public record Result(boolean passed, int restoreJobExit, List<AppResult> apps, List<String> problems, Duration elapsed) {
        /** Copies the lists. */
        public Result {
            apps = List.copyOf(apps);
            problems = List.copyOf(problems);
        }

        /** 0 when passed, else 1. */
        public int exitCode() {
            return passed ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** Runs the drill, narrating to {@code out}; returns 0 if every critical app came back with the right bytes. */
    public static int run(Options options, PrintStream out) {
        return execute(options, out).exitCode();
    }

    /** Runs the drill, narrating to {@code out}, and returns what it found. */
    public static Result execute(Options options, PrintStream out) {
        return new Drill(options, out).run();
    }

    /** Runs the drill with default options. */
    public static void main(String... args) {
        Logging.quiet();
        System.exit(run(Options.defaults(), System.out));
    }

    private Result run() {
        Instant started = Instant.now();
        Path work;
        try {
            work = options.workdir().isPresent() ? Files.createDirectories(options.workdir().get())
                    : Files.createTempDirectory("drkit-drill-");
        } catch (IOException e) {
            out.println("drill: cannot create a work directory: " + e.getMessage());
            return new Result(false, -1, List.of(), List.of("cannot create a work directory: " + e.getMessage()),
                    Duration.between(started, Instant.now()));
        }
        try {
            return drill(work, started);
        } catch (RuntimeException e) {
            out.println("drill: FAILED: " + e);
            return new Result(false, -1, List.of(), List.of(e.toString()), Duration.between(started, Instant.now()));
        } finally {
            if (!options.keep()) {
                try {
                    Trees.delete(work);
                } catch (IOException e) {
                    out.println("drill: could not remove " + work + ": " + e.getMessage());
                }
            }
        }
    }

    private Result drill(Path work, Instant started) {
        banner("drkit disaster-recovery drill");
        out.println("Simulated here: the S3 server (S3Proxy in this JVM), the Kubernetes API server (fabric8's in-process");
        out.println("mock: stores objects, runs no controllers), and Longhorn (its controllers and the PV controller are");
        out.println("played by SimulatedLonghorn). Real: the backupstore format, every byte of backup data, the restore");
        out.println("Job's code (scan, plan, apply), the image restore from the bucket, and the final byte comparison.");
        try (EmbeddedS3Server s3 = EmbeddedS3Server.startTransient()) {
            BackupTarget target = BackupTarget.parse("s3://" + BUCKET + "@us-east-1/homelab/");
            Map<String, String> secret = s3.longhornSecret();
            s3.createBucket(BUCKET).close();

            banner("1. Before the disaster: Longhorn's recurring jobs back up the apps to " + target);
            List<HomelabStore.App> apps;
            try (S3ObjectSource sink = S3ObjectSource.forTarget(target, secret)) {
                apps = HomelabStore.write(BackupstoreWriter.create(sink, target, options.seed()), options.bitRot());
            }
            if (options.bitRot()) {
                out.println("  --bit-rot: one stored block of karakeep/data-pvc's newest backup is corrupted on purpose");
            }
            apps.forEach(a -> out.printf("  %-20s %-8s volume %-18s%s%n", a.ref(), a.critical() ? "critical" : "default",
                    a.volume(), a.expected().map(b -> "  must come back as " + b.name()).orElse("")));

            banner("2. Disaster: the cluster is gone. A new cluster starts [simulated API server]; GitOps creates the claims");
            try (InProcessKubernetes k8s = InProcessKubernetes.start()) {
                KubernetesClient admin = k8s.newClient("drill-admin");
                for (HomelabStore.App a : apps) {
                    if (a.pvcSize() > 0) {
                        createClaim(admin, a);
                        out.printf("  PVC %-20s %s, Pending: a provisioner would hand it an empty volume%n", a.ref(),
                                a.critical() ? "data-tier=critical" : "data-tier=bulk");
                    }
                }

                banner("3. Longhorn is installed [simulated]; each restore rebuilds the image from the bucket with dr-s3");
                Path images = Files.createDirectories(work.resolve("volumes"));
                try (S3ObjectSource source = S3ObjectSource.forTarget(target, secret);
                     BackupstoreCatalog backups = BackupstoreCatalog.builder(source, target).build();
                     SimulatedLonghorn longhorn = SimulatedLonghorn.builder(k8s.newClient("simulated-longhorn"), backups)
                             .backupTarget("default", target.url()).tick(Duration.ofMillis(20))
                             .restoreHook((job, progress) -> restoreImage(source, target, images, job, progress))
                             .build().start()) {
                    out.println("  images are written to " + images);

                    banner("4. The restore Job runs (the real code path: RestoreJob.run)");
                    Map<String, String> env = new LinkedHashMap<>(secret);
                    env.put("DRKIT_BACKUPSTORE", target.url());
                    env.put("DRKIT_POLL_INTERVAL", "100ms");
                    env.put("DRKIT_STEP_TIMEOUT", "5m");
                    int job = RestoreJob.run(env, settings -> new Connections(settings, () -> k8s.newClient("restore-job")), out);
                    out.println("  restore Job exited with " + job);

                    banner("5. Checking every app");
                    return check(apps, admin, images, job, started);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void createClaim(KubernetesClient admin, HomelabStore.App a) {
        PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(a.namespace())
                .withName(a.pvc()).addToLabels("data-tier", a.critical() ? "critical" : "bulk")
                .addToLabels("app.kubernetes.io/name", a.namespace()).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("longhorn")
                .withNewResources().addToRequests("storage", new Quantity(String.valueOf(a.pvcSize()))).endResources()
                .endSpec().build();
        admin.persistentVolumeClaims().inNamespace(a.namespace()).resource(pvc).create();
    }

    /** The simulated Longhorn's restore: the real image, rebuilt from the bucket into a local file. */
    private void restoreImage(S3ObjectSource source, BackupTarget target, Path images, SimulatedLonghorn.RestoreJob job,
                              DoubleConsumer progress) {
        ImageRestoreListener listener = new ImageRestoreListener() {
            @Override
            public void progress(RestoreProgress p) {
                progress.accept(p.fraction());
            }
        };
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(source, target).concurrency(4).listener(listener).build();
        restorer.restoreToFile(BackupSelection.named(job.sourceVolume(), job.backupName()),
                images.resolve(job.volumeName() + ".img"));
    }

    private Result check(List<HomelabStore.App> apps, KubernetesClient admin, Path images, int jobExit, Instant started) {
        List<AppResult> results = new ArrayList<>();
        int ok = 0;
        int critical = 0;
        List<String> problems = new ArrayList<>();
        for (HomelabStore.App a : apps) {
            PersistentVolumeClaim pvc = a.pvcSize() > 0
                    ? admin.persistentVolumeClaims().inNamespace(a.namespace()).withName(a.pvc()).get() : null;
            if (!a.critical()) {
                boolean untouched = pvc == null || pvc.getSpec().getVolumeName() == null
                        || pvc.getSpec().getVolumeName().isEmpty();
                boolean noVolume = admin.genericKubernetesResources(VOLUMES).inNamespace("longhorn-system")
                        .withName(a.volume()).get() == null;
                out.printf("  %-20s not critical: %s%n", a.ref(), untouched && noVolume ? "left alone, as asked"
                        : "UNEXPECTEDLY RESTORED");
                if (!(untouched && noVolume)) {
                    problems.add(a.ref() + " is not critical but was restored");
                }
                results.add(new AppResult(a.ref(), false, a.volume(), Optional.empty(), Optional.empty(), Optional.empty(),
                        untouched && noVolume ? "LEFT_ALONE" : "UNEXPECTEDLY_RESTORED", ""));
                continue;
            }
            critical++;
            pvc = awaitBound(admin, a, Duration.ofSeconds(15));
            WrittenBackup want = a.expected().orElseThrow();
            List<String> why = new ArrayList<>();
            String pvName = pvc == null ? null : pvc.getSpec().getVolumeName();
            String phase = pvc == null ? "missing" : pvc.getStatus() == null ? "not bound" : pvc.getStatus().getPhase();
            if (!"Bound".equals(phase) || pvName == null) {
                why.add("claim is " + phase);
            }
            PersistentVolume pv = pvName == null ? null : admin.persistentVolumes().withName(pvName).get();
            if (pv != null && !a.volume().equals(pv.getSpec().getCsi().getVolumeHandle())) {
                why.add("PV " + pvName + " is for volume " + pv.getSpec().getCsi().getVolumeHandle());
            }
            GenericKubernetesResource volume = admin.genericKubernetesResources(VOLUMES).inNamespace("longhorn-system")
                    .withName(a.volume()).get();
            Object spec = volume == null ? null : volume.get("spec", "fromBackup");
            String fromBackup = spec == null ? "" : spec.toString();
            if (!fromBackup.contains("backup=" + want.name())) {
                why.add("volume " + a.volume() + (volume == null ? " missing" : " restored from " + fromBackup));
            }
            Path image = images.resolve(a.volume() + ".img");
            ExpectedImage expected = want.image().orElseThrow();
            String got = Files.exists(image) ? Hashes.sha256(image) : "no image";
            if (!expected.sha256().equals(got)) {
                why.add("image " + image.getFileName() + " differs from the backed-up data");
            }
            boolean good = why.isEmpty();
            out.printf("  %-20s %s  %s (sha256 %s…)%n", a.ref(), good ? "OK  " : "FAIL", want.name(),
                    got.length() > 12 ? got.substring(0, 12) : got);
            if (good) {
                ok++;
            } else {
                problems.add(a.ref() + ": " + String.join("; ", why));
            }
            results.add(new AppResult(a.ref(), true, a.volume(), Optional.of(want.name()), Optional.of(expected.sha256()),
                    Files.exists(image) ? Optional.of(got) : Optional.empty(), good ? "OK" : "FAIL", String.join("; ", why)));
        }
        banner("Result");
        problems.forEach(p -> out.println("  problem: " + p));
        boolean passed = problems.isEmpty() && ok == critical && jobExit == 0;
        Duration elapsed = Duration.between(started, Instant.now());
        out.printf("%s: %d of %d critical apps came back with the right bytes (restore Job exit %d) in %.1f s%n",
                passed ? "DRILL PASSED" : "DRILL FAILED", ok, critical, jobExit, elapsed.toMillis() / 1000.0);
        return new Result(passed, jobExit, results, problems, elapsed);
    }

    /**
     * The claim once the (simulated) PV controller has bound it to the PV reserved for it; as it is when no PV is
     * reserved for it or {@code timeout} passes.
     */
    private static PersistentVolumeClaim awaitBound(KubernetesClient admin, HomelabStore.App a, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            PersistentVolumeClaim pvc = admin.persistentVolumeClaims().inNamespace(a.namespace()).withName(a.pvc()).get();
            boolean bound = pvc != null && pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase());
            boolean reserved = admin.persistentVolumes().list().getItems().stream().anyMatch(pv ->
                    pv.getSpec().getClaimRef() != null && a.pvc().equals(pv.getSpec().getClaimRef().getName())
                            && a.namespace().equals(pv.getSpec().getClaimRef().getNamespace()));
            if (bound || !reserved || Instant.now().isAfter(deadline)) {
                return pvc;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pvc;
            }
        }
    }

    private void banner(String s) {
        out.println();
        out.println("== " + s);
    }
}

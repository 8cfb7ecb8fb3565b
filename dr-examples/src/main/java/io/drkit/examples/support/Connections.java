package io.drkit.examples.support;

import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.VolumeBinder;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.util.Redaction;
import io.drkit.kubernetes.KubernetesClusterInspector;
import io.drkit.kubernetes.KubernetesVolumeBinder;
import io.drkit.kubernetes.LonghornCrdCatalog;
import io.drkit.longhorn.LonghornBackupCatalog;
import io.drkit.longhorn.LonghornBackupVolume;
import io.drkit.longhorn.LonghornClient;
import io.drkit.longhorn.LonghornVolumeBinder;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.S3ObjectSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Opens what the example programs talk to, from one set of {@link Settings}: a backup catalog (a raw backupstore on
 * S3 or a directory, Longhorn's REST API, or Longhorn's CRDs), the live cluster state, and a volume binder (through
 * Kubernetes or Longhorn's REST API). Everything it opens is closed, in reverse order, by {@link #close()}; clients
 * handed in (a {@link KubernetesClient} from the factory) are closed too, since the factory made them for us.
 */
public final class Connections implements AutoCloseable {

    /** How restores are carried out. */
    public enum Via {
        /** Longhorn CRDs and PVs through the Kubernetes API (pre-binds PVs with a claimRef). */
        KUBERNETES,
        /** Longhorn's manager REST API ({@code pvCreate}/{@code pvcCreate}). */
        LONGHORN
    }

    /**
     * Where to find backups and the cluster.
     *
     * @param backupstore      a backup target URL ({@code s3://bucket@region/path/}) or a local directory holding
     *                         {@code backupstore/} (a mounted NFS/CIFS share)
     * @param targetUrl        for a directory: the backup target URL Longhorn uses for it, so backup URLs match
     *                         what Longhorn expects in {@code fromBackup}
     * @param longhorn         Longhorn manager REST base URL
     * @param kubernetes       read backups from Longhorn's CRDs through the current kubeconfig (or in-cluster)
     * @param backupTargetName Longhorn backup target name (1.8+), default {@link LonghornBackupVolume#DEFAULT_TARGET}
     * @param longhornNamespace Longhorn's namespace, default {@link LonghornCrdCatalog#DEFAULT_NAMESPACE}
     * @param syncWait         how long a catalog over Longhorn's view (REST or CRDs) waits for Longhorn to sync it
     *                         before it answers with an incomplete view, default
     *                         {@link LonghornCrdCatalog#DEFAULT_SYNC_WAIT}
     * @param env              environment with the backup-target Secret keys ({@code AWS_ACCESS_KEY_ID}, ...)
     */
    public record Settings(Optional<String> backupstore, Optional<String> targetUrl, Optional<String> longhorn,
                           boolean kubernetes, String backupTargetName, String longhornNamespace, Duration syncWait,
                           Map<String, String> env) {
        /** Validates and fills defaults. */
        public Settings {
            backupstore = Objects.requireNonNullElse(backupstore, Optional.<String>empty()).filter(s -> !s.isBlank());
            targetUrl = Objects.requireNonNullElse(targetUrl, Optional.<String>empty()).filter(s -> !s.isBlank());
            longhorn = Objects.requireNonNullElse(longhorn, Optional.<String>empty()).filter(s -> !s.isBlank());
            backupTargetName = backupTargetName == null || backupTargetName.isBlank()
                    ? LonghornBackupVolume.DEFAULT_TARGET : backupTargetName;
            longhornNamespace = longhornNamespace == null || longhornNamespace.isBlank()
                    ? LonghornCrdCatalog.DEFAULT_NAMESPACE : longhornNamespace;
            syncWait = Objects.requireNonNullElse(syncWait, LonghornCrdCatalog.DEFAULT_SYNC_WAIT);
            env = Map.copyOf(Objects.requireNonNullElse(env, Map.of()));
        }

        /** Settings that read backups from {@code backupstore}, with credentials from {@code env}. */
        public static Settings backupstore(String backupstore, Map<String, String> env) {
            return new Settings(Optional.of(backupstore), Optional.empty(), Optional.empty(), false, null, null, null, env);
        }

        /** Settings for commands that only talk to the cluster (no backup source). */
        public static Settings clusterOnly(Map<String, String> env) {
            return new Settings(Optional.empty(), Optional.empty(), Optional.empty(), false, null, null, null, env);
        }

        /** These settings reading the backupstore {@code urlOrDirectory}. */
        public Settings withBackupstore(String urlOrDirectory) {
            return new Settings(Optional.of(urlOrDirectory), targetUrl, longhorn, kubernetes, backupTargetName,
                    longhornNamespace, syncWait, env);
        }

        /** These settings with {@code url} as the backup target URL of the backupstore directory. */
        public Settings withTargetUrl(String url) {
            return new Settings(backupstore, Optional.of(url), longhorn, kubernetes, backupTargetName, longhornNamespace,
                    syncWait, env);
        }

        @Override
        public String toString() {
            return "Settings[backupstore=" + backupstore.map(Redaction::url).orElse("-") + ", longhorn="
                    + longhorn.map(Redaction::url).orElse("-") + ", kubernetes=" + kubernetes + "]";
        }
    }

    private final Settings settings;
    private final Supplier<KubernetesClient> kubernetesFactory;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private KubernetesClient kubernetes;
    private LonghornClient longhorn;
    private ObjectSource objectSource;
    private BackupTarget target;
    private BackupCatalog catalog;
    private final Set<Preflight.Backend> checked = EnumSet.noneOf(Preflight.Backend.class);

    /** Connections built from {@code settings}; Kubernetes clients come from {@code kubernetesFactory} when needed. */
    public Connections(Settings settings, Supplier<KubernetesClient> kubernetesFactory) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kubernetesFactory = Objects.requireNonNull(kubernetesFactory, "kubernetesFactory");
    }

    /** Connections that build Kubernetes clients from kubeconfig or the in-cluster service account. */
    public static Connections of(Settings settings) {
        return new Connections(settings, () -> new KubernetesClientBuilder().build());
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The Kubernetes client, created on first use. */
    public synchronized KubernetesClient kubernetes() {
        if (kubernetes == null) {
            kubernetes = track(kubernetesFactory.get());
        }
        return kubernetes;
    }

    /** The Longhorn REST client, created on first use. */
    public synchronized LonghornClient longhorn() {
        if (longhorn == null) {
            String url = settings.longhorn().orElseThrow(() ->
                    new InvalidInputException("no Longhorn URL given (--longhorn URL)"));
            longhorn = track(LonghornClient.builder().baseUrl(url).build());
        }
        return longhorn;
    }

    /**
     * The backup catalog the settings name: exactly one of a backupstore, Longhorn's REST API or Longhorn's CRDs.
     *
     * @throws InvalidInputException when none or several are given
     */
    public synchronized BackupCatalog catalog(CatalogListener listener) {
        return catalog(catalogSource(), listener);
    }

    /**
     * The backup catalog of {@code source}, one of the sources the settings give (for commands that are given several,
     * such as {@code apply} with a backupstore to check against and Longhorn to restore through).
     *
     * @throws InvalidInputException when the settings do not give {@code source}
     */
    public synchronized BackupCatalog catalog(Preflight.Backend source, CatalogListener listener) {
        if (catalog != null) {
            return catalog;
        }
        catalog = track(switch (source) {
            case BACKUPSTORE -> BackupstoreCatalog.builder(objectSource(), target())
                    .listener(listener == null ? CatalogListener.NONE : listener).build();
            case LONGHORN -> LonghornBackupCatalog.builder(longhorn()).backupTarget(settings.backupTargetName())
                    .syncWait(settings.syncWait()).listener(listener).build();
            case KUBERNETES -> {
                if (!settings.kubernetes()) {
                    throw new InvalidInputException("no --kubernetes source given");
                }
                yield LonghornCrdCatalog.builder().client(kubernetes()).namespace(settings.longhornNamespace())
                        .backupTarget(settings.backupTargetName()).syncWait(settings.syncWait()).listener(listener).build();
            }
        });
        return catalog;
    }

    /** The catalog, without a progress listener. */
    public BackupCatalog catalog() {
        return catalog(CatalogListener.NONE);
    }

    /**
     * The raw backupstore's object source (S3 or a directory).
     *
     * @throws InvalidInputException when no backupstore is configured, or it is a URL scheme that must be mounted
     */
    public synchronized ObjectSource objectSource() {
        if (objectSource != null) {
            return objectSource;
        }
        BackupTarget t = storeTarget();
        objectSource = track(switch (t.scheme()) {
            case S3 -> S3ObjectSource.forTarget(t, settings.env());
            default -> {
                Path dir = t.localDirectory().orElseThrow();
                if (!Files.isDirectory(dir)) {
                    throw new InvalidInputException("backupstore directory " + dir + " does not exist");
                }
                yield DirectoryObjectSource.of(dir);
            }
        });
        return objectSource;
    }

    /** The backupstore read directly: an S3 target or a local directory; other schemes must be mounted. */
    private BackupTarget storeTarget() {
        String store = settings.backupstore().orElseThrow(() -> new InvalidInputException(
                "this command reads the backupstore directly: give --backupstore s3://bucket@region/path/ or a directory"));
        BackupTarget t = BackupTarget.parse(store);
        return switch (t.scheme()) {
            case S3, LOCAL, VFS -> t;
            default -> throw new InvalidInputException(t.scheme().prefix() + ":// backup targets are read from a mounted "
                    + "directory: mount the share and pass --backupstore /mount/point --target-url " + t);
        };
    }

    /**
     * Which backend the catalog reads: the one source the settings name.
     *
     * @throws InvalidInputException when none or several are given
     */
    public Preflight.Backend catalogSource() {
        int sources = (settings.backupstore().isPresent() ? 1 : 0) + (settings.longhorn().isPresent() ? 1 : 0)
                + (settings.kubernetes() ? 1 : 0);
        if (sources != 1) {
            throw new InvalidInputException(sources == 0
                    ? "say where the backups are: --backupstore URL|DIR, --longhorn URL or --kubernetes"
                    : "give only one of --backupstore, --longhorn and --kubernetes as the backup source");
        }
        return settings.backupstore().isPresent() ? Preflight.Backend.BACKUPSTORE
                : settings.longhorn().isPresent() ? Preflight.Backend.LONGHORN : Preflight.Backend.KUBERNETES;
    }

    /**
     * The first backup source the settings give, preferring the raw backupstore (complete by construction, and right
     * after a rebuild Longhorn may not list the backups yet), then Longhorn's REST API, then its CRDs.
     */
    public Optional<Preflight.Backend> preferredCatalogSource() {
        return settings.backupstore().isPresent() ? Optional.of(Preflight.Backend.BACKUPSTORE)
                : settings.longhorn().isPresent() ? Optional.of(Preflight.Backend.LONGHORN)
                : settings.kubernetes() ? Optional.of(Preflight.Backend.KUBERNETES) : Optional.empty();
    }

    /** What reading the catalog needs, with the other sources as the way out. */
    public Preflight.Need catalogNeed() {
        return catalogNeed(catalogSource());
    }

    /** What reading the catalog of {@code source} needs, with the other sources as the way out. */
    public static Preflight.Need catalogNeed(Preflight.Backend source) {
        return switch (source) {
            case BACKUPSTORE -> Preflight.Need.of(Preflight.Backend.BACKUPSTORE);
            case LONGHORN -> Preflight.Need.of(Preflight.Backend.LONGHORN,
                    "--backupstore URL|DIR to read the backupstore directly instead");
            case KUBERNETES -> Preflight.Need.of(Preflight.Backend.KUBERNETES,
                    "--backupstore URL|DIR or --longhorn URL to read the backups without the Kubernetes API");
        };
    }

    /**
     * Checks, once and before anything else, that every backend {@code needs} names answers within {@code timeout}
     * (see {@link Preflight}); a backend already checked by this object is not checked again.
     *
     * @throws io.drkit.core.UnavailableException when one does not answer or refuses access, naming what was tried
     *                                            and the way out
     * @throws InvalidInputException              when a backend is not configured right (a missing URL or file)
     */
    public synchronized void preflight(Duration timeout, List<Preflight.Need> needs) {
        Set<Preflight.Backend> todo = EnumSet.noneOf(Preflight.Backend.class);
        needs.forEach(n -> todo.add(n.backend()));
        todo.removeAll(checked);
        List<Preflight.Probe> probes = new ArrayList<>();
        for (Preflight.Backend b : todo) {
            probes.add(switch (b) {
                case KUBERNETES -> PreflightProbes.kubernetes(this::kubernetes, settings.env());
                case LONGHORN -> PreflightProbes.longhorn(settings.longhorn().orElseThrow(() ->
                        new InvalidInputException("no Longhorn URL given (--longhorn URL)")));
                case BACKUPSTORE -> {
                    BackupTarget t = storeTarget();
                    yield t.scheme() == BackupTarget.Scheme.S3 ? PreflightProbes.s3(t, settings.env())
                            : PreflightProbes.directory(t.localDirectory().orElseThrow());
                }
            });
        }
        Preflight.run(probes, needs, timeout);
        checked.addAll(todo);
    }

    /** The backup target backup URLs are made for: {@code --target-url}, else the backupstore URL itself. */
    public synchronized BackupTarget target() {
        if (target == null) {
            String url = settings.targetUrl().or(settings::backupstore).orElseThrow(() ->
                    new InvalidInputException("no backupstore given (--backupstore URL|DIR)"));
            target = BackupTarget.parse(url);
        }
        return target;
    }

    /** The live cluster state, or {@link ClusterState#offline()} when {@code offline}. */
    public ClusterState clusterState(boolean offline) {
        if (offline) {
            return ClusterState.offline();
        }
        try (KubernetesClusterInspector inspector = KubernetesClusterInspector.builder().client(kubernetes())
                .longhornNamespace(settings.longhornNamespace()).build()) {
            return inspector.inspect();
        }
    }

    /** A binder that restores through {@code via}. */
    public synchronized VolumeBinder binder(Via via, Duration pollInterval) {
        return switch (via) {
            case KUBERNETES -> track(KubernetesVolumeBinder.builder().client(kubernetes())
                    .namespace(settings.longhornNamespace()).backupTarget(settings.backupTargetName())
                    .pollInterval(pollInterval).build());
            case LONGHORN -> track(LonghornVolumeBinder.builder(longhorn()).pollInterval(pollInterval).build());
        };
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.push(c);
        return c;
    }

    /** Closes everything opened, newest first; errors on close are ignored. */
    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // closing is best effort
            }
        }
    }
}

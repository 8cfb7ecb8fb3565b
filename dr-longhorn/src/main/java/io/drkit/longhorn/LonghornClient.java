package io.drkit.longhorn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.util.Redaction;
import io.drkit.longhorn.internal.HttpTransport;
import io.drkit.longhorn.internal.Parsed;
import io.drkit.longhorn.internal.Resources;
import io.drkit.longhorn.internal.Targets;
import io.drkit.longhorn.internal.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed client for the Longhorn manager REST API ({@code /v1}), versions 1.4 to 1.9: backup targets, backup volumes
 * and their backups, volumes, restoring a volume from a backup, and creating its PV and PVC.
 *
 * <p>The client knows the API's version differences and traps: it detects what the server supports from its schemas
 * ({@link #capabilities()}), matches backup volumes by {@code volumeName} and target rather than by id (ids are hashed
 * or random from 1.8), never treats {@code GET /v1/backupvolumes/{id}} as an existence test (it answers 200 for
 * unknown ids), always sends a JSON body with actions, and turns Longhorn's error envelopes into dr-core exceptions
 * that implement {@link LonghornApiError} (HTTP status and Longhorn's message).
 *
 * <p>Reads are retried with backoff on I/O errors and transient 5xx answers; writes are not. Instances are
 * thread-safe and meant to be shared; {@link #close()} releases the HTTP client only if this client built it.
 *
 * <p>One class of about 700 lines on purpose: it is the API's typed surface, one short method per endpoint or
 * action plus its {@link Builder} (connection, TLS, authentication and retry options); the plumbing is already
 * elsewhere ({@code internal.HttpTransport} for requests and retries, {@code internal.Resources} for parsing,
 * {@code internal.Targets} for target matching, {@code internal.Tls}, {@link BackupWaiter}).
 *
 * <pre>{@code
 * try (LonghornClient lh = LonghornClient.builder().baseUrl("http://localhost:9500").build()) {
 *     lh.listBackupVolumes().forEach(bv -> System.out.println(bv.volumeName() + " " + bv.lastBackupName()));
 * }
 * }</pre>
 */
public final class LonghornClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LonghornClient.class);

    /** The in-cluster service of Longhorn's manager API. */
    public static final String DEFAULT_BASE_URL = "http://longhorn-backend.longhorn-system.svc:9500";

    private final HttpTransport http;
    private final OkHttpClient okHttp;
    private final boolean ownsHttpClient;
    private final String display;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<ServerCapabilities> capabilities = new AtomicReference<>();

    private LonghornClient(Builder b) {
        HttpUrl base = parseBase(b.baseUrl);
        OkHttpClient.Builder ob;
        if (b.httpClient != null) {
            ob = b.httpClient.newBuilder();
            this.ownsHttpClient = false;
        } else {
            ob = new OkHttpClient.Builder()
                    .connectTimeout(b.connectTimeout)
                    .readTimeout(b.readTimeout)
                    .writeTimeout(b.writeTimeout)
                    .callTimeout(b.callTimeout);
            this.ownsHttpClient = true;
        }
        if (b.httpClient != null && b.timeoutsSet) {
            ob.connectTimeout(b.connectTimeout).readTimeout(b.readTimeout).writeTimeout(b.writeTimeout)
                    .callTimeout(b.callTimeout);
        }
        if (b.caPem != null) {
            Tls.Trust trust = Tls.fromPem(b.caPem);
            ob.sslSocketFactory(trust.socketFactory(), trust.trustManager());
        }
        this.okHttp = ob.build();
        Map<String, String> headers = new LinkedHashMap<>(b.headers);
        String basicUser = b.basicUser;
        String basicPassword = b.basicPassword;
        HttpUrl given = HttpUrl.parse(b.baseUrl.trim());
        if (given != null && (!given.username().isEmpty() || !given.password().isEmpty())) {
            if (basicUser != null) {
                throw new InvalidInputException("Longhorn base URL " + Redaction.url(b.baseUrl) + " carries user info"
                        + " and basic authentication is set as well: give the credentials once");
            }
            basicUser = given.username();
            basicPassword = given.password();
        }
        if (basicUser != null) {
            headers.put("Authorization", Credentials.basic(basicUser, basicPassword, StandardCharsets.UTF_8));
        }
        this.http = new HttpTransport(okHttp, base,
                headers, new HttpTransport.Retry(b.maxRetries, b.initialBackoff, b.maxBackoff), b.userAgent);
        this.display = "LonghornClient[" + Redaction.url(base.toString())
                + (basicUser != null ? ", basicAuth=****" : "")
                + (b.headers.isEmpty() ? "" : ", headers=" + b.headers.keySet())
                + (b.caPem != null ? ", customCa" : "")
                + (b.httpClient != null ? ", callerHttpClient" : "") + "]";
        if (b.capabilities != null) {
            capabilities.set(b.capabilities);
        }
    }

    /** A builder; every option has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client for {@code baseUrl} with default options. */
    public static LonghornClient create(String baseUrl) {
        return builder().baseUrl(baseUrl).build();
    }

    /** The base URL requests go to (without credentials). */
    public String baseUrl() {
        return Redaction.url(http.base().toString());
    }

    // ------------------------------------------------------------------ capabilities

    /**
     * What the server supports, detected once from {@code GET /v1/schemas/{volume,backupVolume,backupTarget,
     * PVCreateInput}} and cached. When the schemas cannot be read (a proxy that only forwards some paths), the
     * oldest behaviour (1.4) is assumed and a WARN is logged.
     *
     * @throws LonghornUnavailableException when Longhorn cannot be reached
     */
    public ServerCapabilities capabilities() {
        ServerCapabilities c = capabilities.get();
        if (c != null) {
            return c;
        }
        ensureOpen();
        Set<String> volumeFields = schema("volume", "resourceFields");
        Set<String> bvFields = schema("backupVolume", "resourceFields");
        Set<String> bvActions = schema("backupVolume", "resourceActions");
        Set<String> btActions = schema("backupTarget", "resourceActions");
        Set<String> pvFields = schema("PVCreateInput", "resourceFields");
        if (volumeFields.isEmpty()) {
            LOG.warn("Longhorn at {} did not serve its volume schema; assuming Longhorn 1.4 behaviour", baseUrl());
        }
        c = new ServerCapabilities(volumeFields.contains("restoreInitiated"), volumeFields.contains("dataEngine"),
                volumeFields.contains("backendStoreDriver"), pvFields.contains("storageClassName"),
                bvActions.contains("backupVolumeSync"), btActions.contains("backupTargetSync"),
                bvFields.contains("volumeName") && bvFields.contains("backupTargetName"));
        capabilities.compareAndSet(null, c);
        LOG.debug("{}: {}", baseUrl(), c);
        return capabilities.get();
    }

    private Set<String> schema(String id, String section) {
        try {
            return Resources.schemaNames(http.get("schema " + id, "schemas", id), section);
        } catch (LonghornNotFoundException | LonghornRequestException e) {
            return Set.of();
        }
    }

    // ------------------------------------------------------------------ backup targets

    /** Every backup target ({@code GET /v1/backuptargets}); one, {@code default}, before 1.8. */
    public List<LonghornBackupTarget> listBackupTargets() {
        ensureOpen();
        List<LonghornBackupTarget> out = new ArrayList<>();
        out.addAll(http.getList("backup targets", n -> "backuptargets/" + Resources.id(n), Resources::backupTarget,
                "backuptargets").items());
        return out;
    }

    /** The backup target named {@code name}, if any (listed, so it works on every version). */
    public Optional<LonghornBackupTarget> findBackupTarget(String name) {
        return listBackupTargets().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The backup target named {@code name}.
     *
     * @throws NotFoundException when there is none
     */
    public LonghornBackupTarget getBackupTarget(String name) {
        return findBackupTarget(name).orElseThrow(() -> new NotFoundException("backup target " + name
                + " not found in Longhorn at " + baseUrl()));
    }

    /**
     * The backup target whose store location (scheme, bucket or server, path) matches the target part of
     * {@code backupUrl}, if any.
     */
    public Optional<LonghornBackupTarget> findBackupTargetForBackupUrl(String backupUrl) {
        return Targets.ofBackupUrl(backupUrl).flatMap(want -> listBackupTargets().stream()
                .filter(t -> Targets.ofTargetUrl(t.backupTargetUrl()).map(have -> Targets.sameLocation(have, want))
                        .orElse(false))
                .findFirst());
    }

    // ------------------------------------------------------------------ backup volumes

    /**
     * Every backup volume ({@code GET /v1/backupvolumes}), sorted by id as Longhorn returns them; of every target on
     * 1.8+. Malformed entries are skipped with a WARN.
     */
    public List<LonghornBackupVolume> listBackupVolumes() {
        return backupVolumesParsed().items();
    }

    Parsed<LonghornBackupVolume> backupVolumesParsed() {
        ensureOpen();
        return http.getList("backup volumes", n -> "backupvolumes/" + Resources.id(n), Resources::backupVolume,
                "backupvolumes");
    }

    /**
     * The backup volume of original volume {@code volumeName} on target {@code backupTargetName}, found by listing and
     * matching {@code volumeName} (1.8+) or the id (before 1.8), never by building an id.
     *
     * @param volumeName       the original volume name (the {@code volume=} of backup URLs)
     * @param backupTargetName the target; {@code null} for any, preferring {@code default}
     */
    public Optional<LonghornBackupVolume> findBackupVolume(String volumeName, String backupTargetName) {
        return matchBackupVolume(listBackupVolumes(), volumeName, backupTargetName);
    }

    static Optional<LonghornBackupVolume> matchBackupVolume(List<LonghornBackupVolume> all, String volumeName,
                                                            String backupTargetName) {
        return all.stream()
                .filter(bv -> bv.volumeName().equals(volumeName))
                .filter(bv -> backupTargetName == null || bv.targetNameOrDefault().equals(backupTargetName))
                .min(Comparator
                        .comparing((LonghornBackupVolume bv) -> !bv.targetNameOrDefault().equals(LonghornBackupVolume.DEFAULT_TARGET))
                        .thenComparing(bv -> bv.lastBackupAt().orElse(Instant.MIN), Comparator.reverseOrder())
                        .thenComparing(LonghornBackupVolume::id));
    }

    /**
     * Every backup of backup volume {@code backupVolumeId} ({@code backupList}), complete or not, in Longhorn's
     * order (by name, which is random: not chronological). Malformed entries are skipped with a WARN.
     */
    public List<LonghornBackup> listBackups(String backupVolumeId) {
        return backupsParsed(backupVolumeId).items();
    }

    Parsed<LonghornBackup> backupsParsed(String backupVolumeId) {
        ensureOpen();
        return http.actionList("backups of backup volume " + backupVolumeId, true, "backupList", null,
                n -> "backupvolumes/" + backupVolumeId + " backup " + Resources.id(n),
                n -> Resources.backup(n, backupVolumeId), "backupvolumes", backupVolumeId);
    }

    /**
     * One backup by name ({@code backupGet}); empty when Longhorn answers 404 (with or without an error body).
     */
    public Optional<LonghornBackup> findBackup(String backupVolumeId, String backupName) {
        ensureOpen();
        ObjectNode body = HttpTransport.MAPPER.createObjectNode().put("name", backupName);
        try {
            JsonNode n = http.action("backup " + backupName + " of backup volume " + backupVolumeId, true, "backupGet",
                    body, "backupvolumes", backupVolumeId);
            if (n.isEmpty() || Resources.id(n).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Resources.backup(n, backupVolumeId));
        } catch (LonghornNotFoundException e) {
            if (e.httpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * One backup by name.
     *
     * @throws NotFoundException when Longhorn does not know it
     */
    public LonghornBackup getBackup(String backupVolumeId, String backupName) {
        return findBackup(backupVolumeId, backupName).orElseThrow(() -> new NotFoundException("backup " + backupName
                + " of backup volume " + backupVolumeId + " not found in Longhorn at " + baseUrl()));
    }

    /**
     * Asks Longhorn to re-read one backup volume's backups from the store ({@code backupVolumeSync}, 1.6.2+).
     *
     * @return false when this Longhorn cannot be asked (before 1.6.2); true when the sync was requested or had been
     *     requested in the last 10 seconds (Longhorn refuses repeats within that window)
     */
    public boolean syncBackupVolume(String backupVolumeId) {
        if (!capabilities().backupVolumeSync()) {
            return false;
        }
        ObjectNode body = HttpTransport.MAPPER.createObjectNode().put("syncBackupVolume", true);
        return sync(() -> http.action("sync of backup volume " + backupVolumeId, false, "backupVolumeSync", body,
                "backupvolumes", backupVolumeId));
    }

    /**
     * Asks Longhorn to re-read the backups of every backup volume it knows ({@code PUT /v1/backupvolumes}, 1.6.2+).
     *
     * @return false when this Longhorn cannot be asked; true when requested
     */
    public boolean syncAllBackupVolumes() {
        if (!capabilities().backupVolumeSync()) {
            return false;
        }
        ObjectNode body = HttpTransport.MAPPER.createObjectNode().put("syncAllBackupVolumes", true);
        return sync(() -> http.put("sync of all backup volumes", body, "backupvolumes"));
    }

    /**
     * Asks Longhorn to re-read every backup target ({@code PUT /v1/backuptargets}, 1.6.2+): this is what creates
     * backup volumes that Longhorn has not seen yet.
     *
     * @return false when this Longhorn cannot be asked; true when requested
     */
    public boolean syncBackupTargets() {
        if (!capabilities().backupTargetSync()) {
            return false;
        }
        ObjectNode body = HttpTransport.MAPPER.createObjectNode().put("syncAllBackupTargets", true);
        return sync(() -> http.put("sync of all backup targets", body, "backuptargets"));
    }

    private boolean sync(Runnable call) {
        ensureOpen();
        try {
            call.run();
            return true;
        } catch (LonghornRequestException e) {
            if (e.isUnsupportedEndpoint()) {
                return false;
            }
            throw e;
        } catch (LonghornUnavailableException e) {
            String m = e.longhornMessage().toLowerCase(Locale.ROOT);
            if (m.contains("synchronize") && m.contains("seconds")) {
                LOG.debug("sync was requested less than 10 s ago: {}", e.longhornMessage());
                return true;
            }
            throw e;
        }
    }

    /**
     * Waits until Longhorn knows the backup at {@code backupUrl}, which it must before it can restore it (right after
     * a cluster rebuild it does not: it lists backups on its own poll, every 5 minutes by default). Where the server
     * supports it (1.6.2+) it asks for a sync of the backup volume, or of every backup target when even the backup
     * volume is unknown, at most every {@code syncInterval}; older versions are polled until their own poll has run.
     *
     * @param backupUrl    the backup's URL ({@code fromBackup})
     * @param timeout      how long to wait
     * @param pollInterval how often to look
     * @param syncInterval how often to repeat a sync request (Longhorn refuses repeats within 10 s)
     * @param cancellation stops the wait with a {@link CancelledException}
     * @param listener     progress
     * @return the backup, complete
     * @throws NotFoundException     when Longhorn still does not know it after {@code timeout}; the message names the
     *                               backup and the state of the backup target
     * @throws InvalidInputException when {@code backupUrl} is not a backup URL
     */
    public LonghornBackup awaitBackup(String backupUrl, Duration timeout, Duration pollInterval, Duration syncInterval,
                                      Cancellation cancellation, BackupWaitListener listener) {
        BackupUrl url = BackupUrl.parse(backupUrl);
        BackupWaitListener l = listener == null ? BackupWaitListener.NONE : listener;
        Cancellation c = cancellation == null ? Cancellation.none() : cancellation;
        String what = "wait for backup " + url.backupName() + " of volume " + url.volumeName();
        BackupWaiter waiter = new BackupWaiter(this, pollInterval, syncInterval);
        c.throwIfCancelled(what);
        return waiter.await(url, waiter.targetOf(backupUrl), timeout, "", detail -> {
            try {
                l.waiting(detail);
            } catch (RuntimeException e) {
                LOG.warn("backup wait listener threw; ignoring", e);
            }
        }, d -> {
            try {
                Thread.sleep(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException(what + " was interrupted", e);
            }
            c.throwIfCancelled(what);
        });
    }

    // ------------------------------------------------------------------ volumes

    /** Every volume ({@code GET /v1/volumes}). Malformed entries are skipped with a WARN. */
    public List<LonghornVolume> listVolumes() {
        ensureOpen();
        return http.getList("volumes", n -> "volumes/" + Resources.id(n), Resources::volume, "volumes").items();
    }

    /** The volume named {@code name}; empty on Longhorn's bare 404. */
    public Optional<LonghornVolume> findVolume(String name) {
        ensureOpen();
        return http.getIfPresent("volume " + name, "volumes", name).map(Resources::volume);
    }

    /**
     * The volume named {@code name}.
     *
     * @throws NotFoundException when it does not exist
     */
    public LonghornVolume getVolume(String name) {
        return findVolume(name).orElseThrow(() -> new NotFoundException("volume " + name + " not found in Longhorn at "
                + baseUrl()));
    }

    /**
     * Creates a volume ({@code POST /v1/volumes}), restored from {@code request.fromBackup()} when set. The data
     * engine is sent as {@code dataEngine} (1.6+), as {@code backendStoreDriver} (1.5) or not at all (1.4, only
     * {@code v1}).
     *
     * @return the new volume as Longhorn answered (its state is usually still empty)
     * @throws LonghornNotFoundException    with {@link LonghornApiError#isBackupNotSynced()} when Longhorn does not
     *                                      know the backup yet
     * @throws LonghornConflictException    when a volume of that name exists
     * @throws InvalidInputException        when the request needs a feature this Longhorn lacks (v2 on 1.4)
     */
    public LonghornVolume createVolume(VolumeCreateRequest request) {
        ServerCapabilities caps = capabilities();
        ObjectNode body = HttpTransport.MAPPER.createObjectNode();
        body.put("name", request.name());
        if (!request.fromBackup().isEmpty()) {
            body.put("fromBackup", request.fromBackup());
        }
        if (request.size() > 0) {
            body.put("size", Long.toString(request.size()));
        }
        body.put("numberOfReplicas", request.numberOfReplicas());
        body.put("staleReplicaTimeout", request.staleReplicaTimeout());
        if (!request.accessMode().isEmpty()) {
            body.put("accessMode", request.accessMode());
        }
        if (!request.dataEngine().isEmpty()) {
            if (caps.dataEngineField()) {
                body.put("dataEngine", request.dataEngine());
            } else if (caps.backendStoreDriverField()) {
                body.put("backendStoreDriver", request.dataEngine());
            } else if (!"v1".equals(request.dataEngine())) {
                throw new InvalidInputException("volume " + request.name() + ": data engine '" + request.dataEngine()
                        + "' needs Longhorn 1.5 or later; " + baseUrl() + " is Longhorn " + caps.versionRange());
            }
        }
        if (!request.recurringJobSelector().isEmpty()) {
            ArrayNode sel = body.putArray("recurringJobSelector");
            request.recurringJobSelector().forEach(s -> sel.addObject().put("name", s.name()).put("isGroup", s.isGroup()));
        }
        if (request.backupTargetName().isPresent() && caps.multipleBackupTargets()) {
            body.put("backupTargetName", request.backupTargetName().get());
        }
        ensureOpen();
        return Resources.volume(http.post("volume " + request.name(), body, "volumes"));
    }

    /**
     * Creates the PersistentVolume for volume {@code volumeName} ({@code pvCreate}). Longhorn makes a CSI PV with
     * {@code Retain}, {@code volumeHandle=<volume>} and no {@code claimRef}.
     *
     * @param pvName           PV name ({@code null}/empty: the volume name)
     * @param fsType           {@code ext4} (default) or {@code xfs}
     * @param storageClassName the PV's class; sent only where Longhorn accepts it (1.5+). Empty lets Longhorn pick the
     *                         backup volume's class (1.5+) or its {@code default-longhorn-static-storage-class}
     * @throws DrException as mapped from Longhorn's answer ({@code volume already had PV ...} is a
     *                     {@link LonghornRequestException})
     */
    public LonghornVolume pvCreate(String volumeName, String pvName, String fsType, String storageClassName) {
        ServerCapabilities caps = capabilities();
        ObjectNode body = HttpTransport.MAPPER.createObjectNode();
        body.put("pvName", pvName == null ? "" : pvName);
        body.put("fsType", fsType == null || fsType.isEmpty() ? "ext4" : fsType);
        if (storageClassName != null && !storageClassName.isEmpty()) {
            if (caps.pvCreateStorageClass()) {
                body.put("storageClassName", storageClassName);
            } else {
                LOG.debug("Longhorn {} ignores pvCreate.storageClassName; PV {} gets its static storage class",
                        caps.versionRange(), pvName);
            }
        }
        ensureOpen();
        return Resources.volume(http.action("volume " + volumeName, false, "pvCreate", body, "volumes", volumeName));
    }

    /**
     * Creates a PersistentVolumeClaim bound to the volume's PV ({@code pvcCreate}). Longhorn requires the PV to be
     * {@code Available} (or {@code Released}); wait for {@code kubernetesStatus.pvStatus} first.
     */
    public LonghornVolume pvcCreate(String volumeName, String namespace, String pvcName) {
        ObjectNode body = HttpTransport.MAPPER.createObjectNode().put("namespace", namespace).put("pvcName", pvcName);
        ensureOpen();
        return Resources.volume(http.action("volume " + volumeName, false, "pvcCreate", body, "volumes", volumeName));
    }

    /** The recurring jobs and groups selected by a volume's labels ({@code recurringJobList}). */
    public List<RecurringJobSelector> listVolumeRecurringJobs(String volumeName) {
        ensureOpen();
        return new ArrayList<>(http.actionList("recurring jobs of volume " + volumeName, true, "recurringJobList", null,
                n -> "volumes/" + volumeName + " recurring job " + Resources.id(n), Resources::recurringJob,
                "volumes", volumeName).items());
    }

    /** Adds a recurring job or group to a volume ({@code recurringJobAdd}); returns the volume's selection after. */
    public List<RecurringJobSelector> addVolumeRecurringJob(String volumeName, RecurringJobSelector selector) {
        ensureOpen();
        ObjectNode body = HttpTransport.MAPPER.createObjectNode().put("name", selector.name())
                .put("isGroup", selector.isGroup());
        return new ArrayList<>(http.actionList("recurring jobs of volume " + volumeName, false, "recurringJobAdd", body,
                n -> "volumes/" + volumeName + " recurring job " + Resources.id(n), Resources::recurringJob,
                "volumes", volumeName).items());
    }

    // ------------------------------------------------------------------ plumbing

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(display + " is closed");
        }
    }

    private static HttpUrl parseBase(String url) {
        HttpUrl u = HttpUrl.parse(Objects.requireNonNull(url, "baseUrl").trim());
        if (u == null) {
            throw new InvalidInputException("Longhorn base URL '" + Redaction.url(url) + "' is not an http(s) URL");
        }
        List<String> segs = new ArrayList<>(u.pathSegments());
        while (!segs.isEmpty() && segs.get(segs.size() - 1).isEmpty()) {
            segs.remove(segs.size() - 1);
        }
        if (!segs.isEmpty() && segs.get(segs.size() - 1).equals("v1")) {
            segs.remove(segs.size() - 1);
        }
        HttpUrl.Builder b = u.newBuilder().username("").password("").encodedPath("/").query(null).fragment(null);
        segs.forEach(b::addPathSegment);
        return b.build();
    }

    /** Releases connections and threads if this client built its HTTP client; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsHttpClient) {
            okHttp.dispatcher().executorService().shutdown();
            okHttp.connectionPool().evictAll();
        }
    }

    /** The base URL and which options are set; never credentials or header values. */
    @Override
    public String toString() {
        return display;
    }

    /** Builds {@link LonghornClient}s. Every option has a default; credentials are never printed. */
    public static final class Builder {
        private String baseUrl = DEFAULT_BASE_URL;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String basicUser;
        private String basicPassword;
        private String caPem;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(60);
        private boolean timeoutsSet;
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private OkHttpClient httpClient;
        private String userAgent = "drkit-longhorn";
        private ServerCapabilities capabilities;

        private Builder() {
        }

        /**
         * The manager API's base URL (default {@value LonghornClient#DEFAULT_BASE_URL}); a trailing {@code /v1} is
         * accepted. Behind an Ingress this is the UI's URL, whose nginx forwards {@code /v1}. User info in the URL
         * ({@code https://user:password@longhorn.example/}) is sent as HTTP basic authentication, like
         * {@link #basicAuth}, and removed from the URL: it is never printed, logged or part of a message. A query or
         * fragment is dropped.
         */
        public Builder baseUrl(String url) {
            this.baseUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /** Adds a header to every request (for example a bearer token an Ingress wants). Values are never printed. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** HTTP basic authentication, for an Ingress that requires it (Longhorn itself has none). */
        public Builder basicAuth(String user, String password) {
            this.basicUser = Objects.requireNonNull(user, "user");
            this.basicPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Trusts exactly these PEM CA certificates for HTTPS (an Ingress with a private CA). */
        public Builder caCertificatePem(String pem) {
            this.caPem = Objects.requireNonNull(pem, "pem");
            return this;
        }

        /** Trusts exactly the PEM CA certificates in {@code file}. */
        public Builder caCertificate(Path file) {
            try {
                return caCertificatePem(Files.readString(file, StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CA certificate " + file, e);
            }
        }

        /** Connect timeout (default 10 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            this.timeoutsSet = true;
            return this;
        }

        /** Read timeout (default 30 s). */
        public Builder readTimeout(Duration d) {
            this.readTimeout = positive(d, "readTimeout");
            this.timeoutsSet = true;
            return this;
        }

        /** Write timeout (default 30 s). */
        public Builder writeTimeout(Duration d) {
            this.writeTimeout = positive(d, "writeTimeout");
            this.timeoutsSet = true;
            return this;
        }

        /** Limit for one whole call, including redirects (default 60 s). */
        public Builder callTimeout(Duration d) {
            this.callTimeout = positive(d, "callTimeout");
            this.timeoutsSet = true;
            return this;
        }

        /** Retries of a failed read after the first attempt (default 3; 0 disables). */
        public Builder maxRetries(int n) {
            if (n < 0) {
                throw new InvalidInputException("maxRetries must not be negative");
            }
            this.maxRetries = n;
            return this;
        }

        /** Backoff before the first retry (doubling, with jitter) and its cap (defaults 200 ms and 5 s). */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            return this;
        }

        /**
         * Uses the caller's OkHttp client (its pool, dispatcher and interceptors). It is never closed by this
         * library; timeouts set on this builder are applied to a derived client that shares its pool.
         */
        public Builder httpClient(OkHttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The User-Agent (default {@code drkit-longhorn}); must not look like a browser or Longhorn answers HTML. */
        public Builder userAgent(String ua) {
            if (ua.toLowerCase(Locale.ROOT).contains("mozilla")) {
                throw new InvalidInputException("a Mozilla User-Agent makes Longhorn answer HTML");
            }
            this.userAgent = ua;
            return this;
        }

        /** Skips detection and uses these capabilities (for a server whose schemas a proxy hides). */
        public Builder capabilities(ServerCapabilities c) {
            this.capabilities = Objects.requireNonNull(c, "capabilities");
            return this;
        }

        /** Builds the client. */
        public LonghornClient build() {
            return new LonghornClient(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException(what + " must be positive");
            }
            return d;
        }

        /** Never prints credentials or header values. */
        @Override
        public String toString() {
            return "LonghornClient.Builder[baseUrl=" + Redaction.url(baseUrl) + ", headers=" + headers.keySet()
                    + (basicUser != null ? ", basicAuth=****" : "") + "]";
        }
    }
}

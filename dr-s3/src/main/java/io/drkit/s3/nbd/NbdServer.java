package io.drkit.s3.nbd;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.util.Sizes;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.VolumeImageRestorer;
import io.drkit.s3.internal.BackupBlocks;
import io.drkit.s3.internal.BlockFetcher;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one Longhorn backup as a read-only block device over the NBD protocol, without restoring it first: point
 * {@code nbdcopy}, {@code qemu-img}, {@code nbdinfo} or the kernel's {@code nbd-client} at it and read any part of the
 * image at once ("instant access": look inside a backup before committing to it, copy out one file, convert it to
 * qcow2).
 *
 * <p>The image is the one {@link VolumeImageRestorer#restoreToFile} would write, byte for byte ({@code volume.cfg}'s
 * {@code Size}; holes read as zeros), served lazily: each read downloads, decodes and SHA-512-verifies only the
 * blocks it touches (the same block pipeline as restore and verification), keeps the decoded blocks in a small LRU
 * cache ({@link Builder#cacheBlocks}, default 8), and reads holes and all-zero blocks as zeros without any request. A
 * read that touches a missing or corrupt block is answered with {@code EIO} (and logged at WARN with its offset);
 * reads elsewhere keep working. Every read is checked in full before its reply starts, so no client ever gets wrong
 * bytes.
 *
 * <p>Protocol: fixed-newstyle handshake ({@code NBD_OPT_GO}, {@code NBD_OPT_INFO} with the export size and
 * {@code NBD_INFO_BLOCK_SIZE}, {@code NBD_OPT_LIST}, {@code NBD_OPT_ABORT}, {@code NBD_OPT_EXPORT_NAME}; other options
 * get {@code NBD_REP_ERR_UNSUP}), simple replies, transmission flags read-only, flush and can-multi-conn (all
 * connections share the cache and nothing changes). {@code NBD_CMD_READ} and {@code NBD_CMD_DISC} are served,
 * {@code NBD_CMD_FLUSH} succeeds, writes, trims and write-zeroes are refused with {@code EPERM}, reads beyond the
 * export or longer than {@link Builder#maxRequestBytes} (default 32 MiB, the protocol's default maximum payload) with
 * {@code EINVAL}. There is no TLS and no authentication: the server binds to loopback unless
 * {@link Builder#allowRemote} is set.
 *
 * <p>Bounded: clients ({@link Builder#maxClients}), requests in progress per client, request and option sizes, the
 * handshake's duration, the time a client may take to send a request or take a reply, and memory: decoded blocks in
 * the cache, plus a download workspace (about two blocks) per concurrent download, plus one block per worker being
 * sent, all within {@link Builder#memoryLimit}. Thread-safe; {@link #close()} stops accepting, answers requests in
 * progress (new ones get {@code ESHUTDOWN}) for up to {@link Builder#shutdownGrace}, then closes every connection.
 * The object source is never closed.
 *
 * <p>One class of about 640 lines on purpose: the server's lifecycle (bind, accept, watchdog, orderly close) and its
 * public {@link Builder}, whose many options are each documented and validated; the protocol is in
 * {@code NbdHandshake} and {@code NbdConnection}, the blocks in {@code BlockCache}.
 *
 * <pre>{@code
 * try (NbdServer server = NbdServer.builder(source, target, BackupSelection.newest("pvc-1")).start()) {
 *     System.out.println("nbdcopy " + server.uri() + " disk.img");
 *     server.awaitClosed();
 * }
 * }</pre>
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);
    /** The IANA port of NBD. */
    public static final int DEFAULT_PORT = 10809;
    /** The transmission flags every client gets: has flags, read-only, flush, can multi-conn. */
    static final int TRANSMISSION_FLAGS = Nbd.FLAG_HAS_FLAGS | Nbd.FLAG_READ_ONLY | Nbd.FLAG_SEND_FLUSH
            | Nbd.FLAG_CAN_MULTI_CONN;

    /**
     * The limits a server runs with, after the memory budget was applied.
     *
     * @param cacheBlocks       decoded blocks kept
     * @param concurrency       blocks downloaded at once
     * @param workers           threads answering reads (server-wide)
     * @param maxClients        clients connected at once; more are refused
     * @param requestsPerClient reads in progress per client; further requests wait in the socket
     * @param maxRequestBytes   longest read; longer ones get {@code EINVAL}
     * @param handshakeTimeout  time a client has from connecting to finishing the handshake
     * @param ioTimeout         time a client has to send the rest of a started request, or to take a reply
     * @param idleTimeout       time a client may stay silent between requests ({@link Duration#ZERO}: no limit)
     * @param shutdownGrace     time {@link #close()} waits for requests in progress
     * @param memoryLimit       bytes of block buffers the server may hold
     */
    public record Limits(int cacheBlocks, int concurrency, int workers, int maxClients, int requestsPerClient,
                         int maxRequestBytes, Duration handshakeTimeout, Duration ioTimeout, Duration idleTimeout,
                         Duration shutdownGrace, long memoryLimit) {
    }

    /** Counters shared by the connections. */
    static final class Counters {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refusedClients = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong ioErrors = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
    }

    private final Backup backup;
    private final BackupVolume volume;
    private final BackupBlocks blocks;
    private final BlockCache cache;
    private final Limits limits;
    private final String exportName;
    private final String description;
    private final ServerSocket serverSocket;
    private final InetSocketAddress address;
    private final Cancellation cancel = Cancellation.create();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService watchdog;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final Counters counters = new Counters();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;

    private NbdServer(Builder b, Backup backup, BackupVolume volume, BackupBlocks blocks, ServerSocket socket) {
        this.backup = backup;
        this.volume = volume;
        this.blocks = blocks;
        this.limits = budget(b, blocks.blockSize());
        this.exportName = b.exportName != null ? b.exportName : volume.name();
        this.description = "backup " + backup.name() + " of volume " + volume.name() + " (read-only)";
        this.cache = new BlockCache(blocks, limits.cacheBlocks(), limits.concurrency(), cancel);
        this.serverSocket = socket;
        this.address = (InetSocketAddress) socket.getLocalSocketAddress();
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "drkit-nbd-worker-" + n.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "drkit-nbd-watchdog"));
        long shortest = Math.min(limits.ioTimeout().toMillis(), limits.handshakeTimeout().toMillis());
        if (!limits.idleTimeout().isZero()) {
            shortest = Math.min(shortest, limits.idleTimeout().toMillis());
        }
        long tick = Math.max(10, Math.min(1000, shortest / 4)); // a timeout fires at most a quarter late
        watchdog.scheduleWithFixedDelay(this::checkTimeouts, tick, tick, TimeUnit.MILLISECONDS);
        this.acceptor = daemon(this::acceptLoop, "drkit-nbd-accept");
        acceptor.start();
    }

    /** A builder serving the backup {@code which} selects, from {@code source}, whose backup URLs name {@code target}. */
    public static Builder builder(ObjectSource source, BackupTarget target, BackupSelection which) {
        return new Builder(source, target, which);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Fits cache, downloads and workers into the memory limit: fewer downloads first, then workers, then cache. */
    private static Limits budget(Builder b, int blockSize) {
        long ws = BlockFetcher.workspaceBytes(blockSize);
        int cacheBlocks = b.cacheBlocks;
        int fetchers = b.concurrency;
        int workers = b.workers;
        while ((long) cacheBlocks * blockSize + fetchers * ws + (long) workers * blockSize > b.memoryLimit) {
            if (fetchers > 1) {
                fetchers--;
            } else if (workers > 1) {
                workers--;
            } else if (cacheBlocks > 1) {
                cacheBlocks--;
            } else {
                break; // one of each is the least a server needs
            }
        }
        return new Limits(cacheBlocks, fetchers, workers, b.maxClients, b.requestsPerClient, b.maxRequestBytes,
                b.handshakeTimeout, b.ioTimeout, b.idleTimeout, b.shutdownGrace, b.memoryLimit);
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** The address the server listens on (with the actual port when port 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** The NBD URI of the export, e.g. {@code nbd://127.0.0.1:10809} (the default export: any name works). */
    public String uri() {
        InetAddress a = address.getAddress();
        String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "nbd://" + host + ":" + address.getPort();
    }

    /** The backup being served. */
    public Backup backup() {
        return backup;
    }

    /** The backup's volume. */
    public BackupVolume volume() {
        return volume;
    }

    /** The export's size in bytes ({@code volume.cfg}'s {@code Size}). */
    public long exportSize() {
        return blocks.size();
    }

    /** The export's block size (the backup's). */
    public int blockSize() {
        return blocks.blockSize();
    }

    /** The export's name (by default the volume's); the empty name (the default export) is accepted too. */
    public String exportName() {
        return exportName;
    }

    /** The limits in force (cache, downloads and workers after the memory budget). */
    public Limits limits() {
        return limits;
    }

    /** What the server has done so far. */
    public NbdStats stats() {
        return new NbdStats(connections.size(), counters.accepted.get(), counters.refusedClients.get(),
                counters.requests.get(), counters.bytesRead.get(), counters.ioErrors.get(), counters.refused.get(),
                cache.fetched(), cache.hits(), cache.storedBytes(), cache.size(), cache.peak(), cache.badBlocks());
    }

    /** Waits until the server is closed (by {@link #close()} from another thread, e.g. a shutdown hook). */
    public void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.drkit.core.CancelledException("waiting for the NBD server to close was interrupted", e);
        }
    }

    /** Waits up to {@code timeout} until the server is closed; true when it is. */
    public boolean awaitClosed(Duration timeout) {
        try {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ for connections

    String description() {
        return description;
    }

    boolean accepts(String name) {
        return name.isEmpty() || name.equals(exportName);
    }

    BackupBlocks blocks() {
        return blocks;
    }

    BlockCache cache() {
        return cache;
    }

    ExecutorService workers() {
        return workers;
    }

    Counters counters() {
        return counters;
    }

    void closed(NbdConnection c) {
        connections.remove(c);
    }

    // ------------------------------------------------------------------------------------------------ threads

    private void acceptLoop() {
        while (!closing.get()) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (!closing.get()) {
                    LOG.warn("NBD server on {} stopped accepting: {}", uri(), e.toString());
                }
                return;
            }
            if (closing.get()) {
                closeQuietly(s);
                return;
            }
            if (connections.size() >= limits.maxClients()) {
                counters.refusedClients.incrementAndGet();
                LOG.warn("NBD server on {} refused a connection from {}: {} clients are connected (the limit)", uri(),
                        s.getRemoteSocketAddress(), limits.maxClients());
                closeQuietly(s);
                continue;
            }
            try {
                configure(s);
                NbdConnection c = new NbdConnection(this, s, ids.incrementAndGet());
                connections.add(c);
                counters.accepted.incrementAndGet();
                daemon(c, "drkit-nbd-client-" + ids.get()).start();
            } catch (IOException e) {
                LOG.debug("NBD: a new connection failed: {}", e.toString());
                closeQuietly(s);
            }
        }
    }

    /** No Nagle delay (replies are whole messages); keep-alive probes so that vanished peers free their slot. */
    private static void configure(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        try {
            if (s.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 60);
                s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 10);
                s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 6);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot set TCP keep-alive timing: {}", e.toString());
        }
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (NbdConnection c : connections) {
            if (c.overdue(now)) {
                c.close();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /**
     * Stops the server: no new connections, requests in progress answered (new ones get {@code ESHUTDOWN}) for up
     * to the shutdown grace, then every connection closed and every thread stopped. Idempotent; safe from a shutdown
     * hook.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed(limits.shutdownGrace().plusSeconds(5));
            return;
        }
        try {
            try {
                serverSocket.close();
            } catch (IOException e) {
                // closing anyway
            }
            List<NbdConnection> open = List.copyOf(connections);
            open.forEach(NbdConnection::shutdown);
            long deadline = System.nanoTime() + limits.shutdownGrace().toNanos();
            for (NbdConnection c : open) {
                c.awaitIdle(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            cancel.cancel();
            open.forEach(NbdConnection::close);
            workers.shutdownNow();
            watchdog.shutdownNow();
            join(acceptor);
            for (NbdConnection c : open) {
                join(c.thread());
            }
            cache.close();
            LOG.debug("NBD server on {} closed: {}", uri(), stats());
        } finally {
            closed.countDown();
        }
    }

    private static void join(Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "NbdServer[" + uri() + ", " + description + ", " + Sizes.human(exportSize()) + "]";
    }

    /** Builds and starts {@link NbdServer}s. Every option has a default. */
    public static final class Builder {
        private final ObjectSource source;
        private final BackupTarget target;
        private final BackupSelection which;
        private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT);
        private boolean allowRemote;
        private String exportName;
        private int cacheBlocks = 8;
        private int concurrency = 4;
        private int workers = 8;
        private long memoryLimit = 256L << 20;
        private int maxClients = 16;
        private int requestsPerClient = 16;
        private int maxRequestBytes = 32 << 20;
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration ioTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ZERO;
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private int readAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);

        private Builder(ObjectSource source, BackupTarget target, BackupSelection which) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
            this.which = Objects.requireNonNull(which, "which");
        }

        /**
         * Where to listen (default {@code 127.0.0.1:10809}; port 0 picks a free port, see {@link #address()}). A
         * non-loopback address needs {@link #allowRemote(boolean)}.
         */
        public Builder listen(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new InvalidInputException("cannot resolve the listen address " + address.getHostString());
            }
            this.listen = address;
            return this;
        }

        /** {@link #listen(InetSocketAddress)} for a host name or address and a port. */
        public Builder listen(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new InvalidInputException("port must be 0 to 65535, not " + port);
            }
            return listen(new InetSocketAddress(host, port));
        }

        /**
         * Allows listening on a non-loopback address (default false). The server has no authentication and no
         * encryption: anyone who can reach the port can read the whole backup.
         */
        public Builder allowRemote(boolean on) {
            this.allowRemote = on;
            return this;
        }

        /** The export's name (default the volume's name); clients may also use the empty name (the default export). */
        public Builder exportName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > 256 || name.indexOf('\0') >= 0) {
                throw new InvalidInputException("export name must be 1 to 256 characters without NUL, not '" + name + "'");
            }
            this.exportName = name;
            return this;
        }

        /** Decoded blocks kept for further reads (default 8: 16 MiB with 2 MiB blocks, 128 MiB with 16 MiB blocks). */
        public Builder cacheBlocks(int n) {
            this.cacheBlocks = atLeast(1, n, "cache blocks");
            return this;
        }

        /** Blocks downloaded at once (default 4); each needs a workspace of about two blocks. */
        public Builder concurrency(int n) {
            this.concurrency = atLeast(1, n, "download concurrency");
            return this;
        }

        /** Threads answering reads, shared by all clients (default 8). */
        public Builder workers(int n) {
            this.workers = atLeast(1, n, "workers");
            return this;
        }

        /**
         * Most bytes of block buffers (default 256 MiB): cache, download workspaces and blocks being sent. When the
         * other settings need more, fewer downloads run at once, then fewer workers, then fewer blocks are cached
         * (at least one of each); {@link #limits()} tells what was chosen.
         */
        public Builder memoryLimit(long bytes) {
            if (bytes < 1) {
                throw new InvalidInputException("memory limit must be positive, not " + bytes);
            }
            this.memoryLimit = bytes;
            return this;
        }

        /** Clients connected at once (default 16); further connections are closed at once. */
        public Builder maxClients(int n) {
            this.maxClients = atLeast(1, n, "max clients");
            return this;
        }

        /** Reads in progress per client (default 16); further requests wait unread in the socket. */
        public Builder requestsPerClient(int n) {
            this.requestsPerClient = atLeast(1, n, "requests per client");
            return this;
        }

        /**
         * Longest read, and longest write payload a client may send before being refused (default 32 MiB, the
         * protocol's default maximum payload, which nbdcopy and qemu never exceed); longer reads get {@code EINVAL}.
         * 4 KiB to 256 MiB.
         */
        public Builder maxRequestBytes(int bytes) {
            if (bytes < 4096 || bytes > 256 << 20) {
                throw new InvalidInputException("maximum request must be 4 KiB to 256 MiB, not " + bytes + " bytes");
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /** Time from connecting to the end of the handshake (default 30 s). */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = positive(d, "handshake timeout");
            return this;
        }

        /** Time a client has to send the rest of a request it started, or to take a reply (default 60 s). */
        public Builder ioTimeout(Duration d) {
            this.ioTimeout = positive(d, "I/O timeout");
            return this;
        }

        /**
         * Time a client may stay silent between requests before it is disconnected (default {@link Duration#ZERO}:
         * no limit, since a mounted file system may be idle for hours; TCP keep-alive still finds vanished clients).
         * A client with a request still being answered is not idle, however long the store takes.
         */
        public Builder idleTimeout(Duration d) {
            Objects.requireNonNull(d, "idle timeout");
            if (d.isNegative()) {
                throw new InvalidInputException("idle timeout must not be negative: " + d);
            }
            this.idleTimeout = d;
            return this;
        }

        /** Time {@link NbdServer#close()} waits for requests in progress (default 10 s). */
        public Builder shutdownGrace(Duration d) {
            Objects.requireNonNull(d, "shutdown grace");
            if (d.isNegative()) {
                throw new InvalidInputException("shutdown grace must not be negative: " + d);
            }
            this.shutdownGrace = d;
            return this;
        }

        /**
         * How often a block whose download fails transiently is tried, and the first wait, doubling (default 3,
         * 200 ms). Missing and corrupt blocks are not retried.
         */
        public Builder retries(int attempts, Duration backoff) {
            this.readAttempts = atLeast(1, attempts, "read attempts");
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        private static int atLeast(int min, int n, String what) {
            if (n < min) {
                throw new InvalidInputException(what + " must be at least " + min + ", not " + n);
            }
            return n;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidInputException(what + " must be positive, not " + d);
            }
            return d;
        }

        /**
         * Resolves the backup (catalog reads), reads its block list (one streaming GET), binds the socket and starts
         * serving. Nothing else is downloaded until a client reads.
         *
         * @throws InvalidInputException                  when the listen address is not loopback and remote access
         *                                                was not allowed
         * @throws io.drkit.core.NotFoundException        when the volume or a matching complete backup does not exist
         * @throws io.drkit.core.InvalidBackupDataException when the cfgs are malformed
         * @throws UnavailableException                   when the store cannot be read or the address cannot be bound
         */
        public NbdServer start() {
            if (!allowRemote && !listen.getAddress().isLoopbackAddress()) {
                throw new InvalidInputException("refusing to listen on " + listen.getAddress().getHostAddress()
                        + ": it is not a loopback address, and the NBD server has no authentication or encryption "
                        + "(anyone who reaches the port reads the whole backup); allow it explicitly to serve remote clients");
            }
            Backup backup = VolumeImageRestorer.builder(source, target).build().resolve(which);
            BackupVolume volume;
            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(source, target).cache(false).build()) {
                volume = catalog.getBackupVolume(which.volumeName());
            }
            BlockFetcher fetcher = new BlockFetcher(source, readAttempts, retryBackoff);
            BackupBlocks blocks = BackupBlocks.load(source, BackupstoreLayout.of(target), fetcher, volume, backup,
                    Cancellation.none());
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(listen, 50);
            } catch (IOException e) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw new UnavailableException("cannot listen on " + listen.getAddress().getHostAddress() + ":"
                        + listen.getPort() + ": " + e.getMessage(), e);
            }
            return new NbdServer(this, backup, volume, blocks, socket);
        }
    }
}

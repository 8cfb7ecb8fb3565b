package io.drkit.s3.nbd;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.s3.BlockProblem;
import io.drkit.s3.internal.BackupBlocks;
import io.drkit.s3.internal.BlockFetcher;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decoded blocks the NBD server answers reads from: a least-recently-used cache of at most {@code capacity}
 * blocks over {@link BackupBlocks#fetch}, with at most {@code fetchers} downloads at once (each with its own reusable
 * workspace) and one download per block however many requests want it at the same time. A block that is missing or
 * corrupt is remembered as such (its object does not change), so that later reads fail at once without a request;
 * a transient failure (the store unreachable) is not remembered. Thread-safe.
 */
final class BlockCache implements AutoCloseable {
    private final BackupBlocks blocks;
    private final int capacity;
    private final Cancellation cancel;
    private final LinkedHashMap<Integer, byte[]> lru = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Integer, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
    private final Map<Integer, BadBlockException> bad = new ConcurrentHashMap<>();
    private final ArrayDeque<BlockFetcher.Workspace> workspaces = new ArrayDeque<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private int peak;
    private boolean closed;

    /** A block that cannot be read: missing or corrupt in the store. */
    static final class BadBlockException extends RuntimeException {
        private final BlockProblem problem;
        private final String key;

        BadBlockException(BlockProblem problem, String key, String detail) {
            super(detail, null, false, false);
            this.problem = problem;
            this.key = key;
        }

        BlockProblem problem() {
            return problem;
        }

        String key() {
            return key;
        }
    }

    BlockCache(BackupBlocks blocks, int capacity, int fetchers, Cancellation cancel) {
        this.blocks = blocks;
        this.capacity = capacity;
        this.cancel = cancel;
        for (int i = 0; i < fetchers; i++) {
            workspaces.add(new BlockFetcher.Workspace());
        }
    }

    /**
     * The decoded content of block {@code id} ({@link BackupBlocks#blockSize()} bytes; the caller must not change
     * it), from the cache or downloaded now.
     *
     * @throws BadBlockException                  when the block is missing or corrupt
     * @throws io.drkit.core.UnavailableException when the store cannot be read
     * @throws CancelledException                 when the server is closing or the thread is interrupted
     */
    byte[] get(int id) {
        synchronized (lru) {
            byte[] b = lru.get(id);
            if (b != null) {
                hits.incrementAndGet();
                return b;
            }
        }
        BadBlockException known = bad.get(id);
        if (known != null) {
            throw known;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> theirs = inFlight.putIfAbsent(id, mine);
        if (theirs != null) {
            return await(theirs, id);
        }
        try {
            byte[] data = load(id);
            mine.complete(data);
            return data;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private byte[] load(int id) {
        synchronized (lru) {
            byte[] b = lru.get(id); // fetched by another thread between our look-up and our claim
            if (b != null) {
                hits.incrementAndGet();
                return b;
            }
        }
        BlockFetcher.Workspace ws = takeWorkspace();
        try {
            BlockFetcher.Outcome out = blocks.fetch(id, ws, cancel);
            fetched.incrementAndGet();
            storedBytes.addAndGet(out.storedBytes());
            if (out.status() != BlockFetcher.Status.OK) {
                BadBlockException e = new BadBlockException(out.problem(), blocks.key(id), out.detail());
                bad.put(id, e);
                throw e;
            }
            byte[] data = Arrays.copyOf(ws.data(), blocks.blockSize());
            put(id, data);
            return data;
        } finally {
            giveBack(ws);
        }
    }

    private void put(int id, byte[] data) {
        synchronized (lru) {
            lru.put(id, data);
            while (lru.size() > capacity) {
                lru.remove(lru.keySet().iterator().next());
            }
            peak = Math.max(peak, lru.size());
        }
    }

    private BlockFetcher.Workspace takeWorkspace() {
        synchronized (workspaces) {
            while (workspaces.isEmpty()) {
                if (closed) {
                    throw new CancelledException("the NBD server is closing");
                }
                try {
                    workspaces.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException("waiting for a block download slot was interrupted", e);
                }
            }
            return workspaces.poll();
        }
    }

    private void giveBack(BlockFetcher.Workspace ws) {
        synchronized (workspaces) {
            if (closed) {
                ws.close();
                return;
            }
            workspaces.add(ws);
            workspaces.notifyAll();
        }
    }

    private static byte[] await(CompletableFuture<byte[]> f, int id) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("waiting for block " + id + " was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Blocks held now. */
    int size() {
        synchronized (lru) {
            return lru.size();
        }
    }

    /** Most blocks ever held at once. */
    int peak() {
        synchronized (lru) {
            return peak;
        }
    }

    /** The most blocks it holds. */
    int capacity() {
        return capacity;
    }

    /** Reads answered from the cache. */
    long hits() {
        return hits.get();
    }

    /** Blocks downloaded (decoded and verified or found bad). */
    long fetched() {
        return fetched.get();
    }

    /** Bytes downloaded. */
    long storedBytes() {
        return storedBytes.get();
    }

    /** Distinct blocks found missing or corrupt. */
    int badBlocks() {
        return bad.size();
    }

    @Override
    public void close() {
        synchronized (workspaces) {
            closed = true;
            workspaces.forEach(BlockFetcher.Workspace::close);
            workspaces.clear();
            workspaces.notifyAll();
        }
        synchronized (lru) {
            lru.clear();
        }
    }
}

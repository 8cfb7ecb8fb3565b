package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The write stage of a restore: workers hand over decoded, verified blocks (in {@link BlockPool} buffers) and go back
 * to fetching and decoding at once; whichever worker finds the write role free takes it and writes out everything
 * queued, blocks at adjacent offsets as one run ({@link ImageDestination#writeBlocks}, one large write where the
 * destination allows), and gives the buffers back to the pool. Up to {@code writers} workers write at once, each a
 * batch of its own, so that a disk that serves several writes in parallel (direct I/O waits for the device) gets them. So fetch, decode, hash and write overlap without a
 * thread of its own (which a caller's small executor might never start), and a worker waiting for a buffer writes
 * out the queue itself: nothing can wait for work only it could do. Thread-safe.
 */
public final class BlockWriter {
    /** Most bytes one run covers: larger runs are split, so buffers flow back to the pool as they are written. */
    static final int MAX_RUN_BYTES = 16 << 20;

    private final ImageDestination dest;
    private final BlockPool pool;
    private final int blockLen;
    private final int maxRun;
    private final Object role = new Object();
    private final List<Pending> queue = new ArrayList<>();
    private final int maxWriters;
    private int writing;
    private long runs;
    private long blocks;

    private record Pending(long position, byte[] buf) {
    }

    /** {@link #BlockWriter(ImageDestination, BlockPool, int, int)} with one writer at a time. */
    public BlockWriter(ImageDestination dest, BlockPool pool, int blockLen) {
        this(dest, pool, blockLen, 1);
    }

    /**
     * Writes blocks of {@code blockLen} bytes (the first {@code blockLen} bytes of each pool buffer) to {@code dest},
     * with at most {@code writers} threads writing at once.
     */
    public BlockWriter(ImageDestination dest, BlockPool pool, int blockLen, int writers) {
        if (blockLen > pool.length()) {
            throw new IllegalArgumentException("blocks of " + blockLen + " bytes do not fit buffers of " + pool.length());
        }
        this.dest = dest;
        this.pool = pool;
        this.blockLen = blockLen;
        this.maxRun = Math.max(1, MAX_RUN_BYTES / blockLen);
        this.maxWriters = Math.max(1, writers);
    }

    /** A buffer for the next block, writing out the queue while none is free. */
    public byte[] take(Cancellation cancel, String what) {
        return pool.take(cancel, what, this::drain);
    }

    /** Gives back a buffer taken with {@link #take} that holds nothing to write (a damaged block). */
    public void giveBack(byte[] buf) {
        pool.give(buf);
    }

    /**
     * Queues {@code buf} (taken with {@link #take}) to be written at {@code position}; it then belongs to the writer.
     * Writes out the queue when no other thread is writing.
     *
     * @throws io.drkit.core.UnavailableException when this thread writes and the write fails
     */
    public void submit(long position, byte[] buf) {
        synchronized (queue) {
            queue.add(new Pending(position, buf));
        }
        drain();
    }

    /**
     * Writes out the queue unless another thread is doing so (that thread then writes what is queued meanwhile too).
     *
     * @throws io.drkit.core.UnavailableException when the write fails
     */
    public void drain() {
        while (true) {
            synchronized (role) {
                if (writing >= maxWriters) {
                    return;
                }
                writing++;
            }
            try {
                writeQueued();
            } finally {
                synchronized (role) {
                    writing--;
                    role.notifyAll();
                }
            }
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return; // else a block came in while this thread held the role and its submitter left it here
                }
            }
        }
    }

    /** Writes out everything queued, waiting for threads that are writing to finish first: for the end of a restore. */
    public void flush() {
        synchronized (role) {
            boolean interrupted = false;
            while (writing > 0) {
                try {
                    role.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
    }

    /** Gives every queued buffer back unwritten: after a failure or cancellation. Never throws. */
    public void discard() {
        List<Pending> left;
        synchronized (queue) {
            left = new ArrayList<>(queue);
            queue.clear();
        }
        left.forEach(p -> pool.give(p.buf()));
    }

    /** Writes issued so far (each one run of adjacent blocks) and blocks written: runs &lt; blocks means coalescing. */
    public synchronized long[] counts() {
        return new long[] {runs, blocks};
    }

    private void writeQueued() {
        while (true) {
            Pending[] batch;
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return;
                }
                batch = queue.toArray(new Pending[0]);
                queue.clear();
            }
            Arrays.sort(batch, Comparator.comparingLong(Pending::position));
            int i = 0;
            try {
                byte[][] bufs = new byte[Math.min(maxRun, batch.length)][];
                while (i < batch.length) {
                    int n = 1;
                    while (i + n < batch.length && n < maxRun
                            && batch[i + n].position() == batch[i + n - 1].position() + blockLen) {
                        n++;
                    }
                    for (int k = 0; k < n; k++) {
                        bufs[k] = batch[i + k].buf();
                    }
                    dest.writeBlocks(bufs, n, blockLen, batch[i].position());
                    Arrays.fill(bufs, null);
                    synchronized (this) {
                        runs++;
                        blocks += n;
                    }
                    for (int k = 0; k < n; k++) {
                        pool.give(batch[i + k].buf());
                    }
                    i += n;
                }
            } finally {
                for (; i < batch.length; i++) {
                    pool.give(batch[i].buf()); // the write failed: the run fails, its buffers go back
                }
            }
        }
    }
}

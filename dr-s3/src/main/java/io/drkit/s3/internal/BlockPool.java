package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import java.util.ArrayDeque;

/**
 * A bounded pool of block buffers, so that a restore allocates its decode-and-write buffers once and holds at most
 * {@link #capacity()} of them whatever the volume size: a worker takes one, decodes a block into it, hands it to the
 * {@link BlockWriter}, which gives it back once the block is on its way to the disk. Buffers are allocated on first
 * use, never more than the capacity. Thread-safe.
 */
public final class BlockPool {
    private final int capacity;
    private final int length;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int created;

    /**
     * A pool of at most {@code capacity} buffers of {@code length} bytes each.
     *
     * @throws IllegalArgumentException when {@code capacity} or {@code length} is not positive
     */
    public BlockPool(int capacity, int length) {
        if (capacity < 1 || length < 1) {
            throw new IllegalArgumentException("a block pool needs a positive capacity and length, not " + capacity
                    + " x " + length);
        }
        this.capacity = capacity;
        this.length = length;
    }

    /** The most buffers this pool hands out. */
    public int capacity() {
        return capacity;
    }

    /** The length of each buffer. */
    public int length() {
        return length;
    }

    /** Buffers that could be taken now without waiting: the free ones and those not yet allocated. */
    public synchronized int available() {
        return free.size() + capacity - created;
    }

    /** A buffer, or null when all {@link #capacity()} are taken. */
    public synchronized byte[] poll() {
        byte[] b = free.poll();
        if (b == null && created < capacity) {
            created++;
            b = new byte[length];
        }
        return b;
    }

    /**
     * A buffer, waiting until one is given back; {@code whileWaiting} runs before each wait (the writer drains its
     * queue there, so that a worker never waits for buffers only it could write out).
     *
     * @throws io.drkit.core.CancelledException when cancelled while waiting
     */
    public byte[] take(Cancellation cancel, String what, Runnable whileWaiting) {
        while (true) {
            byte[] b = poll();
            if (b != null) {
                return b;
            }
            cancel.throwIfCancelled(what);
            whileWaiting.run();
            synchronized (this) {
                if (free.isEmpty() && created >= capacity) {
                    try {
                        wait(10); // woken by give(); the timeout re-checks the cancellation
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancel.throwIfCancelled(what);
                        throw new CancelledException(what + " was interrupted");
                    }
                }
            }
        }
    }

    /** Gives a buffer taken from this pool back. */
    public synchronized void give(byte[] b) {
        if (b == null) {
            return;
        }
        if (b.length != length || free.size() + capacity - created >= capacity) {
            throw new IllegalStateException("buffer given back to a pool it was not taken from, or twice");
        }
        free.push(b);
        notifyAll();
    }

    @Override
    public synchronized String toString() {
        return "BlockPool[" + available() + " of " + capacity + " x " + length + " bytes available]";
    }
}

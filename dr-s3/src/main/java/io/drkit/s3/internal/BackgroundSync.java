package io.drkit.s3.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Syncs a file channel in the background every {@link ImageDestination#SYNC_EVERY} bytes written, one sync at a time
 * on its own short-lived thread (a background job, not parallel work), so that the disk writes while the restore
 * downloads. A failed sync is reported by {@link #finish()}.
 */
final class BackgroundSync {
    private final FileChannel ch;
    private final String name;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile IOException error;
    private volatile Thread thread;
    private volatile boolean stopped;

    BackgroundSync(FileChannel ch, String name) {
        this.ch = ch;
        this.name = name;
    }

    void wrote(long n) {
        if (pending.addAndGet(n) >= ImageDestination.SYNC_EVERY && !stopped && running.compareAndSet(false, true)) {
            pending.set(0);
            Thread t = new Thread(() -> {
                try {
                    ch.force(false);
                } catch (IOException e) {
                    if (!stopped) {
                        error = e;
                    }
                } finally {
                    running.set(false);
                }
            }, "drkit-image-sync");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /** Waits for a sync in progress; rethrows a failed one. */
    void finish() throws IOException {
        join();
        if (error != null) {
            throw new IOException("syncing " + name + " failed: " + error.getMessage(), error);
        }
    }

    /** No more syncs; waits for one in progress (the channel is about to be closed). */
    void stop() {
        stopped = true;
        join();
    }

    private void join() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

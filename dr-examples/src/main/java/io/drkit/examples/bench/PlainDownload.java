package io.drkit.examples.bench;

import io.drkit.s3.ObjectStream;
import io.drkit.s3.S3ObjectSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baselines {@link RestoreBenchmark} compares the image restore with: the same block objects downloaded in
 * parallel without decoding or checksums (the physical limit of the setup), and the same with each block written at
 * its offset the way a restore to a file must at least write it (the limit with the disk).
 */
final class PlainDownload {
    private PlainDownload() {
    }

    /** GETs every key with {@code threads} threads into reusable buffers; returns the elapsed nanoseconds. */
    static long download(S3ObjectSource s3, List<String> keys, int threads) {
        return download(s3, keys, threads, null, 0);
    }

    /**
     * GETs every key with {@code threads} threads into reusable buffers and, when {@code file} is given, writes one
     * block of bytes at each block's offset the way dr-s3 writes (direct I/O through a 1 MiB aligned buffer where the
     * file system supports it, else buffered with a background sync every 64 MiB) and syncs at the end: what any
     * restore to a file must at least do. Returns the elapsed nanoseconds.
     */
    static long download(S3ObjectSource s3, List<String> keys, int threads, Path file, int blockSize) {
        java.nio.channels.FileChannel ch;
        java.nio.channels.FileChannel direct = null;
        try {
            ch = file == null ? null : java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
            if (file != null) {
                try {
                    direct = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE,
                            com.sun.nio.file.ExtendedOpenOption.DIRECT);
                } catch (IOException | UnsupportedOperationException e) {
                    direct = null; // buffered writes
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        java.nio.channels.FileChannel out = direct;
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong unsynced = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean syncing = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> syncs = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long t = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread th = new Thread(() -> {
                byte[] buf = new byte[Math.max(1 << 20, 2 * blockSize)];
                java.nio.ByteBuffer aligned = out == null ? null
                        : java.nio.ByteBuffer.allocateDirect((1 << 20) + 4096).alignedSlice(4096);
                int k;
                while ((k = next.getAndIncrement()) < keys.size()) {
                    try (ObjectStream in = s3.get(keys.get(k))) {
                        int n;
                        int len = 0;
                        while ((n = in.read(buf, len % buf.length, buf.length - len % buf.length)) > 0) {
                            bytes.addAndGet(n);
                            len += n;
                        }
                        if (out != null) {
                            for (int done = 0; done < blockSize; done += aligned.capacity()) {
                                aligned.clear();
                                aligned.put(buf, done, Math.min(aligned.capacity(), blockSize - done));
                                aligned.flip();
                                long pos = (long) k * blockSize + done;
                                while (aligned.hasRemaining()) {
                                    pos += out.write(aligned, pos);
                                }
                            }
                        } else if (ch != null) {
                            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, blockSize);
                            long pos = (long) k * blockSize;
                            while (b.hasRemaining()) {
                                pos += ch.write(b, pos);
                            }
                            if (unsynced.addAndGet(blockSize) >= 64L << 20 && syncing.compareAndSet(false, true)) {
                                unsynced.set(0);
                                Thread sync = new Thread(() -> {
                                    try {
                                        ch.force(false);
                                    } catch (IOException e) {
                                        throw new IllegalStateException(e);
                                    } finally {
                                        syncing.set(false);
                                    }
                                });
                                syncs.add(sync);
                                sync.start();
                            }
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        for (Thread th : syncs) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (ch != null) {
            try (ch) {
                if (direct != null) {
                    direct.close();
                }
                ch.force(true);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return System.nanoTime() - t;
    }
}

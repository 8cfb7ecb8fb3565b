package io.drkit.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore's write stage: pooled buffers are written as they were decoded, adjacent blocks as one run, all-zero
 * chunks skipped on a destination that reads as zeros, the content byte-exact; every buffer goes back to the pool
 * whether the write succeeds, fails or the restore is cancelled.
 */
class BlockWriterTest {
    private static final int L = 64 << 10;

    @TempDir
    Path dir;

    /** An in-memory image that records each gathered write (position, total length, pieces). */
    private static final class Recording extends ImageDestination {
        final byte[] image;
        final boolean zeros;
        final List<long[]> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Consumer<Integer> duringWrite = n -> { };
        IOException fail;

        Recording(int size, boolean zeros) {
            this.image = new byte[size];
            this.zeros = zeros;
        }

        @Override
        public boolean readsAsZeros() {
            return zeros;
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public void open(long size) {
        }

        @Override
        public void commit() {
        }

        @Override
        public void abort() {
        }

        @Override
        protected void writeGathered(byte[][] bufs, int[] offs, int[] lens, int count, long position)
                throws IOException {
            if (fail != null) {
                throw fail;
            }
            long total = Arrays.stream(lens, 0, count).sum();
            writes.add(new long[] {position, total, count});
            duringWrite.accept(writes.size());
            super.writeGathered(bufs, offs, lens, count, position);
        }

        @Override
        protected void writeAt(byte[] data, int off, int len, long position) {
            System.arraycopy(data, off, image, (int) position, len);
        }
    }

    private static byte[] block(BlockPool pool, long seed) {
        byte[] b = pool.poll();
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static byte[] expected(int size, int len, long... seededOffsets) {
        byte[] img = new byte[size];
        for (long off : seededOffsets) {
            byte[] b = new byte[len + 1];
            new SplittableRandom(off).nextBytes(b);
            System.arraycopy(b, 0, img, (int) off, len);
        }
        return img;
    }

    @Test
    void adjacentBlocksQueuedDuringAWriteAreWrittenAsOneRunAndHolesSplitRuns() {
        BlockPool pool = new BlockPool(6, L + 1);
        Recording dest = new Recording(8 * L, true);
        BlockWriter w = new BlockWriter(dest, pool, L);
        // while the first block is written, four more come in: 1 and 2 adjacent, a hole at 3, then 4 and 5
        dest.duringWrite = n -> {
            if (n == 1) {
                for (long slot : new long[] {5, 2, 1, 4}) {
                    w.submit(slot * L, block(pool, slot * L));
                }
            }
        };
        w.submit(0, block(pool, 0));
        assertThat(dest.writes).extracting(x -> x[0] + "+" + x[1]).containsExactly("0+" + L, L + "+" + 2 * L,
                4 * L + "+" + 2 * L);
        assertThat(dest.writes.get(1)[2]).as("two buffers gathered into one write").isEqualTo(2);
        assertThat(w.counts()).containsExactly(3, 5);
        assertThat(dest.image).isEqualTo(expected(8 * L, L, 0, L, 2 * L, 4 * L, 5 * L));
        assertThat(pool.available()).isEqualTo(pool.capacity());
    }

    @Test
    void zeroChunksAreSkippedOnASparseDestinationAndWrittenOnOthers() {
        for (boolean sparse : new boolean[] {true, false}) {
            BlockPool pool = new BlockPool(3, 2 * L + 1);
            Recording dest = new Recording(6 * L, sparse);
            byte[] a = block(pool, 1);
            byte[] zero = pool.poll();
            Arrays.fill(zero, (byte) 0);
            byte[] c = block(pool, 2);
            Arrays.fill(c, 0, L, (byte) 0); // first half of the third block zero too
            dest.writeBlocks(new byte[][] {a, zero, c}, 3, 2 * L, 0);
            byte[] want = new byte[6 * L];
            System.arraycopy(a, 0, want, 0, 2 * L);
            System.arraycopy(c, 0, want, 4 * L, 2 * L);
            assertThat(dest.image).isEqualTo(want);
            if (sparse) {
                assertThat(dest.writes).extracting(x -> x[0] + "+" + x[1]).containsExactly("0+" + 2 * L,
                        5 * L + "+" + L);
            } else {
                assertThat(dest.writes).extracting(x -> x[0] + "+" + x[1] + "/" + x[2]).containsExactly(
                        "0+" + 6 * L + "/3");
            }
        }
    }

    @Test
    void aBlockShorterThanItsBufferAndNotAMultipleOfTheSparseChunkIsWrittenExactly() {
        int len = 100_003;
        BlockPool pool = new BlockPool(2, len + 1);
        Recording dest = new Recording(2 * len + 10, true);
        BlockWriter w = new BlockWriter(dest, pool, len);
        byte[] a = block(pool, 0);
        byte[] b = block(pool, len);
        w.submit(len, b);
        w.submit(0, a);
        byte[] want = expected(2 * len + 10, len, 0, len);
        assertThat(dest.image).isEqualTo(want);
        assertThat(dest.image[2 * len]).as("the byte past each block is not written").isZero();
    }

    @Test
    void aFailedWriteGivesEveryBufferBack() {
        BlockPool pool = new BlockPool(4, L + 1);
        Recording dest = new Recording(4 * L, true);
        BlockWriter w = new BlockWriter(dest, pool, L);
        dest.fail = new IOException("disk full");
        assertThatThrownBy(() -> w.submit(0, block(pool, 0))).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("disk full").hasMessageContaining("offset 0 of recording");
        w.discard();
        assertThat(pool.available()).isEqualTo(4);
    }

    @Test
    void cancellationWakesAWorkerWaitingForABufferAndDiscardReturnsTheQueue() throws Exception {
        BlockPool pool = new BlockPool(2, L + 1);
        Recording dest = new Recording(4 * L, true);
        BlockWriter w = new BlockWriter(dest, pool, L);
        Cancellation cancel = Cancellation.create();
        byte[] held = w.take(cancel, "test");
        // queued but not written: another thread holds the write role
        byte[] queued = w.take(cancel, "test");
        Arrays.fill(queued, (byte) 1);
        CompletableFuture<Void> writing = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        dest.duringWrite = n -> {
            writing.complete(null);
            release.join();
        };
        byte[] first = queued;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> w.submit(0, first));
        writing.get(30, TimeUnit.SECONDS);
        CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> w.take(cancel, "restore of x"));
        cancel.cancel();
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(CancelledException.class);
        release.complete(null);
        writer.get(30, TimeUnit.SECONDS);
        w.giveBack(held);
        w.discard();
        assertThat(pool.available()).isEqualTo(pool.capacity());
    }

    @Test
    void withTwoWritersASecondBatchIsWrittenWhileTheFirstWriteWaitsForTheDisk() throws Exception {
        BlockPool pool = new BlockPool(4, L + 1);
        Recording dest = new Recording(4 * L, true);
        BlockWriter w = new BlockWriter(dest, pool, L, 2);
        CompletableFuture<Void> firstWriting = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        dest.duringWrite = n -> {
            if (n == 1) {
                firstWriting.complete(null);
                release.join(); // the disk is slow for the first write
            }
        };
        byte[] a = block(pool, 0);
        byte[] b = block(pool, 2L * L);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> w.submit(0, a));
        firstWriting.get(30, TimeUnit.SECONDS);
        w.submit(2L * L, b); // a second writer: written now, not after the first write
        assertThat(dest.writes).hasSize(2);
        release.complete(null);
        first.get(30, TimeUnit.SECONDS);
        assertThat(dest.image).isEqualTo(expected(4 * L, L, 0, 2L * L));
        assertThat(pool.available()).isEqualTo(pool.capacity());
    }

    @Test
    void withOneWriterASecondSubmitterOnlyQueues() throws Exception {
        BlockPool pool = new BlockPool(4, L + 1);
        Recording dest = new Recording(4 * L, true);
        BlockWriter w = new BlockWriter(dest, pool, L, 1);
        CompletableFuture<Void> firstWriting = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        dest.duringWrite = n -> {
            if (n == 1) {
                firstWriting.complete(null);
                release.join();
            }
        };
        byte[] a = block(pool, 0);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> w.submit(0, a));
        firstWriting.get(30, TimeUnit.SECONDS);
        w.submit(2L * L, block(pool, 2L * L));
        assertThat(dest.writes).hasSize(1);
        release.complete(null);
        first.get(30, TimeUnit.SECONDS);
        assertThat(dest.writes).hasSize(2); // the first writer wrote what was queued meanwhile
        assertThat(dest.image).isEqualTo(expected(4 * L, L, 0, 2L * L));
    }

    @Test
    void aWorkerWaitingForABufferWritesTheQueueItself() {
        // one thread, pool of one: the buffer it needs is queued; take() must write it out, not wait forever
        BlockPool pool = new BlockPool(1, L + 1);
        Recording dest = new Recording(2 * L, true);
        BlockWriter w = new BlockWriter(dest, pool, L);
        Cancellation cancel = Cancellation.create();
        byte[] a = w.take(cancel, "test");
        Arrays.fill(a, (byte) 7);
        w.submit(0, a);
        byte[] b = w.take(cancel, "test");
        assertThat(b).isSameAs(a);
        assertThat(dest.image[0]).isEqualTo((byte) 7);
    }

    @Test
    void aBufferGivenBackTwiceIsRefused() {
        BlockPool pool = new BlockPool(1, 8);
        byte[] b = pool.poll();
        pool.give(b);
        assertThatThrownBy(() -> pool.give(b)).isInstanceOf(IllegalStateException.class);
        assertThat(pool.poll()).isSameAs(b);
        assertThat(pool.poll()).isNull();
    }

    @Test
    void aFileTargetWritesGatheredRunsByteExact() throws Exception {
        Path target = dir.resolve("img");
        ImageDestination dest = ImageDestination.path(target, false, PartialFiles.Report.NONE);
        int len = 1 << 20;
        BlockPool pool = new BlockPool(12, len + 1);
        dest.open(12L * len);
        long[] offsets = {0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11}; // 11 blocks, a hole at 3, a run longer than 8 MiB
        List<byte[]> all = new ArrayList<>();
        for (long slot : offsets) {
            byte[] b = block(pool, slot * len);
            all.add(b);
        }
        byte[][] run = new byte[][] {all.get(0), all.get(1), all.get(2)};
        dest.writeBlocks(run, 3, len, 0);
        dest.writeBlocks(all.subList(3, all.size()).toArray(new byte[0][]), 8, len, 4L * len);
        all.forEach(pool::give);
        dest.commit();
        byte[] want = expected(12 * len, len, 0, len, 2L * len, 4L * len, 5L * len, 6L * len, 7L * len, 8L * len,
                9L * len, 10L * len, 11L * len);
        assertThat(Files.readAllBytes(target)).isEqualTo(want);
    }
}

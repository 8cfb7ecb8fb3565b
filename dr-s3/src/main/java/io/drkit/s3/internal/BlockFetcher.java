package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.BlockProblem;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.ObjectStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one block object, decodes it and verifies its checksum, into a caller-owned {@link Workspace} whose
 * buffers are allocated once and reused from block to block (so a restore allocates no block buffer per block, and
 * its memory is workers x {@link #workspaceBytes}, whatever the volume size and whatever the store holds).
 *
 * <p>The common case takes a fast path: the recorded codec decoded straight into the workspace (LZ4 frames with
 * independent blocks through lz4-java's block decompressor, gzip through a reused {@link Inflater}), with the codec's
 * own checks (LZ4 header, block and content checksums; gzip CRC-32 and length, which Longhorn's Go readers enforce
 * too), then one SHA-512.
 * Anything unusual (a checksum that does not match, a frame with linked blocks, a codec other than recorded, a
 * multi-member gzip) goes through {@link BlockCodec#decode}, which sniffs, falls back between codecs like Longhorn
 * does (#7687) and says exactly what is wrong. Transient read failures (a connection reset mid-body, a 5xx after the
 * SDK's own retries) are retried; a missing object is reported, never retried. Thread-safe; workspaces are not.
 */
public final class BlockFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(BlockFetcher.class);
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXH32 = XXHashFactory.fastestInstance().hash32();
    private static final int LZ4_MAGIC = 0x184D2204;

    private final ObjectSource source;
    private final ReadRetry retry;

    /** What became of one block. */
    public enum Status {
        /** Decoded and verified; the data is in {@link Workspace#data()}. */
        OK,
        /** The object does not exist. */
        MISSING,
        /** The object exists but does not hold the block. */
        CORRUPT
    }

    /**
     * The outcome of fetching one block.
     *
     * @param status      what became of it
     * @param problem     for {@link Status#MISSING} and {@link Status#CORRUPT}, what is wrong
     * @param detail      a message saying what is wrong (empty when OK)
     * @param storedBytes bytes downloaded
     * @param codec       the codec that decoded it (OK only)
     * @param fallback    whether that codec differs from the recorded one
     */
    public record Outcome(Status status, BlockProblem problem, String detail, long storedBytes, CompressionMethod codec,
                          boolean fallback) {
    }

    /**
     * A fetcher reading through {@code source}.
     *
     * @param attempts how often a block whose read fails transiently is tried (at least 1)
     * @param backoff  wait before the second attempt; doubles each time
     */
    public BlockFetcher(ObjectSource source, int attempts, Duration backoff) {
        this.source = source;
        this.retry = new ReadRetry(Math.max(1, attempts), backoff);
    }

    /** The retry rule of this fetcher: the same one applies to the cfgs a restore or verification reads. */
    public ReadRetry retry() {
        return retry;
    }

    /**
     * Heap the slow decoding path may allocate on top of a workspace's buffers, per worker: lz4-java's frame reader
     * holds two buffers of the frame's block size (at most 4 MiB each), the gzip and linked-LZ4 readers a window and
     * a buffer of 64 KiB each.
     */
    static final long DECODER_BYTES = 9L << 20;

    /**
     * Upper bound of the heap one worker takes for blocks of {@code blockSize} bytes: its {@link Workspace} (the block
     * plus one byte, and the largest object still read as one encoded block) and what the slow decoding path may
     * allocate meanwhile. Restore, salvage and verification size their workers by it ({@link #workers}).
     */
    public static long workspaceBytes(int blockSize) {
        return (long) blockSize + 1 + maxStoredBytes(blockSize) + DECODER_BYTES;
    }

    /**
     * The largest object that could still be one encoded block; larger objects are not downloaded. Every encoder
     * Longhorn uses (and every sane one) stays far below it: LZ4 frames add 4 bytes per 4 MiB block plus a 19-byte
     * frame, deflate's stored blocks 5 bytes per 64 KiB plus an 18-byte gzip frame; this allows 1/16 plus 64 KiB.
     */
    static int maxStoredBytes(int blockSize) {
        return Math.toIntExact((long) blockSize + (blockSize >> 4) + (64 << 10));
    }

    /**
     * How many workers to run over {@code items} blocks of at most {@code blockSize} bytes: at most {@code wanted},
     * and only as many as {@code memoryLimit} holds ({@link #workspaceBytes} each), so that bigger blocks get fewer
     * workers (128 MiB: 8 workers for 2 MiB blocks, 3 for 16 MiB).
     *
     * @throws InvalidInputException when not even one worker fits: the memory limit is too small for the block size
     */
    public static int workers(int wanted, long items, long memoryLimit, int blockSize) {
        long each = workspaceBytes(blockSize);
        if (each > memoryLimit) {
            throw new InvalidInputException("blocks of " + blockSize + " bytes need " + each + " bytes of buffers per "
                    + "worker, more than the memory limit of " + memoryLimit + " bytes; raise the memory limit to at "
                    + "least " + each);
        }
        return (int) Math.max(1, Math.min(Math.min(wanted, memoryLimit / each), items));
    }

    /**
     * Fetches, decodes and verifies the block stored at {@code key}.
     *
     * @param checksumHex the expected checksum (the object's name), for messages
     * @param checksum    the same as 32 bytes
     * @param recorded    the codec the backup cfg records
     * @param blockSize   the block size of the backup
     * @throws UnavailableException when the store cannot be read even after retries
     * @throws CancelledException   when cancelled between attempts
     */
    public Outcome fetch(String key, String checksumHex, byte[] checksum, CompressionMethod recorded, int blockSize,
                         Workspace ws, Cancellation cancel) {
        ws.ensure(blockSize);
        int stored = -1;
        for (int attempt = 1; stored < 0; attempt++) {
            cancel.throwIfCancelled("reading block " + key);
            try {
                stored = download(key, blockSize, ws);
                if (stored == Integer.MIN_VALUE) {
                    return new Outcome(Status.CORRUPT, BlockProblem.WRONG_SIZE, "block " + checksumHex
                            + " is stored as an object of " + (ws.reportedSize < 0 ? "more than "
                            + maxStoredBytes(blockSize) : ws.reportedSize) + " bytes, more than any encoding of a "
                            + blockSize + "-byte block (not downloaded)", 0, null, false);
                }
            } catch (NotFoundException e) {
                String why = e.getMessage() != null && e.getMessage().contains("symbolic link")
                        ? " (" + e.getMessage() + ")" : "";
                return new Outcome(Status.MISSING, BlockProblem.MISSING, "block " + checksumHex + " does not exist" + why,
                        0, null, false);
            } catch (IOException | UnavailableException | DrTimeoutException e) {
                if (!ReadRetry.retryable(e) || attempt >= retry.attempts()) {
                    if (e instanceof UnavailableException u) {
                        throw u;
                    }
                    if (e instanceof DrTimeoutException t) {
                        throw t;
                    }
                    throw new UnavailableException("reading block " + key + " failed after " + attempt + " attempts: "
                            + e.getMessage(), e);
                }
                LOG.debug("reading block {} failed (attempt {} of {}), retrying: {}", key, attempt, retry.attempts(),
                        e.toString());
                retry.pause(attempt, "reading block " + key);
            }
        }
        if (stored == 0) {
            return new Outcome(Status.CORRUPT, BlockProblem.WRONG_SIZE, "block " + checksumHex + " is an empty object", 0,
                    null, false);
        }
        ws.acquire(blockSize); // downloaded: only now is a buffer to decode into needed
        return decode(checksumHex, checksum, recorded, blockSize, stored, ws);
    }

    /**
     * Reads the object into the workspace's stored-bytes buffer, which already holds the largest acceptable object (it
     * never grows); returns its length, or {@link Integer#MIN_VALUE} when it is too large.
     */
    private int download(String key, int blockSize, Workspace ws) throws IOException {
        try (ObjectStream in = source.get(key)) {
            long size = in.info().size();
            ws.reportedSize = size;
            int max = maxStoredBytes(blockSize);
            if (size > max) {
                return Integer.MIN_VALUE;
            }
            if (size >= 0) {
                int n = readFully(in, ws.stored, (int) size);
                if (n < size) {
                    throw new IOException("object ended after " + n + " of " + size + " bytes");
                }
                return n;
            }
            // size unknown: read up to the limit
            int n = readFully(in, ws.stored, max);
            if (n == max && in.read() >= 0) {
                ws.reportedSize = -1; // unknown, and too large
                return Integer.MIN_VALUE;
            }
            return n;
        }
    }

    private static int readFully(InputStream in, byte[] b, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(b, n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private Outcome decode(String checksumHex, byte[] checksum, CompressionMethod recorded, int blockSize, int stored,
                           Workspace ws) {
        if (fastDecode(recorded, ws, stored, blockSize) && ws.matches(checksum, blockSize)) {
            return new Outcome(Status.OK, null, "", stored, recorded, false);
        }
        try {
            BlockCodec.Decoded d = BlockCodec.decodeInto(recorded, ws.stored, stored, blockSize, checksumHex, ws.data);
            ws.result = d.data();
            return new Outcome(Status.OK, null, "", stored, d.codec(), d.recoveredByFallback());
        } catch (BlockCodec.BlockDecodeException e) {
            return new Outcome(Status.CORRUPT, problem(e.problem()), e.getMessage(), stored, null, false);
        }
    }

    private static BlockProblem problem(BlockCodec.Problem p) {
        return switch (p) {
            case CHECKSUM_MISMATCH -> BlockProblem.CHECKSUM_MISMATCH;
            case BAD_FRAME -> BlockProblem.BAD_FRAME;
            case WRONG_CODEC -> BlockProblem.WRONG_CODEC;
            case WRONG_SIZE -> BlockProblem.WRONG_SIZE;
        };
    }

    /** Decodes with the recorded codec into the workspace; false when the slow path must decide. */
    private static boolean fastDecode(CompressionMethod recorded, Workspace ws, int stored, int blockSize) {
        return switch (recorded) {
            case NONE -> {
                ws.result = ws.stored;
                yield stored == blockSize;
            }
            case LZ4 -> lz4(ws, stored, blockSize);
            case GZIP -> gzip(ws, stored, blockSize);
        };
    }

    /** An LZ4 frame with independent blocks and no dictionary, decoded block by block, its checksums verified. */
    private static boolean lz4(Workspace ws, int len, int blockSize) {
        byte[] b = ws.stored;
        if (len < 7 || intLE(b, 0) != LZ4_MAGIC) {
            return false;
        }
        int flg = b[4] & 0xff;
        if ((flg >> 6) != 1 || (flg & 0x20) == 0 || (flg & 0x01) != 0 || (flg & 0x02) != 0) {
            return false; // version, linked blocks, dictionary id, reserved bit
        }
        int bd = (b[5] >> 4) & 7;
        if (bd < 4) {
            return false;
        }
        int maxBlock = 1 << (8 + 2 * bd);
        boolean blockChecksums = (flg & 0x10) != 0;
        int descriptor = 2 + ((flg & 0x08) != 0 ? 8 : 0); // FLG, BD, optional content size
        if (len < 4 + descriptor + 1 || (b[4 + descriptor] & 0xff) != ((XXH32.hash(b, 4, descriptor, 0) >> 8) & 0xff)) {
            return false;
        }
        int pos = 4 + descriptor + 1;
        int out = 0;
        byte[] data = ws.data;
        try {
            while (true) {
                if (pos + 4 > len) {
                    return false;
                }
                int size = intLE(b, pos);
                pos += 4;
                if (size == 0) {
                    break;
                }
                boolean raw = size < 0;
                int n = size & 0x7fffffff;
                if (n > maxBlock || pos + n > len || out + (raw ? n : 0) > blockSize) {
                    return false;
                }
                if (blockChecksums && (pos + n + 4 > len || intLE(b, pos + n) != XXH32.hash(b, pos, n, 0))) {
                    return false;
                }
                if (raw) {
                    System.arraycopy(b, pos, data, out, n);
                    out += n;
                } else {
                    out += LZ4.decompress(b, pos, n, data, out, Math.min(maxBlock, blockSize - out));
                }
                pos += n + (blockChecksums ? 4 : 0);
            }
        } catch (LZ4Exception e) {
            return false;
        }
        if ((flg & 0x04) != 0) {
            if (pos + 4 > len || intLE(b, pos) != XXH32.hash(data, 0, out, 0)) {
                return false;
            }
            pos += 4;
        }
        ws.result = data;
        return pos == len && out == blockSize;
    }

    /** One gzip member decoded with the workspace's inflater, its CRC-32 and length verified. */
    private static boolean gzip(Workspace ws, int len, int blockSize) {
        byte[] b = ws.stored;
        if (len < 18 || (b[0] & 0xff) != 0x1f || (b[1] & 0xff) != 0x8b || b[2] != 8) {
            return false;
        }
        int flg = b[3] & 0xff;
        if ((flg & 0xe0) != 0) {
            return false;
        }
        int pos = 10;
        if ((flg & 0x04) != 0) {
            if (pos + 2 > len) {
                return false;
            }
            pos += 2 + ((b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8);
        }
        for (int bit : new int[] {0x08, 0x10}) {
            if ((flg & bit) != 0) {
                while (pos < len && b[pos] != 0) {
                    pos++;
                }
                pos++;
            }
        }
        if ((flg & 0x02) != 0) {
            pos += 2;
        }
        if (pos >= len) {
            return false;
        }
        Inflater inf = ws.inflater();
        inf.reset();
        inf.setInput(b, pos, len - pos);
        int out = 0;
        try {
            while (out < blockSize && !inf.finished()) {
                int n = inf.inflate(ws.data, out, blockSize - out);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    return false;
                }
                out += n;
            }
            if (!inf.finished()) {
                // the block is full: the stream must end here, without one more byte of output
                if (inf.inflate(ws.scratch, 0, 1) != 0 || !inf.finished()) {
                    return false;
                }
            }
        } catch (DataFormatException e) {
            return false;
        }
        ws.result = ws.data;
        if (out != blockSize || inf.getRemaining() != 8) {
            return false; // not exactly one member: only the trailer may be left
        }
        ws.crc.reset();
        ws.crc.update(ws.data, 0, out);
        return intLE(b, len - 8) == (int) ws.crc.getValue() && intLE(b, len - 4) == out;
    }

    private static int intLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /**
     * The reusable buffers of one worker: the stored bytes of a block, its decoded data, a SHA-512 digest and an
     * inflater. Not thread-safe; one per worker thread. {@link #close()} frees the inflater's native memory.
     */
    public static final class Workspace implements AutoCloseable {
        private byte[] stored = new byte[0];
        private byte[] data = new byte[0];
        private byte[] result;
        private Supplier<byte[]> buffers;
        private byte[] taken;
        private final byte[] scratch = new byte[1];
        private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        private long reportedSize;
        private Inflater inflater;
        private final MessageDigest sha512;

        /** An empty workspace; buffers are allocated for the first block. */
        public Workspace() {
            try {
                sha512 = MessageDigest.getInstance("SHA-512");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-512 is missing from this JVM", e);
            }
        }

        /**
         * Makes the buffers hold blocks of {@code blockSize} bytes: the block plus one byte (to notice a longer one)
         * and the largest object still read as one encoded block. They only grow, and are allocated once for the
         * largest block size a worker meets, never grown by copying.
         */
        void ensure(int blockSize) {
            int stores = maxStoredBytes(blockSize);
            boolean dataTooSmall = data.length < blockSize + 1 && buffers == null;
            if (dataTooSmall || stored.length < stores) {
                int dataLength = Math.max(data.length, blockSize + 1);
                int storedLength = Math.max(stored.length, stores);
                if (dataTooSmall) {
                    data = null; // let the old buffers go before the new ones are allocated
                }
                stored = null;
                result = null;
                if (dataTooSmall) {
                    data = new byte[dataLength];
                }
                stored = new byte[storedLength];
            }
        }

        /**
         * Decodes the next blocks into buffers asked of {@code buffers} (a {@link BlockPool}'s), one per block, asked
         * for only once the block's stored bytes are downloaded: so a worker holds no buffer while it waits for the
         * store, and a worker waiting for a free buffer has its next block downloaded already. The buffer a block
         * was decoded into is handed over by {@link #takeBuffer()}; {@link #data()} after an {@link Status#OK}
         * outcome is that buffer, except for a block stored uncompressed or recovered by the slow path: then it is
         * another array whose content the caller copies into the buffer.
         */
        public void decodeInto(Supplier<byte[]> buffers) {
            data = new byte[0];
            result = null;
            taken = null;
            this.buffers = buffers;
        }

        /**
         * The buffer asked of {@link #decodeInto(Supplier)}'s supplier for the last block, now the caller's; null when
         * none was asked for (the object was missing or too large, or the download failed).
         */
        public byte[] takeBuffer() {
            byte[] b = taken;
            taken = null;
            if (buffers != null) {
                data = new byte[0];
                result = null;
            }
            return b;
        }

        /** The buffer {@link #takeBuffer()} would hand over, still this workspace's. */
        byte[] peekBuffer() {
            return taken;
        }

        /** Asks the supplier for the buffer of the block about to be decoded (see {@link #decodeInto(Supplier)}). */
        void acquire(int blockSize) {
            if (buffers == null || taken != null) {
                return;
            }
            byte[] b = buffers.get();
            if (b.length < blockSize + 1) {
                throw new IllegalStateException("decode buffer of " + b.length + " bytes for blocks of " + blockSize);
            }
            taken = b;
            data = b;
        }

        /** Bytes of block buffers this workspace holds (at most {@link #workspaceBytes} minus the decoders' share). */
        public long heldBytes() {
            return (long) data.length + stored.length;
        }

        Inflater inflater() {
            if (inflater == null) {
                inflater = new Inflater(true);
            }
            return inflater;
        }

        boolean matches(byte[] checksum, int blockSize) {
            sha512.reset();
            sha512.update(result, 0, blockSize);
            byte[] d = sha512.digest();
            return Arrays.equals(d, 0, Checksums.LENGTH, checksum, 0, Checksums.LENGTH);
        }

        /** The decoded block after an {@link Status#OK} outcome: its first block-size bytes (the array may be longer). */
        public byte[] data() {
            return result;
        }

        @Override
        public void close() {
            if (inflater != null) {
                inflater.end();
                inflater = null;
            }
        }
    }
}

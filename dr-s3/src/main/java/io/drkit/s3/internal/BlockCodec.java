package io.drkit.s3.internal;

import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.BackupstoreLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * Longhorn's block encoding: compression ({@code none}, {@code gzip}, {@code lz4} frames) and the block checksum
 * (first 64 hex digits of the SHA-512 of the uncompressed block). Decoding sniffs magic bytes and falls back between
 * codecs when a block does not match its recorded method (Longhorn #7687), and reads LZ4 frames with linked blocks
 * (which lz4-java rejects) through commons-compress. Stateless and thread-safe.
 */
public final class BlockCodec {
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] LZ4_MAGIC = {0x04, 0x22, 0x4d, 0x18};

    private BlockCodec() {
    }

    /** Why a block could not be decoded. */
    public enum Problem {
        /** Decoded fine, but the data's checksum is not the recorded one. */
        CHECKSUM_MISMATCH,
        /** The bytes have the recorded codec's magic but the stream is corrupt or truncated (bad frame, CRC error). */
        BAD_FRAME,
        /** The bytes are in no codec that yields the recorded checksum (wrong or unknown codec). */
        WRONG_CODEC,
        /** Decoded fine, but the data is not exactly one block long. */
        WRONG_SIZE
    }

    /**
     * A block that failed to decode or verify. Internal signal for the callers (verification reports it, restore
     * turns it into {@link io.drkit.core.InvalidBackupDataException} naming the block and offset).
     */
    public static final class BlockDecodeException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Problem problem;

        BlockDecodeException(Problem problem, String message, Throwable cause) {
            super(message, cause);
            this.problem = problem;
        }

        /** What was wrong. */
        public Problem problem() {
            return problem;
        }
    }

    /**
     * A decoded block.
     *
     * @param data   the uncompressed bytes (exactly the expected size)
     * @param codec  the codec that actually decoded it
     * @param recoveredByFallback whether {@code codec} differs from the recorded one
     */
    public record Decoded(byte[] data, CompressionMethod codec, boolean recoveredByFallback) {
    }

    /** Longhorn's checksum of {@code len} bytes of {@code data} at {@code off}. */
    public static String checksum(byte[] data, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            md.update(data, off, len);
            return HexFormat.of().formatHex(md.digest(), 0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Longhorn's checksum of a whole block. */
    public static String checksum(byte[] data) {
        return BackupstoreLayout.sha512Prefix(data);
    }

    /**
     * Compresses a block the way Longhorn stores it: {@code none} as is; {@code gzip} as one member with Go's header
     * ({@code 1f 8b 08 00 00000000 00 ff}, default level); {@code lz4} as an LZ4 frame with independent 4 MiB blocks
     * and a content checksum (header {@code 04 22 4D 18 64 70 B9}, as pierrec/lz4 v4 writes). The compressed payload
     * is equivalent, not byte-identical, to Go's (different compressor implementations).
     */
    public static byte[] compress(CompressionMethod method, byte[] data) {
        Objects.requireNonNull(method, "method");
        return switch (method) {
            case NONE -> data.clone();
            case GZIP -> gzip(data);
            case LZ4 -> lz4(data);
        };
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        Deflater d = new Deflater(6, true);
        try {
            d.setInput(data);
            d.finish();
            byte[] buf = new byte[64 << 10];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
        } finally {
            d.end();
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(data.length);
        out.writeBytes(trailer.array());
        return out.toByteArray();
    }

    private static byte[] lz4(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        try (LZ4FrameOutputStream lz = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            lz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException("LZ4 compression failed", e);
        }
        return out.toByteArray();
    }

    /** The codec whose magic bytes {@code stored} starts with; {@link CompressionMethod#NONE} for neither. */
    public static CompressionMethod sniff(byte[] stored, int len) {
        if (startsWith(stored, len, LZ4_MAGIC)) {
            return CompressionMethod.LZ4;
        }
        if (startsWith(stored, len, GZIP_MAGIC)) {
            return CompressionMethod.GZIP;
        }
        return CompressionMethod.NONE;
    }

    /**
     * Decodes and verifies one stored block. Tries the recorded codec, then the codec the magic bytes name, then the
     * remaining ones, and accepts the first result whose checksum matches.
     *
     * @param recorded  the codec the cfg records
     * @param stored    the stored bytes
     * @param storedLen how many of them
     * @param blockSize the expected uncompressed size
     * @param checksum  the expected checksum (the block's file name)
     * @return the block in an array of exactly {@code blockSize} bytes
     * @throws BlockDecodeException saying what was wrong
     */
    public static Decoded decode(CompressionMethod recorded, byte[] stored, int storedLen, int blockSize, String checksum)
            throws BlockDecodeException {
        Decoded d = decodeInto(recorded, stored, storedLen, blockSize, checksum, new byte[blockSize + 1]);
        return d.data().length == blockSize ? d
                : new Decoded(java.util.Arrays.copyOf(d.data(), blockSize), d.codec(), d.recoveredByFallback());
    }

    /**
     * {@link #decode} without allocating a block: compressed codecs decompress into {@code out} (at least
     * {@code blockSize + 1} bytes, so that a longer block is noticed), and {@code none} is checked where it is. The
     * block is the first {@code blockSize} bytes of the returned {@link Decoded#data()}, which is {@code out} or
     * {@code stored} itself. The decoders' own buffers are all this allocates (at most about 9 MiB: two LZ4 frame
     * blocks of up to 4 MiB).
     *
     * @throws BlockDecodeException saying what was wrong
     */
    public static Decoded decodeInto(CompressionMethod recorded, byte[] stored, int storedLen, int blockSize,
                                     String checksum, byte[] out) throws BlockDecodeException {
        if (out.length < blockSize + 1) {
            throw new IllegalArgumentException("output buffer of " + out.length + " bytes for blocks of " + blockSize);
        }
        Set<CompressionMethod> order = new LinkedHashSet<>();
        order.add(recorded);
        order.add(sniff(stored, storedLen));
        order.addAll(List.of(CompressionMethod.LZ4, CompressionMethod.GZIP, CompressionMethod.NONE));
        List<String> failures = new ArrayList<>();
        BlockDecodeException first = null;
        for (CompressionMethod m : order) {
            if (m != CompressionMethod.NONE && m != recorded && sniff(stored, storedLen) != m) {
                continue; // only try another compressed codec when its magic is present
            }
            byte[] data;
            int length;
            try {
                if (m == CompressionMethod.NONE) {
                    data = stored;
                    length = storedLen;
                } else {
                    data = out;
                    length = decompressInto(m, stored, storedLen, out, blockSize + 1);
                }
            } catch (IOException | RuntimeException e) {
                failures.add(m + ": " + e.getMessage());
                if (first == null && m == recorded) {
                    first = new BlockDecodeException(sniff(stored, storedLen) == recorded ? Problem.BAD_FRAME : Problem.WRONG_CODEC,
                            "block " + checksum + " is not valid " + m + " data: " + e.getMessage(), e);
                }
                continue;
            }
            String actual = checksum(data, 0, length);
            if (actual.equals(checksum)) {
                if (length != blockSize) {
                    throw new BlockDecodeException(Problem.WRONG_SIZE, "block " + checksum + " decodes to "
                            + (length > blockSize && data == out ? "more than " + blockSize : String.valueOf(length))
                            + " bytes, expected " + blockSize, null);
                }
                return new Decoded(data, m, m != recorded);
            }
            failures.add(m + ": checksum " + actual);
            if (first == null && m == recorded) {
                first = new BlockDecodeException(Problem.CHECKSUM_MISMATCH, "block " + checksum + " decoded as " + m
                        + " has checksum " + actual, null);
            }
        }
        if (first != null && (first.problem() == Problem.BAD_FRAME || first.problem() == Problem.CHECKSUM_MISMATCH)) {
            throw first;
        }
        throw new BlockDecodeException(Problem.WRONG_CODEC, "block " + checksum + " is not " + recorded
                + " data and no other codec yields its checksum (" + String.join("; ", failures) + ")",
                first == null ? null : first.getCause());
    }

    /** Decompresses a compressed codec into {@code out}; returns the bytes written, at most {@code cap}. */
    private static int decompressInto(CompressionMethod method, byte[] stored, int storedLen, byte[] out, int cap)
            throws IOException {
        return switch (method) {
            case NONE -> throw new IllegalArgumentException("none is not compressed");
            case GZIP -> readCapped(new GZIPInputStream(new ByteArrayInputStream(stored, 0, storedLen), 64 << 10), out, cap);
            case LZ4 -> {
                if (!startsWith(stored, storedLen, LZ4_MAGIC)) {
                    throw new IOException("lz4: bad magic number");
                }
                try {
                    yield readCapped(new LZ4FrameInputStream(new ByteArrayInputStream(stored, 0, storedLen)), out, cap);
                } catch (IOException e) {
                    if (!linkedBlocks(e)) {
                        throw e;
                    }
                    // linked-block frame (lz4 -BD, python-lz4 defaults): lz4-java refuses, commons-compress reads it
                    yield readCapped(new FramedLZ4CompressorInputStream(new ByteArrayInputStream(stored, 0, storedLen),
                            true), out, cap);
                }
            }
        };
    }

    private static boolean linkedBlocks(IOException e) {
        return String.valueOf(e.getMessage()).contains("frame descriptor")
                || e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("Dependent block");
    }

    /** Reads at most {@code cap} bytes into {@code out}; {@code cap} means "that many or more". */
    private static int readCapped(InputStream in, byte[] out, int cap) throws IOException {
        try (in) {
            int n = 0;
            while (n < cap) {
                int r = in.read(out, n, cap - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return n;
        }
    }

    private static boolean startsWith(byte[] data, int len, byte[] magic) {
        if (len < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}

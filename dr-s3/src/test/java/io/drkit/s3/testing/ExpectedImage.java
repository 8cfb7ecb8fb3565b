package io.drkit.s3.testing;

import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The raw volume image a restore of one fixture backup must produce: {@link #size()} bytes (volume.cfg's
 * {@code Size}), every listed block at its offset, zeros (holes) elsewhere. Recomputed from the writer's deterministic
 * block contents, never held in memory as a whole. Immutable.
 */
public final class ExpectedImage {
    private final long size;
    private final int blockSize;
    private final SortedMap<Long, BlockContent> contents;
    private final SortedMap<Long, String> checksums;

    ExpectedImage(long size, int blockSize, Map<Long, BlockContent> contents, Map<Long, String> checksums) {
        this.size = size;
        this.blockSize = blockSize;
        this.contents = Collections.unmodifiableSortedMap(new TreeMap<>(contents));
        this.checksums = Collections.unmodifiableSortedMap(new TreeMap<>(checksums));
    }

    /** Image size in bytes. */
    public long size() {
        return size;
    }

    /** Block size of the backup. */
    public int blockSize() {
        return blockSize;
    }

    /** The backup's block map: offset to block checksum (what the cfg lists). */
    public SortedMap<Long, String> blocks() {
        return checksums;
    }

    /** The bytes of the block at {@code offset}, or zeros for a hole. */
    public byte[] block(long offset) {
        BlockContent c = contents.get(offset);
        return c == null ? new byte[blockSize] : c.bytes(blockSize);
    }

    /** Writes the image to {@code file} (sparse: holes are not written). */
    public void writeTo(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            for (Map.Entry<Long, BlockContent> e : contents.entrySet()) {
                ByteBuffer b = ByteBuffer.wrap(e.getValue().bytes(blockSize));
                long pos = e.getKey();
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            throw new UnavailableException("writing expected image " + file + " failed", e);
        }
    }

    /** Lower-case hex SHA-256 of the whole image (holes as zeros): compare with a restored file's digest. */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] zeros = new byte[blockSize];
            long pos = 0;
            while (pos < size) {
                int n = (int) Math.min(blockSize, size - pos);
                BlockContent c = contents.get(pos);
                md.update(c == null ? zeros : c.bytes(blockSize), 0, n);
                pos += n;
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ExpectedImage[size=" + size + ", blockSize=" + blockSize + ", blocks=" + contents.size() + "]";
    }
}

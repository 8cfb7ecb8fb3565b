package io.drkit.s3;

import java.util.Objects;

/**
 * One block of a backup that could not be restored: where it belongs in the image, which object should hold it, and
 * what is wrong with it.
 *
 * @param offset   its offset in the volume image
 * @param length   its length (the block size)
 * @param checksum its checksum, the name it is stored under
 * @param key      the object key of the block
 * @param problem  what is wrong
 * @param detail   the decoder's or the store's words for it
 */
public record DamagedBlock(long offset, long length, String checksum, String key, BlockProblem problem, String detail) {

    /** Validates. */
    public DamagedBlock {
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(problem, "problem");
        detail = detail == null ? "" : detail;
    }

    /** The image range it covers. */
    public ByteRange range() {
        return new ByteRange(offset, length);
    }
}

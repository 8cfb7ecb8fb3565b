package io.drkit.s3;

/**
 * A range of bytes in a volume image, for example a damaged range that a salvage restore filled with zeros.
 *
 * @param offset first byte
 * @param length number of bytes
 */
public record ByteRange(long offset, long length) {

    /** Validates. */
    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("invalid range " + offset + "+" + length);
        }
    }

    /** The byte after the range. */
    public long end() {
        return offset + length;
    }

    @Override
    public String toString() {
        return "[" + offset + ", " + end() + ")";
    }
}

package io.drkit.s3.internal;

/**
 * One entry of a backup's {@code Blocks} list: the block at {@code offset} is stored as {@code <checksum>.blk}.
 *
 * @param offset   byte offset in the volume (a multiple of the block size)
 * @param checksum 64 lower-case hex digits (SHA-512 prefix of the uncompressed block)
 */
public record BlockMapping(long offset, String checksum) {
}

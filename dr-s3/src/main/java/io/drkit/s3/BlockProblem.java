package io.drkit.s3;

/** What is wrong with a block that a backup references: verification reports it, a restore fails (or salvages) on it. */
public enum BlockProblem {
    /** The block object does not exist (deleted by hand, lost by the store, or garbage-collected under a live backup). */
    MISSING,
    /** The block decodes, but its SHA-512 prefix is not the checksum it is filed under (Longhorn #9765). */
    CHECKSUM_MISMATCH,
    /** The bytes carry the recorded codec's magic but the stream is corrupt: truncated LZ4 frame, gzip CRC error (#7069). */
    BAD_FRAME,
    /** The bytes are in no codec (none, gzip, lz4) that yields the recorded checksum (#7687 without a way back). */
    WRONG_CODEC,
    /** The object is empty, too large for any encoding of one block, or decodes to a different length than one block. */
    WRONG_SIZE
}

package io.drkit.s3;

/** How deeply {@link BackupVerifier} checks the blocks a backup references. */
public enum VerifyLevel {
    /**
     * Every referenced block exists (and is not an empty object): from listings of {@code blocks/} or one HEAD per
     * block, whichever takes fewer requests. Downloads no block.
     */
    METADATA,
    /**
     * {@link #METADATA}, plus a random but reproducible fraction of the distinct blocks downloaded, decoded and
     * checked against their checksum (each block is picked with the given probability by a hash of the seed and its
     * checksum, so the same seed picks the same blocks, and a block shared by several backups is checked once).
     */
    SAMPLED,
    /** Every referenced block downloaded, decoded and checked against its checksum: what a restore would read. */
    FULL
}

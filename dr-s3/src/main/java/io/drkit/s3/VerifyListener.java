package io.drkit.s3;

/**
 * Receives the progress of a verification ({@link BackupVerifier}). Methods have no-op defaults, must be fast and
 * must not throw (exceptions are caught and logged). {@link #blocksChecked} and {@link #badBlock} come from worker
 * threads, one call at a time.
 */
public interface VerifyListener {
    /** A listener that ignores everything. */
    VerifyListener NONE = new VerifyListener() { };

    /** The verification starts with {@code backups} backups in {@code volumes} volumes. */
    default void verificationStarted(VerifyLevel level, int volumes, int backups) {
    }

    /** The blocks of one volume are being checked; {@code blocks} distinct blocks are referenced. */
    default void volumeStarted(String volumeName, int backups, long blocks) {
    }

    /**
     * Progress within the current volume: checks done of those planned (one existence check per distinct block at the
     * {@code METADATA} and {@code SAMPLED} levels, plus one download per block in the sample or, at {@code FULL}, per
     * distinct block), and block bytes downloaded so far. Both only grow.
     */
    default void blocksChecked(String volumeName, long done, long total, long bytesDownloaded) {
    }

    /** A block was found missing or corrupt. */
    default void badBlock(String volumeName, String checksum, BlockProblem problem, String detail) {
    }

    /** One backup's report is ready. */
    default void backupVerified(BackupVerification report) {
    }

    /** The verification finished. */
    default void verificationFinished(VerificationResult result) {
    }
}

package io.drkit.s3;

/** How {@link BackupVerifier} established that the blocks of a volume exist; reported per backup. */
public enum PresenceCheck {
    /** Listing the volume's {@code blocks/} (one request per 1,000 block objects). */
    LISTING,
    /** One HEAD request per distinct referenced block. */
    HEAD_PER_BLOCK,
    /** Downloading every block ({@link VerifyLevel#FULL}). */
    DOWNLOAD,
    /** No block needed checking (no blocks referenced, or the backup cfg is unreadable). */
    NONE
}

package io.drkit.s3;

/**
 * The verdict on a backup or a whole verification, with the process exit code a CI job or a restore job can act on
 * (the same codes as the {@code dr verify} command). Ordered from best to worst.
 */
public enum VerifyStatus {
    /** Every checked block is present and intact. Exit code 0. */
    OK(0),
    /**
     * Restorable, but some blocks are stored in another codec than recorded (Longhorn #7687): Longhorn before 1.5.5 /
     * 1.6.2 and other tools that trust the recorded codec fail on them. Exit code 0, or 3 when strict.
     */
    WARNING(0),
    /** Missing or corrupt blocks, or an unreadable backup cfg: a restore of the backup fails. Exit code 3. */
    DAMAGED(3);

    private final int exitCode;

    VerifyStatus(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The exit code: 0 OK or warning, 3 damaged (1 and 2 are left to the CLI for errors and usage). */
    public int exitCode() {
        return exitCode;
    }

    /** The exit code when warnings count as failures if {@code strict}: 0 OK, 3 warning (strict) or damaged. */
    public int exitCode(boolean strict) {
        return strict && this == WARNING ? DAMAGED.exitCode : exitCode;
    }

    /** The worse of two verdicts. */
    public VerifyStatus worst(VerifyStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}

package io.drkit.examples.cli;

import io.drkit.core.ConflictException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;

/** The documented exit codes of the {@code dr} CLI and the restore job. */
public final class ExitCodes {
    /** Success: everything asked for was done and found in order. */
    public static final int OK = 0;
    /** A restore step failed or was cancelled, or an unexpected error happened. */
    public static final int FAILED = 1;
    /** Usage error or invalid input (a bad option, URL, selector, plan file). */
    public static final int USAGE = 2;
    /** Verification found missing or corrupt blocks. */
    public static final int DAMAGED = 3;
    /** An audit, lint or policy audit found violations. */
    public static final int VIOLATIONS = 4;
    /**
     * Retry: a backend was unreachable, refused the credentials, or timed out, or its view was incomplete (Longhorn had
     * not synced its backup target yet when the wait for it ended). Commands check every backend they need before they
     * start ({@link io.drkit.examples.support.Preflight}), so nothing was changed when this comes from the check.
     */
    public static final int UNAVAILABLE = 5;
    /** A named volume, backup or plan step does not exist. */
    public static final int NOT_FOUND = 6;
    /** Refused to overwrite or take over something that exists (a file, a volume, a bound claim). */
    public static final int CONFLICT = 7;
    /** Data in the store could not be read as Longhorn writes it. */
    public static final int BAD_DATA = 8;
    /**
     * Claims were held for a human decision and not restored (everything else was done): a restore set without a
     * consistent point with {@code --consistent-strict}, or a backup flagged by the change-rate guard with
     * {@code --on-anomaly hold} (the plan lists them as {@code INCONSISTENT_SET} / {@code CHANGE_RATE_ANOMALY} skips).
     */
    public static final int HELD = 9;

    private ExitCodes() {
    }

    /** The exit code for an exception that ended a command. */
    public static int of(Throwable e) {
        if (e instanceof InvalidInputException) {
            return USAGE;
        }
        if (e instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (e instanceof ConflictException) {
            return CONFLICT;
        }
        if (e instanceof UnavailableException || e instanceof DrTimeoutException) {
            return UNAVAILABLE;
        }
        if (e instanceof InvalidBackupDataException) {
            return BAD_DATA;
        }
        return FAILED; // cancellations and anything unexpected
    }

    /** The help text listing every code. */
    public static final String HELP = "%nExit codes:%n"
            + "  0  success%n"
            + "  1  a restore step failed or was cancelled, or an unexpected error%n"
            + "  2  usage error or invalid input (option, URL, selector, plan file)%n"
            + "  3  verification found missing or corrupt blocks%n"
            + "  4  audit, lint or policy audit found violations%n"
            + "  5  retry: a backend was unreachable, refused the credentials, or timed out (checked before%n"
            + "     anything else; the message names what was tried and the way out), or Longhorn had not%n"
            + "     synced its view yet (what was not synced is listed)%n"
            + "  6  a named volume, backup or plan step does not exist%n"
            + "  7  refused to overwrite or take over something that exists%n"
            + "  8  data in the store is not readable as Longhorn writes it%n"
            + "  9  claims were held for a human decision, the rest was done (--consistent-strict set without%n"
            + "     a consistent point, --on-anomaly hold): plan, restore, apply and the restore Job%n"
            + "  130, 143  interrupted by SIGINT, SIGTERM (restore-to-file: cancelled, partial file removed)%n";
}

package io.drkit.longhorn;

import java.util.Locale;

/**
 * What every error from {@link LonghornClient} tells beyond its dr-core type: the HTTP status Longhorn answered with
 * and Longhorn's own message (the {@code message} of its {@code {"type":"error"}} body), plus the request that failed.
 *
 * <p>The exceptions themselves are dr-core types ({@link LonghornNotFoundException} is a
 * {@link io.drkit.core.NotFoundException}, and so on), so callers that only know dr-core handle them correctly.
 */
public sealed interface LonghornApiError
        permits LonghornNotFoundException, LonghornConflictException, LonghornUnavailableException,
        LonghornRequestException {

    /** The HTTP status, or -1 when no response arrived (connection refused or reset, timeout). */
    int httpStatus();

    /** Longhorn's message from the error body; empty when the body had none (bare 404s, proxies). */
    String longhornMessage();

    /** The failed request, e.g. {@code POST /v1/volumes}, without query secrets or credentials. */
    String request();

    /**
     * Whether Longhorn refused because it does not know the backup yet: its admission webhook answers
     * {@code cannot get backup ...} (or {@code cannot get backup volume ...}) until a backup-target poll or sync has
     * created the Backup CR. Normal right after a cluster rebuild.
     */
    default boolean isBackupNotSynced() {
        String m = longhornMessage().toLowerCase(Locale.ROOT);
        return m.contains("cannot get backup") && !m.contains("from backup url");
    }
}

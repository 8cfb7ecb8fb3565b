package io.drkit.longhorn.internal;

import io.drkit.core.model.BackupTarget;
import java.util.Optional;

/** Compares backup-target URLs the way Longhorn's backupstore resolves them: scheme, bucket or server, and path. */
public final class Targets {
    private Targets() {
    }

    /** A target URL, if it parses. */
    public static Optional<BackupTarget> ofTargetUrl(String url) {
        try {
            return url == null || url.isBlank() ? Optional.empty() : Optional.of(BackupTarget.parse(url));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether two targets address the same store location (options such as {@code nfsOptions} ignored). */
    public static boolean sameLocation(BackupTarget a, BackupTarget b) {
        return a.scheme() == b.scheme() && a.host().equals(b.host()) && a.keyPrefix().equals(b.keyPrefix());
    }
}

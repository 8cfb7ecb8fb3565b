package io.drkit.core.model;

import io.drkit.core.InvalidInputException;
import io.drkit.core.internal.GoUrls;
import io.drkit.core.util.Names;
import io.drkit.core.util.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed Longhorn backup URL ({@code <target>?backup=<name>&volume=<volume>}), the value of a volume's
 * {@code fromBackup}: how backups carry their URL through the model ({@link Backup#url()}), parsed once where the text
 * comes from outside (a plan document, a backend's answer). Parameter order does not matter; other query options
 * belong to the target. {@link #url()} writes it as Longhorn does.
 *
 * @param target     the backup target (with its own query options, such as {@code nfsOptions})
 * @param backupName the backup ({@code backup=})
 * @param volumeName the original volume name in the store ({@code volume=}), never a hashed BackupVolume CR name
 */
public record BackupUrl(BackupTarget target, String backupName, String volumeName) {

    /** Validates the names as Longhorn's {@code DecodeBackupURL} does. */
    public BackupUrl {
        Objects.requireNonNull(target, "target");
        if (!Names.isBackupstoreName(backupName)) {
            throw new InvalidInputException("invalid backup name '" + backupName + "' in backup URL");
        }
        if (!Names.isBackupstoreName(volumeName)) {
            throw new InvalidInputException("invalid volume name '" + volumeName + "' in backup URL");
        }
    }

    /**
     * Parses a backup URL.
     *
     * @throws InvalidInputException when the URL lacks {@code backup=} or {@code volume=} or its target is invalid
     */
    public static BackupUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new InvalidInputException("backup URL is empty");
        }
        int q = url.indexOf('?');
        if (q < 0) {
            throw new InvalidInputException("backup URL " + Redaction.url(url) + " has no ?backup=...&volume=... query");
        }
        Map<String, String> params = new LinkedHashMap<>(GoUrls.decode(url.substring(q + 1)));
        String backup = params.remove("backup");
        String volume = params.remove("volume");
        if (backup == null || backup.isEmpty() || volume == null || volume.isEmpty()) {
            throw new InvalidInputException("backup URL " + Redaction.url(url) + " must name both backup= and volume=");
        }
        String base = url.substring(0, q);
        BackupTarget t = BackupTarget.parse(base);
        BackupTarget target = new BackupTarget(t.scheme(), t.host(), t.region(), t.path(), params);
        return new BackupUrl(target, backup, volume);
    }

    /**
     * Parses URL text from outside when it is a backup URL (a volume's {@code fromBackup} as a cluster reports it, a
     * StorageClass parameter): empty when it is not.
     */
    public static Optional<BackupUrl> find(String url) {
        try {
            return url == null || url.isBlank() ? Optional.empty() : Optional.of(parse(url));
        } catch (RuntimeException e) { // InvalidInputException, or an invalid path in a file:// target
            return Optional.empty();
        }
    }

    /**
     * Whether {@code other} names the same backup of the same volume in the same store (targets compared by server or
     * bucket and path, not by spelling, region or options).
     */
    public boolean sameBackup(BackupUrl other) {
        return other != null && backupName.equals(other.backupName) && volumeName.equals(other.volumeName)
                && target.keyPrefix().equals(other.target.keyPrefix()) && target.host().equals(other.target.host());
    }

    /** Whether URL text from outside (a volume's {@code fromBackup}) names this backup ({@link #sameBackup(BackupUrl)}). */
    public boolean sameBackupAs(String url) {
        return find(url).map(this::sameBackup).orElse(false);
    }

    /** Whether two backup URL texts name the same backup of the same volume ({@link #sameBackup(BackupUrl)}). */
    public static boolean sameBackup(String a, String b) {
        if (Objects.equals(a, b)) {
            return a != null;
        }
        return find(a).map(x -> x.sameBackupAs(b)).orElse(false);
    }

    /** The URL string, with the target's options and the two names, keys sorted as Longhorn writes it. */
    public String url() {
        return target.backupUrlText(backupName, volumeName);
    }

    @Override
    public String toString() {
        return target + (target.options().isEmpty() ? "?" : "&") + "backup=" + backupName + "&volume=" + volumeName;
    }
}

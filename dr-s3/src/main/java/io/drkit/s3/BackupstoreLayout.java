package io.drkit.s3;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.util.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every object key of a Longhorn backupstore, in one place (Longhorn's {@code getVolumePath} and friends):
 *
 * <pre>
 * &lt;prefix&gt;/backupstore/volumes/&lt;h1&gt;/&lt;h2&gt;/&lt;volume&gt;/volume.cfg
 *                                              /backups/backup_&lt;name&gt;.cfg
 *                                              /blocks/&lt;c1&gt;/&lt;c2&gt;/&lt;checksum&gt;.blk
 *                                              /locks/lock-&lt;16 hex&gt;.lck
 * &lt;prefix&gt;/backupstore/backing-images/...     &lt;prefix&gt;/backupstore/system-backups/...
 * </pre>
 *
 * {@code h1h2} are the first four hex digits of the SHA-512 of the volume name, {@code c1c2} the first four of the
 * block checksum. For object stores {@code <prefix>} is the target URL's path (as Longhorn joins it); for a
 * directory source the keys are relative to the directory that holds {@code backupstore/}. Immutable.
 */
public final class BackupstoreLayout {
    private static final Pattern HASH_DIR = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern CHECKSUM = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TEMP = Pattern.compile(".*\\.tmp\\.[0-9]+$");
    /** The lock directory Longhorn's backing-image backups use, listed among volumes. */
    public static final String BACKING_IMAGE_LOCK_VOLUME = "BACKINGIMAGE";
    /** File name of a volume's config. */
    public static final String VOLUME_CFG = "volume.cfg";
    /** The longest volume or backup name accepted: 255 bytes less {@code backup_} and {@code .cfg}. */
    public static final int MAX_NAME_LENGTH = 255 - "backup_".length() - ".cfg".length();

    private final String root;

    private BackupstoreLayout(String keyPrefix) {
        this.root = (keyPrefix.isEmpty() ? "" : keyPrefix + "/") + "backupstore/";
    }

    /**
     * The layout of {@code target}: for {@code s3://}/{@code azblob://} targets the URL path is the key prefix; for
     * file targets (NFS, CIFS, local directory) keys are relative to the mounted directory, so the prefix is empty.
     */
    public static BackupstoreLayout of(BackupTarget target) {
        Objects.requireNonNull(target, "target");
        return new BackupstoreLayout(target.scheme().isObjectStore() ? target.keyPrefix() : "");
    }

    /** A layout whose {@code backupstore/} lives under {@code keyPrefix} (no leading or trailing slash; may be empty). */
    public static BackupstoreLayout withPrefix(String keyPrefix) {
        String p = Objects.requireNonNullElse(keyPrefix, "");
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return new BackupstoreLayout(p);
    }

    /** {@code <prefix>/backupstore/}. */
    public String root() {
        return root;
    }

    /** {@code .../backupstore/volumes/}. */
    public String volumesRoot() {
        return root + "volumes/";
    }

    /** {@code .../volumes/<h1>/<h2>/<volume>/}. */
    public String volumeDir(String volume) {
        String h = volumeHash(volume);
        return volumesRoot() + h.substring(0, 2) + "/" + h.substring(2, 4) + "/" + volume + "/";
    }

    /** {@code .../<volume>/volume.cfg}. */
    public String volumeCfg(String volume) {
        return volumeDir(volume) + VOLUME_CFG;
    }

    /** {@code .../<volume>/backups/}. */
    public String backupsDir(String volume) {
        return volumeDir(volume) + "backups/";
    }

    /** {@code .../<volume>/backups/backup_<name>.cfg}. */
    public String backupCfg(String volume, String backup) {
        return backupsDir(volume) + "backup_" + backup + ".cfg";
    }

    /** {@code .../<volume>/blocks/}. */
    public String blocksDir(String volume) {
        return volumeDir(volume) + "blocks/";
    }

    /** {@code .../<volume>/blocks/<c1>/<c2>/<checksum>.blk}. */
    public String blockKey(String volume, String checksum) {
        requireChecksum(checksum);
        return blocksDir(volume) + checksum.substring(0, 2) + "/" + checksum.substring(2, 4) + "/" + checksum + ".blk";
    }

    /** {@code .../<volume>/locks/}. */
    public String locksDir(String volume) {
        return volumeDir(volume) + "locks/";
    }

    /** {@code .../<volume>/locks/<lockName>.lck}. */
    public String lockKey(String volume, String lockName) {
        return locksDir(volume) + lockName + ".lck";
    }

    /** {@code .../backupstore/system-backups/}. */
    public String systemBackupsRoot() {
        return root + "system-backups/";
    }

    /** {@code .../system-backups/<version>/<name>/system-backup.cfg}. */
    public String systemBackupCfg(String longhornVersion, String name) {
        return systemBackupsRoot() + longhornVersion + "/" + name + "/system-backup.cfg";
    }

    /** {@code .../backupstore/backing-images/}. */
    public String backingImagesRoot() {
        return root + "backing-images/";
    }

    /** {@code .../backing-images/backing-images/<name>/backing-image.cfg}. */
    public String backingImageCfg(String name) {
        return backingImagesRoot() + "backing-images/" + name + "/backing-image.cfg";
    }

    /** {@code .../backing-images/blocks/<c1>/<c2>/<checksum>.blk} (one pool shared by all backing images). */
    public String backingImageBlockKey(String checksum) {
        requireChecksum(checksum);
        return backingImagesRoot() + "blocks/" + checksum.substring(0, 2) + "/" + checksum.substring(2, 4) + "/"
                + checksum + ".blk";
    }

    /** The backup name in a {@code backup_<name>.cfg} file name or key, if it is one with a valid name. */
    public static Optional<String> backupNameOf(String keyOrFileName) {
        String f = keyOrFileName.substring(keyOrFileName.lastIndexOf('/') + 1);
        if (!f.startsWith("backup_") || !f.endsWith(".cfg")) {
            return Optional.empty();
        }
        String name = f.substring("backup_".length(), f.length() - ".cfg".length());
        return isValidName(name) ? Optional.of(name) : Optional.empty();
    }

    /**
     * Whether Longhorn's backupstore accepts {@code name} for a volume or backup ({@code ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$})
     * and it fits in a file name: at most {@link #MAX_NAME_LENGTH} characters, so that {@code backup_<name>.cfg} stays
     * within the 255 bytes file systems allow (Longhorn's own names are far shorter: volumes at most 40 characters,
     * backups {@code backup-<16 hex>}).
     */
    public static boolean isValidName(String name) {
        return Names.isBackupstoreName(name) && name.length() <= MAX_NAME_LENGTH;
    }

    /** Whether {@code name} is a two-digit lower-case hex directory ({@code h1}, {@code h2}). */
    public static boolean isHashDir(String name) {
        return name != null && HASH_DIR.matcher(name).matches();
    }

    /** Whether {@code name} is a temporary file left by an interrupted file-driver write ({@code *.tmp.<digits>}). */
    public static boolean isTempFile(String name) {
        return name != null && TEMP.matcher(name).matches();
    }

    /**
     * Longhorn's {@code GetChecksum(volumeName)}: lower-case hex SHA-512, first 64 digits. The first four digits are
     * the two hash directories.
     */
    public static String volumeHash(String volume) {
        Objects.requireNonNull(volume, "volume");
        return sha512Prefix(volume.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex SHA-512 of {@code data}, first 64 digits: Longhorn's block and volume checksum. */
    public static String sha512Prefix(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-512").digest(data);
            return HexFormat.of().formatHex(d, 0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JVM", e);
        }
    }

    private static void requireChecksum(String checksum) {
        if (checksum == null || !CHECKSUM.matcher(checksum).matches()) {
            throw new InvalidInputException("block checksum '" + checksum + "' is not 64 lower-case hex digits");
        }
    }

    @Override
    public String toString() {
        return "BackupstoreLayout[" + root + "]";
    }
}

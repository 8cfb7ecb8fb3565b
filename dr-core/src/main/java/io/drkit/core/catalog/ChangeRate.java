package io.drkit.core.catalog;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How much of a volume one backup changed: the fraction of the volume's data blocks that differ from the previous
 * complete backup of the same volume, and how that number was obtained.
 *
 * <ul>
 *   <li>{@link Basis#EXACT}: counted from the two backups' block lists ({@code {offset → checksum}}): a block slot
 *       counts as changed when it is listed in only one of them or with different checksums; the fraction is changed
 *       slots over the slots listed in either (the blocks that hold data), so an encrypted or reformatted volume
 *       reads near 100 % however much of it is empty.</li>
 *   <li>{@link Basis#ESTIMATE}: from Longhorn's own bookkeeping (1.7+): {@code newlyUploadDataSize} (compressed bytes
 *       of blocks whose content the store did not hold yet) over the backup's logical size. Compression makes it
 *       lower than the exact fraction for compressible data (but not for encrypted data, which does not compress),
 *       and blocks whose new content already existed in the store (zeros, reverted data) are not counted.</li>
 *   <li>{@link Basis#UNKNOWN}: not known; {@link #detail()} says why (the first backup of a volume, a backend that
 *       cannot tell, Longhorn before 1.7, block sizes that differ, an unreadable block list).
 *       {@link #fraction()} is {@code NaN}.</li>
 * </ul>
 *
 * @param volumeName     the backup volume
 * @param backupName     the backup judged
 * @param previousBackup the complete backup it is compared with (the one before it in the volume), when there is one
 * @param basis          how the number was obtained
 * @param fraction       0 to 1, or {@code NaN} when unknown
 * @param changedBlocks  changed block slots (exact), or block equivalents of the uploaded bytes (estimate); 0 when
 *                       unknown
 * @param comparedBlocks block slots holding data in either backup (exact), or the backup's logical size in blocks
 *                       (estimate); 0 when unknown
 * @param detail         how it was obtained, or why it is unknown
 */
public record ChangeRate(String volumeName, String backupName, Optional<String> previousBackup, Basis basis,
                         double fraction, long changedBlocks, long comparedBlocks, String detail) {

    /** How a change rate was obtained. */
    public enum Basis {
        /** Counted from the block lists. */
        EXACT,
        /** Estimated from the uploaded byte counts Longhorn reports. */
        ESTIMATE,
        /** Not known. */
        UNKNOWN;

        /** Lower-case name, as shown and written in JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates. */
    public ChangeRate {
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(backupName, "backupName");
        previousBackup = Objects.requireNonNullElse(previousBackup, Optional.<String>empty()).filter(s -> !s.isEmpty());
        Objects.requireNonNull(basis, "basis");
        detail = Objects.requireNonNullElse(detail, "");
        if (basis == Basis.UNKNOWN) {
            fraction = Double.NaN;
            changedBlocks = 0;
            comparedBlocks = 0;
        } else if (!(fraction >= 0 && fraction <= 1) || changedBlocks < 0 || comparedBlocks < 0) {
            throw new IllegalArgumentException("change rate of " + volumeName + "/" + backupName + " out of range: "
                    + fraction + " (" + changedBlocks + " of " + comparedBlocks + " blocks)");
        }
    }

    /**
     * A rate counted from block lists: {@code changed} of {@code compared} block slots (listed in either backup).
     */
    public static ChangeRate exact(String volumeName, String backupName, String previousBackup, long changed,
                                   long compared) {
        if (changed > compared) {
            throw new IllegalArgumentException("changed blocks " + changed + " exceed compared blocks " + compared);
        }
        double f = compared == 0 ? 0 : (double) changed / compared;
        return new ChangeRate(volumeName, backupName, Optional.ofNullable(previousBackup), Basis.EXACT, f, changed,
                compared, "block lists compared with " + previousBackup);
    }

    /**
     * A rate estimated from Longhorn's {@code newlyUploadDataSize}: {@code uploadedBytes} (compressed bytes of new
     * blocks) over {@code backupBytes} (the backup's logical size), at most 1. Unknown when the backup's size is not
     * positive.
     */
    public static ChangeRate estimate(String volumeName, String backupName, String previousBackup, long uploadedBytes,
                                      long backupBytes, long blockSize) {
        if (backupBytes <= 0 || uploadedBytes < 0 || blockSize <= 0) {
            return unknown(volumeName, backupName, previousBackup, "Longhorn reports no usable sizes (size "
                    + backupBytes + ", newlyUploadDataSize " + uploadedBytes + ")");
        }
        double f = Math.min(1.0, (double) uploadedBytes / backupBytes);
        long compared = Math.max(1, (backupBytes + blockSize - 1) / blockSize);
        long changed = Math.min(compared, (uploadedBytes + blockSize - 1) / blockSize);
        return new ChangeRate(volumeName, backupName, Optional.ofNullable(previousBackup), Basis.ESTIMATE, f, changed,
                compared, "estimate: Longhorn uploaded " + uploadedBytes + " new (compressed) bytes for a backup of "
                + backupBytes + " bytes");
    }

    /** A rate that is not known, and why. */
    public static ChangeRate unknown(String volumeName, String backupName, String previousBackup, String why) {
        return new ChangeRate(volumeName, backupName, Optional.ofNullable(previousBackup), Basis.UNKNOWN, Double.NaN,
                0, 0, why);
    }

    /** Whether the rate is known (exact or estimated). */
    public boolean isKnown() {
        return basis != Basis.UNKNOWN;
    }

    /** The rate as a percentage with one decimal ({@code "37.5%"}), or {@code "unknown"}. */
    public String percent() {
        return isKnown() ? percent(fraction) : "unknown";
    }

    /** A fraction as a percentage with one decimal, e.g. {@code 0.375 → "37.5%"}. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    @Override
    public String toString() {
        if (!isKnown()) {
            return volumeName + "/" + backupName + ": change rate unknown (" + detail + ")";
        }
        return volumeName + "/" + backupName + ": " + percent() + " changed since " + previousBackup.orElse("?") + " ("
                + basis.wireName() + ", " + changedBlocks + " of " + comparedBlocks + " blocks)";
    }
}

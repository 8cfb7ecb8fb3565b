package io.drkit.s3;

import io.drkit.core.InvalidBackupDataException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown by a restore (without salvage) when a block the backup references is missing or corrupt. The message names
 * the block checksum, its object key and its offset; {@link #block()} has them as values. Like Longhorn, the restore
 * stops at the first such block; verification ({@link BackupVerifier}) lists all of them.
 */
public class DamagedBlockException extends InvalidBackupDataException {
    private static final long serialVersionUID = 1L;
    private final String volumeName;
    private final String backupName;
    private final transient DamagedBlock block;

    /** Creates the exception for {@code block} of backup {@code backupName} of volume {@code volumeName}. */
    public DamagedBlockException(String volumeName, String backupName, DamagedBlock block) {
        super(Objects.requireNonNull(block, "block").key(), message(volumeName, backupName, block));
        this.volumeName = volumeName;
        this.backupName = backupName;
        this.block = block;
    }

    private static String message(String volume, String backup, DamagedBlock b) {
        String what = b.problem() == BlockProblem.MISSING ? "is missing"
                : "is corrupt (" + b.problem().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + b.detail() + ")";
        return "block " + b.checksum() + " at offset " + b.offset() + " of backup " + backup + " of volume " + volume
                + " " + what;
    }

    /** The volume. */
    public String volumeName() {
        return volumeName;
    }

    /** The backup. */
    public String backupName() {
        return backupName;
    }

    /** The block: offset, checksum, key, problem. */
    public DamagedBlock block() {
        return block;
    }
}

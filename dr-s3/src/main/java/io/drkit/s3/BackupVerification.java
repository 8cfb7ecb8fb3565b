package io.drkit.s3;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verification report of one backup.
 *
 * @param volumeName         volume
 * @param backupName         backup
 * @param status             verdict
 * @param blocksReferenced   entries in the backup's {@code Blocks} list (offsets)
 * @param presenceChecked    entries whose block was checked to exist
 * @param contentChecked     entries whose block was downloaded, decoded and verified
 * @param missing            referenced blocks that do not exist, each with every offset using it
 * @param corrupt            referenced blocks that exist but do not hold the block, each with what is wrong
 * @param codecFallbacks     distinct blocks readable only in another codec than recorded (status {@code WARNING})
 * @param bytesDownloaded    block bytes downloaded for this backup (a block shared with backups verified earlier in
 *                           the same run is counted where it was first downloaded)
 * @param presenceCheck      how existence was established
 * @param problem            why the backup cannot be checked at all (unreadable cfg, malformed {@code Blocks}), if so
 */
public record BackupVerification(String volumeName, String backupName, VerifyStatus status, long blocksReferenced,
                                 long presenceChecked, long contentChecked, List<BadBlock> missing,
                                 List<BadBlock> corrupt, long codecFallbacks, long bytesDownloaded,
                                 PresenceCheck presenceCheck, Optional<String> problem) {

    /** Validates and copies. */
    public BackupVerification {
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(backupName, "backupName");
        Objects.requireNonNull(status, "status");
        missing = List.copyOf(missing);
        corrupt = List.copyOf(corrupt);
        problem = Objects.requireNonNullElse(problem, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    /** Whether a restore of this backup would succeed as far as this verification looked. */
    public boolean restorable() {
        return status != VerifyStatus.DAMAGED;
    }

    /** Missing and corrupt blocks together. */
    public List<BadBlock> badBlocks() {
        return java.util.stream.Stream.concat(missing.stream(), corrupt.stream()).toList();
    }
}

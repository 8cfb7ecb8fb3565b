package io.drkit.s3;

import io.drkit.core.catalog.SkippedEntry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a verification run: a verdict with an exit code, and one report per backup.
 *
 * @param level           how deeply blocks were checked
 * @param sampleFraction  for {@link VerifyLevel#SAMPLED}, the fraction of distinct blocks downloaded (else 1 or 0)
 * @param seed            the seed that picked the sample: pass it again to check the same blocks
 * @param status          the worst verdict of all backups ({@link VerifyStatus#OK} when there were none)
 * @param backups         one report per verified backup, by volume, newest backup first
 * @param skipped         what was not verified and why: in-progress backups, backups deleted during the run
 * @param distinctBlocks  distinct blocks looked at
 * @param bytesDownloaded block bytes downloaded
 * @param requests        store requests the run made (cfgs included)
 * @param elapsed         wall time
 */
public record VerificationResult(VerifyLevel level, double sampleFraction, long seed, VerifyStatus status,
                                 List<BackupVerification> backups, List<SkippedEntry> skipped, long distinctBlocks,
                                 long bytesDownloaded, RequestCounts requests, Duration elapsed) {

    /** Validates and copies. */
    public VerificationResult {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(status, "status");
        backups = List.copyOf(backups);
        skipped = List.copyOf(skipped);
    }

    /** The process exit code of the verdict: 0 OK (warnings included), 3 damaged. */
    public int exitCode() {
        return status.exitCode();
    }

    /** The process exit code with warnings counted as failures when {@code strict}: 0 OK, 3 warnings or damage. */
    public int exitCode(boolean strict) {
        return status.exitCode(strict);
    }

    /** The report of one backup, if it was verified. */
    public Optional<BackupVerification> find(String volumeName, String backupName) {
        return backups.stream().filter(b -> b.volumeName().equals(volumeName) && b.backupName().equals(backupName))
                .findFirst();
    }

    /** The backups a restore would fail on. */
    public List<BackupVerification> damaged() {
        return backups.stream().filter(b -> b.status() == VerifyStatus.DAMAGED).toList();
    }

    /** One line for humans. */
    public String summary() {
        long missing = backups.stream().mapToLong(b -> b.missing().size()).sum();
        long corrupt = backups.stream().mapToLong(b -> b.corrupt().size()).sum();
        return String.format(Locale.ROOT, "%s: %d backups verified (%s%s), %d damaged, %d missing and %d corrupt block "
                        + "references, %d distinct blocks, %s downloaded, %d skipped, %s", status, backups.size(),
                level.name().toLowerCase(Locale.ROOT),
                level == VerifyLevel.SAMPLED ? String.format(Locale.ROOT, " %.3g seed %d", sampleFraction, seed) : "",
                damaged().size(), missing, corrupt, distinctBlocks, io.drkit.core.util.Sizes.human(bytesDownloaded),
                skipped.size(), requests);
    }
}

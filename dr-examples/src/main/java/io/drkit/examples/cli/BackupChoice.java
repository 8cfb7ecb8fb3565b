package io.drkit.examples.cli;

import io.drkit.core.InvalidInputException;
import io.drkit.s3.BackupSelection;
import java.time.Instant;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Which backup of one volume a command reads straight from the store ({@code restore-to-file}, {@code serve-nbd}):
 * {@code VOLUME [--backup NAME | --as-of TIME]}, default the newest complete backup by the one rule.
 */
final class BackupChoice {
    @Parameters(index = "0", paramLabel = "VOLUME", description = "The volume (its original name in the store).")
    String volume;

    @Option(names = "--backup", paramLabel = "NAME", description = "This backup (default: the newest complete one).")
    String backup;

    @Option(names = "--as-of", paramLabel = "TIME", converter = InstantConverter.class,
            description = "The newest complete backup at or before this ISO-8601 time.")
    Instant asOf;

    /**
     * The selection the options name.
     *
     * @throws InvalidInputException when both {@code --backup} and {@code --as-of} are given
     */
    BackupSelection selection() {
        if (backup != null && asOf != null) {
            throw new InvalidInputException("give --backup or --as-of, not both");
        }
        return backup != null ? BackupSelection.named(volume, backup)
                : asOf != null ? BackupSelection.newestAtOrBefore(volume, asOf) : BackupSelection.newest(volume);
    }
}

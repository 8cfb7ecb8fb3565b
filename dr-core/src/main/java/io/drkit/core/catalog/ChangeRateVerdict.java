package io.drkit.core.catalog;

import java.util.Objects;

/**
 * What {@link ChangeRateRule} says about one backup's {@link ChangeRate}.
 *
 * @param rate      the rate judged
 * @param status    the verdict
 * @param usualRate the median of the earlier known rates of the volume ({@code NaN} when there were none)
 * @param history   how many earlier known rates were used
 * @param threshold the rate from which the backup would be an anomaly ({@code NaN} when not judged)
 * @param detail    a sentence for a reviewer
 */
public record ChangeRateVerdict(ChangeRate rate, Status status, double usualRate, int history, double threshold,
                                String detail) {

    /** Verdicts. */
    public enum Status {
        /** The rate is within what the volume usually changes. */
        NORMAL,
        /** The rate is far above what the volume usually changes: ransomware, a runaway job, a wrong {@code mkfs}? */
        ANOMALY,
        /** The rate is unknown, or too few earlier rates are known to tell what is usual. */
        NOT_JUDGED
    }

    /** Validates. */
    public ChangeRateVerdict {
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(status, "status");
        detail = Objects.requireNonNullElse(detail, "");
    }

    /** Whether the backup is flagged. */
    public boolean isAnomaly() {
        return status == Status.ANOMALY;
    }

    /** The usual rate as a percentage, or {@code "unknown"}. */
    public String usualPercent() {
        return Double.isNaN(usualRate) ? "unknown" : ChangeRate.percent(usualRate);
    }

    @Override
    public String toString() {
        return status + " " + rate.volumeName() + "/" + rate.backupName() + ": " + detail;
    }
}

package io.drkit.core.plan;

import io.drkit.core.InvalidInputException;
import java.util.Locale;

/**
 * What the planner does when the backup a claim would restore changed far more of its volume than usual
 * ({@link io.drkit.core.catalog.ChangeRateRule}): the change-rate guard's policy.
 */
public enum AnomalyPolicy {
    /** Plan the newest backup anyway, with a {@link PlanWarning.Kind#CHANGE_RATE_ANOMALY} warning (the default). */
    WARN,
    /**
     * Plan the newest backup before the anomaly instead (walking back past consecutive anomalous backups, at most
     * {@value DefaultRestorePlanner#MAX_ANOMALY_WALK}), with a warning naming what was passed over.
     */
    PREVIOUS,
    /** Skip the claim ({@link PlanSkip.SkipReason#CHANGE_RATE_ANOMALY}) so that a human decides. */
    HOLD,
    /** Do not check change rates (nothing is read for them). */
    OFF;

    /** The lower-case name used on command lines and in plan files. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code warn}, {@code previous}, {@code hold} or {@code off} (any case).
     *
     * @throws InvalidInputException naming the accepted values
     */
    public static AnomalyPolicy parse(String text) {
        for (AnomalyPolicy p : values()) {
            if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new InvalidInputException("unknown change-rate anomaly policy '" + text + "': use warn, previous, hold or off");
    }
}

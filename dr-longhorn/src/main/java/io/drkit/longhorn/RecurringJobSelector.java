package io.drkit.longhorn;

/**
 * One entry of a volume's recurring-job selection, as Longhorn's REST API takes it ({@code recurringJobSelector} on
 * create, {@code recurringJobAdd}) and lists it ({@code recurringJobList}). Longhorn turns it into the volume label
 * {@code recurring-job.longhorn.io/<name>: enabled}, or {@code recurring-job-group.longhorn.io/<name>: enabled} for a
 * group.
 *
 * @param name    job or group name
 * @param isGroup whether {@code name} is a group
 */
public record RecurringJobSelector(String name, boolean isGroup) {

    /** Validates. */
    public RecurringJobSelector {
        if (name == null || name.isBlank()) {
            throw new io.drkit.core.InvalidInputException("recurring job or group name is empty");
        }
    }

    /** A recurring-job group. */
    public static RecurringJobSelector group(String name) {
        return new RecurringJobSelector(name, true);
    }

    /** A single recurring job. */
    public static RecurringJobSelector job(String name) {
        return new RecurringJobSelector(name, false);
    }
}

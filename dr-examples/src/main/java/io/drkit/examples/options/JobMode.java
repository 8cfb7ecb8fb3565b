package io.drkit.examples.options;

/** What the restore Job does with its plan ({@code DRKIT_MODE}). */
public enum JobMode {
    /** Plan, print the plan, then restore. */
    APPLY("apply"),
    /** Plan and print the plan; change nothing. */
    PLAN("plan");

    private final String value;

    JobMode(String value) {
        this.value = value;
    }

    /** The configuration value. */
    public String value() {
        return value;
    }
}

package io.drkit.examples.options;

/** Where a user gives options: the {@code dr} command line or the restore Job's environment. */
public enum Surface {
    /** The {@code dr} command line: {@code --flags}, and {@code DRKIT_*} environment keys where an option has one. */
    CLI,
    /** The restore Job: {@code DRKIT_*} environment keys only (from its ConfigMap); unknown {@code DRKIT_*} keys are refused. */
    JOB
}

/**
 * One options model for the {@code dr} command line and the restore Job: the table of options
 * ({@link io.drkit.examples.options.DrOptions}: flag, {@code DRKIT_*} key, type, default, description), what a user
 * gave on either surface ({@link io.drkit.examples.options.OptionValues}: flag, then key, then default; errors name
 * the flag or key used), and the one mapping to the pipeline's inputs
 * ({@link io.drkit.examples.options.RestoreOptions}: the restore request, the executor settings, the backup source).
 * The CLI's flags and help, the Job's {@code --help} and unknown-key check, and the README's tables come from here.
 */
package io.drkit.examples.options;

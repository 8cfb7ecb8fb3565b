package io.drkit.examples.cli;

import java.util.List;

/**
 * The log levels of a {@code dr} process (slf4j-simple, on standard error), set from {@code -q}, {@code -v} and
 * {@code --debug} before any logger exists (slf4j-simple fixes a logger's level when it is made). By default the
 * warnings a command reports itself are not logged, so that each skipped entry, unsynced view or failed step is
 * reported once, in the command's output; {@code -q} logs errors only; {@code -v} logs every warning; {@code --debug}
 * also logs drkit's debug lines. A level given with {@code -Dorg.slf4j.simpleLogger...} wins.
 */
final class LogLevels {
    /** The loggers whose warnings a command reports itself: skipped catalog entries, unsynced views, failed steps. */
    static final List<String> REPORTED = List.of("io.drkit.s3.BackupstoreCatalog",
            "io.drkit.kubernetes.LonghornCrdCatalog", "io.drkit.longhorn.LonghornBackupCatalog", "io.drkit.longhorn.http",
            "io.drkit.core.execute.RestoreExecutor",
            "io.drkit.core.catalog.SyncedView");

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    /** How much a {@code dr} process logs. */
    enum Verbosity {
        /** {@code -q}: errors only. */
        QUIET,
        /** Warnings, but not those the command reports itself. */
        NORMAL,
        /** {@code -v}: every warning. */
        VERBOSE,
        /** {@code --debug}: every warning and drkit's debug lines. */
        DEBUG;

        /** The verbosity {@code args} ask for (the flags before a {@code --}); the most verbose flag wins. */
        static Verbosity of(String... args) {
            Verbosity v = NORMAL;
            boolean quiet = false;
            for (String a : args) {
                if (a.equals("--")) {
                    break;
                }
                switch (a) {
                    case "--debug" -> v = DEBUG;
                    case "-v", "--verbose" -> v = v == DEBUG ? DEBUG : VERBOSE;
                    case "-q", "--quiet" -> quiet = true;
                    default -> {
                    }
                }
            }
            return quiet && v == NORMAL ? QUIET : v;
        }
    }

    private LogLevels() {
    }

    /** Sets the levels of {@code v}; call before the first logger is made. */
    static void configure(Verbosity v) {
        switch (v) {
            case QUIET -> set("defaultLogLevel", "error");
            case NORMAL -> REPORTED.forEach(name -> set("log." + name, "error"));
            case VERBOSE -> {
            }
            case DEBUG -> set("log.io.drkit", "debug");
        }
    }

    private static void set(String key, String level) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, level);
        }
    }
}

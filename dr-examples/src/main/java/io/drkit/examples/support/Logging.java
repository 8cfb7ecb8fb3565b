package io.drkit.examples.support;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Quietens java.util.logging for the example programs: the in-process Kubernetes API (fabric8's mock server) logs
 * every request at INFO through it. slf4j-simple is configured by {@code simplelogger.properties}.
 */
public final class Logging {
    private static final Logger ROOT = LogManager.getLogManager().getLogger("");

    private Logging() {
    }

    /** Only warnings and errors from java.util.logging, unless the user configured it ({@code java.util.logging.config.file}). */
    public static void quiet() {
        if (System.getProperty("java.util.logging.config.file") == null && System.getProperty("java.util.logging.config.class") == null) {
            ROOT.setLevel(Level.WARNING);
            for (var h : ROOT.getHandlers()) {
                h.setLevel(Level.WARNING);
            }
        }
    }
}

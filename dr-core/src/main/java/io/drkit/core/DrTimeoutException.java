package io.drkit.core;

import java.time.Duration;

/** Thrown when a wait (a restore, a sync, a PV becoming Available) did not finish within its timeout. */
public class DrTimeoutException extends DrException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    /** Creates the exception; the message names what was awaited, {@code timeout} how long we waited. */
    public DrTimeoutException(String message, Duration timeout) {
        super(message + " (timed out after " + format(timeout) + ")");
        this.timeout = timeout;
    }

    /** Creates the exception with the backend's own timeout error as cause. */
    public DrTimeoutException(String message, Duration timeout, Throwable cause) {
        super(message + " (timed out after " + format(timeout) + ")", cause);
        this.timeout = timeout;
    }

    /** How long the caller waited. */
    public Duration timeout() {
        return timeout;
    }

    private static String format(Duration d) {
        if (d == null) {
            return "?";
        }
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        return s < 120 ? s + " s" : d.toMinutes() + " min";
    }
}

package io.drkit.core;

import java.util.OptionalInt;

/**
 * Thrown when a backend cannot be reached or refuses to serve: connection refused or reset, HTTP 5xx after
 * retries, throttling that did not clear, bad credentials, a backup target Longhorn reports as unavailable.
 */
public class UnavailableException extends DrException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /** Creates the exception without an HTTP status. */
    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** Creates the exception without an HTTP status or cause. */
    public UnavailableException(String message) {
        super(message);
        this.status = -1;
    }

    /** Creates the exception for a response with HTTP {@code status}. */
    public UnavailableException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the backend answered with, if the failure was an HTTP response. */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}

package io.drkit.longhorn;

import io.drkit.core.UnavailableException;

/**
 * Longhorn could not be reached or failed on its side: connection refused or reset, a timeout, HTTP 502/503/504, or a
 * 5xx that persisted through the client's retries. The I/O error, if any, is the cause.
 */
public final class LonghornUnavailableException extends UnavailableException implements LonghornApiError {
    private static final long serialVersionUID = 1L;
    private final String longhornMessage;
    private final String request;

    /** Creates the exception; {@code status} is -1 when no response arrived. */
    public LonghornUnavailableException(String message, int status, String longhornMessage, String request,
                                        Throwable cause) {
        super(message, status, cause);
        this.longhornMessage = longhornMessage == null ? "" : longhornMessage;
        this.request = request == null ? "" : request;
    }

    @Override
    public int httpStatus() {
        return status().orElse(-1);
    }

    @Override
    public String longhornMessage() {
        return longhornMessage;
    }

    @Override
    public String request() {
        return request;
    }
}

package io.drkit.longhorn;

import io.drkit.core.ConflictException;

/** Longhorn refused because the object already exists (HTTP 409, or a 500 whose message says {@code already exists}). */
public final class LonghornConflictException extends ConflictException implements LonghornApiError {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String longhornMessage;
    private final String request;

    /** Creates the exception; {@code message} names the object and the place. */
    public LonghornConflictException(String message, int status, String longhornMessage, String request) {
        super(message);
        this.status = status;
        this.longhornMessage = longhornMessage == null ? "" : longhornMessage;
        this.request = request == null ? "" : request;
    }

    @Override
    public int httpStatus() {
        return status;
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

package io.drkit.longhorn;

import io.drkit.core.InvalidInputException;

/**
 * Longhorn refused the request itself: a 4xx other than 404/409 (405 means the endpoint does not exist in this
 * Longhorn version), or a 500 carrying a validation or admission-webhook rejection ({@code denied the request},
 * {@code invalid ...}). The message names the request and quotes Longhorn.
 */
public final class LonghornRequestException extends InvalidInputException implements LonghornApiError {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String longhornMessage;
    private final String request;

    /** Creates the exception; {@code message} names the object and the place. */
    public LonghornRequestException(String message, int status, String longhornMessage, String request) {
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

    /** Whether the endpoint does not exist in this Longhorn version (HTTP 405, or a bare 404 from the router). */
    public boolean isUnsupportedEndpoint() {
        return status == 405;
    }
}

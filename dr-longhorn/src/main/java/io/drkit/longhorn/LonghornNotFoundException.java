package io.drkit.longhorn;

import io.drkit.core.NotFoundException;

/**
 * Longhorn answered 404 (with or without an error body), or refused a restore because it does not know the backup
 * yet ({@link #isBackupNotSynced()}, which Longhorn reports as a 500).
 */
public final class LonghornNotFoundException extends NotFoundException implements LonghornApiError {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String longhornMessage;
    private final String request;

    /** Creates the exception; {@code message} names the missing object and the place. */
    public LonghornNotFoundException(String message, int status, String longhornMessage, String request) {
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

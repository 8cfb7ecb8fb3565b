package io.drkit.core;

/**
 * Thrown when carrying out a step would overwrite or take over something that is not ours: a Longhorn
 * volume of the same name restored from a different backup, a PVC bound to another volume, a PV bound to
 * another claim. Nothing has been changed when it is thrown.
 */
public class ConflictException extends DrException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names both the existing object and what we wanted. */
    public ConflictException(String message) {
        super(message);
    }

    /** Creates the exception with the backend error (for example an HTTP 409) as cause. */
    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}

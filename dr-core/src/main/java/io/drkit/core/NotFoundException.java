package io.drkit.core;

/** Thrown by {@code getX}/{@code requireX} methods when the named object does not exist ({@code findX} returns empty instead). */
public class NotFoundException extends DrException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message should name the missing object. */
    public NotFoundException(String message) {
        super(message);
    }

    /** Creates the exception with the backend error that reported the absence. */
    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

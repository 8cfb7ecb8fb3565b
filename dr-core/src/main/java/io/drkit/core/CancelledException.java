package io.drkit.core;

/** Thrown by a long operation (scan, restore, verification, plan execution) that was cancelled or interrupted. */
public class CancelledException extends DrException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the operation that stopped. */
    public CancelledException(String message) {
        super(message);
    }

    /** Creates the exception for an interrupt; callers restore the thread's interrupt flag first. */
    public CancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}

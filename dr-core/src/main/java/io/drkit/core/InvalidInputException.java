package io.drkit.core;

/**
 * Thrown for bad input from the caller: a malformed backup-target URL, a PVC reference that is not
 * {@code namespace/name}, a name template that yields an invalid Kubernetes name, a plan document with an
 * unknown schema version. The message names the offending value and where it came from.
 */
public class InvalidInputException extends DrException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the bad value and its origin. */
    public InvalidInputException(String message) {
        super(message);
    }

    /** Creates the exception with the parser's error as cause. */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

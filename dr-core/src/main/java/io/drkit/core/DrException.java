package io.drkit.core;

/**
 * Root of the one unchecked exception hierarchy every drkit module throws.
 *
 * <p>Backends translate their native errors (S3, HTTP, Kubernetes) into a subclass at their boundary and
 * keep the native exception as the {@linkplain #getCause() cause}. Messages name the object and the place
 * (volume, backup, object key, offset, HTTP status).
 */
public class DrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message naming what went wrong and where. */
    public DrException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying (often backend-native) cause. */
    public DrException(String message, Throwable cause) {
        super(message, cause);
    }
}

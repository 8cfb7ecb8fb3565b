package io.drkit.core;

import java.util.Optional;

/**
 * Thrown when data read from a backupstore or a backend is malformed: an unreadable {@code volume.cfg}, a
 * backup cfg that is not JSON, a block whose checksum does not match, an unparsable label.
 *
 * <p>{@link #location()} names where the bad data lives (an object key, a file path, a CR name).
 */
public class InvalidBackupDataException extends DrException {
    private static final long serialVersionUID = 1L;
    private final String location;
    private final String reason;

    /** Creates the exception for bad data found at {@code location}. */
    public InvalidBackupDataException(String location, String message) {
        super(location == null || location.isEmpty() ? message : message + " (at " + location + ")");
        this.location = location;
        this.reason = message;
    }

    /** Creates the exception for bad data found at {@code location}, with the parser's error as cause. */
    public InvalidBackupDataException(String location, String message, Throwable cause) {
        super(location == null || location.isEmpty() ? message : message + " (at " + location + ")", cause);
        this.location = location;
        this.reason = message;
    }

    /**
     * What is wrong, without the {@code (at location)} the message adds: for reports that name the location anyway
     * (a skipped entry, a wrapping error), so that it is not repeated.
     */
    public String reason() {
        return reason == null ? getMessage() : reason;
    }

    /** Where the bad data lives, when known. */
    public Optional<String> location() {
        return Optional.ofNullable(location).filter(s -> !s.isEmpty());
    }
}

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

    /** Creates the exception for bad data found at {@code location}. */
    public InvalidBackupDataException(String location, String message) {
        super(location == null || location.isEmpty() ? message : message + " (at " + location + ")");
        this.location = location;
    }

    /** Creates the exception for bad data found at {@code location}, with the parser's error as cause. */
    public InvalidBackupDataException(String location, String message, Throwable cause) {
        super(location == null || location.isEmpty() ? message : message + " (at " + location + ")", cause);
        this.location = location;
    }

    /** Where the bad data lives, when known. */
    public Optional<String> location() {
        return Optional.ofNullable(location).filter(s -> !s.isEmpty());
    }
}

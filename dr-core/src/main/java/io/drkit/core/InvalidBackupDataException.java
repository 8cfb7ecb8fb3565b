package io.drkit.core;

import java.util.Optional;

/**
 * Thrown when data read from a backupstore or a backend is malformed: an unreadable {@code volume.cfg}, a
 * backup cfg that is not JSON, a block whose checksum does not match, an unparsable label.
 *
 * <p>{@link #location()} names where the bad data lives (an object key, a file path, a CR name). The location is
 * carried as a field and rendered once, as {@code "<detail> (at <location>)"}: a message that already names the
 * location (an error wrapped again at the same place) does not get it a second time, and {@link #detail()} gives the
 * message without it, for callers that show the location themselves (a skipped entry, a table).
 */
public class InvalidBackupDataException extends DrException {
    private static final long serialVersionUID = 1L;
    private final String location;
    private final String detail;

    /** Creates the exception for bad data found at {@code location}. */
    public InvalidBackupDataException(String location, String message) {
        super(render(location, message));
        this.location = location;
        this.detail = withoutLocation(message, location);
    }

    /** Creates the exception for bad data found at {@code location}, with the parser's error as cause. */
    public InvalidBackupDataException(String location, String message, Throwable cause) {
        super(render(location, message), cause);
        this.location = location;
        this.detail = withoutLocation(message, location);
    }

    /** Where the bad data lives, when known. */
    public Optional<String> location() {
        return Optional.ofNullable(location).filter(s -> !s.isEmpty());
    }

    /** What is wrong, without the location. */
    public String detail() {
        return detail;
    }

    /** The suffix that names {@code location} in a message: {@code " (at <location>)"}. */
    public static String locationSuffix(String location) {
        return " (at " + location + ")";
    }

    /**
     * {@code message} without every {@code " (at <location>)"} it carries for this {@code location} (the location is
     * shown once, by whoever renders it). Null gives {@code ""}.
     */
    public static String withoutLocation(String message, String location) {
        if (message == null) {
            return "";
        }
        if (location == null || location.isEmpty()) {
            return message;
        }
        return message.replace(locationSuffix(location), "");
    }

    private static String render(String location, String message) {
        if (location == null || location.isEmpty()) {
            return message;
        }
        return withoutLocation(message, location) + locationSuffix(location);
    }
}

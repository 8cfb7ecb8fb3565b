package io.drkit.s3.internal;

import io.drkit.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a restore target path is, following symbolic links (so {@code /dev/disk/by-id/…} is the device it names): it
 * decides whether an image is written through a temporary file and a rename (missing or regular file), in place (block
 * device), or refused (anything else). {@link #probe} is the real check; tests may substitute another.
 */
public enum FileKind {
    /** Nothing there (or a dangling symbolic link). */
    MISSING("nothing"),
    /** A regular file. */
    REGULAR("a regular file"),
    /** A directory. */
    DIRECTORY("a directory"),
    /** A block device (a disk, a partition, a loop device). */
    BLOCK_DEVICE("a block device"),
    /** A character device ({@code /dev/null}, a tty). */
    CHARACTER_DEVICE("a character device"),
    /** A named pipe. */
    FIFO("a named pipe (FIFO)"),
    /** A Unix domain socket. */
    SOCKET("a socket"),
    /** Something else the platform does not name. */
    OTHER("a special file");

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** "a block device", "a directory", … for messages. */
    public String description() {
        return description;
    }

    /**
     * What {@code path} is, following symbolic links; never opens it (opening a FIFO would block).
     *
     * @throws InvalidInputException when it cannot be inspected (no permission, a symbolic-link loop)
     */
    public static FileKind probe(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException e) {
            throw new InvalidInputException("cannot inspect output " + path + ": " + e.getMessage(), e);
        }
        if (a.isRegularFile()) {
            return REGULAR;
        }
        if (a.isDirectory()) {
            return DIRECTORY;
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & S_IFMT) {
                case S_IFBLK -> BLOCK_DEVICE;
                case S_IFCHR -> CHARACTER_DEVICE;
                case S_IFIFO -> FIFO;
                case S_IFSOCK -> SOCKET;
                default -> OTHER;
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return OTHER; // no "unix" view (not Linux/macOS): a special file of unknown kind is refused
        }
    }
}

package io.drkit.s3;

import java.nio.file.Path;

/**
 * The optional write capability of an {@link ObjectSource}: used by the fixture writer, the benchmarks and the
 * opt-in backupstore lock. Reading a backupstore never needs it. Writes replace whole objects (no partial writes);
 * a directory source writes a temporary file and renames it, as Longhorn does.
 */
public interface WritableObjectSource extends ObjectSource {

    /** Writes {@code data} as object {@code key}, replacing it. */
    ObjectInfo put(String key, byte[] data);

    /** Writes the content of {@code file} as object {@code key}, replacing it (streams; for large objects). */
    ObjectInfo put(String key, Path file);

    /** Deletes object {@code key}; deleting a missing object is not an error. */
    void delete(String key);
}

package io.drkit.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The body of an object being read, with what the store said about the object. Read it like any
 * {@link InputStream} (read errors are {@link IOException}s, as for any stream); closing it early releases the
 * connection without downloading the rest.
 */
public class ObjectStream extends FilterInputStream {
    private final ObjectInfo info;
    private final long offset;

    /**
     * Wraps a body.
     *
     * @param in     the body
     * @param info   the object (its full size, not the size of a range)
     * @param offset where in the object the body starts (0 unless ranged)
     */
    public ObjectStream(InputStream in, ObjectInfo info, long offset) {
        super(Objects.requireNonNull(in, "in"));
        this.info = Objects.requireNonNull(info, "info");
        this.offset = offset;
    }

    /** The object: key, full size, entity tag, modification time. */
    public ObjectInfo info() {
        return info;
    }

    /** Where in the object this body starts. */
    public long offset() {
        return offset;
    }

    /** Reads everything left into an array. */
    public byte[] readAllBytesUnchecked() {
        try {
            return readAllBytes();
        } catch (IOException e) {
            throw ObjectSources.readFailed(info.key(), e);
        }
    }

    /** Closes the body; never throws. */
    @Override
    public void close() {
        try {
            super.close();
        } catch (IOException | RuntimeException e) {
            // nothing useful to do: the connection is discarded either way
        }
    }
}

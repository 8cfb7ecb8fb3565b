package io.drkit.s3.internal;

import io.drkit.s3.ObjectInfo;
import io.drkit.s3.ObjectStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A GET body that, closed before its end, reads the rest when little is left (so the pooled connection is kept)
 * and aborts the connection otherwise (instead of downloading megabytes nobody reads). A body that ends before its
 * {@code Content-Length} fails with an {@link IOException} (retried by the readers), and one that makes no
 * progress is aborted by the source's {@link ReadWatchdog} and fails with a {@link io.drkit.core.DrTimeoutException}.
 */
public final class S3Body extends ObjectStream {
    /** A body closed with at most this much unread is drained rather than aborted (connection reuse). */
    private static final long DRAIN_LIMIT = 256 << 10;

    private final ResponseInputStream<GetObjectResponse> response;
    private final long expected;
    private final String where;
    private final ReadWatchdog.Watch watch;
    private long read;

    /**
     * The body of a GET of {@code where}, {@code expected} bytes long ({@code -1}: unknown), watched by {@code watchdog}.
     */
    public S3Body(ResponseInputStream<GetObjectResponse> in, ObjectInfo info, long offset, long expected, String where,
                  ReadWatchdog watchdog) {
        super(new FilterInputStream(in) { }, info, offset);
        this.response = in;
        this.expected = expected;
        this.where = where;
        this.watch = watchdog.watch(where, expected, in::abort);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (read == Long.MAX_VALUE) {
            return -1;
        }
        int n;
        watch.enter();
        try {
            n = super.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            watch.exit(0);
            watch.done();
            if (watch.stalled()) {
                throw watch.timeout(e);
            }
            if (e instanceof SdkException) {
                // the SDK's own body checks (a checksum or length mismatch): a failed read, like any other
                throw new IOException("reading " + where + " failed: " + e.getMessage(), e);
            }
            throw e;
        }
        try {
            watch.exit(Math.max(n, 0));
        } catch (RuntimeException e) {
            watch.done();
            throw e;
        }
        if (n > 0) {
            read += n;
        } else if (n < 0) {
            watch.done();
            if (expected >= 0 && read < expected) {
                throw new EOFException("the body of " + where + " ended after " + read + " of " + expected
                        + " bytes");
            }
            read = Long.MAX_VALUE;
        }
        return n;
    }

    @Override
    public void close() {
        try {
            if (read != Long.MAX_VALUE && (expected < 0 || read < expected)) {
                if (expected >= 0 && expected - read <= DRAIN_LIMIT && !watch.stalled()) {
                    try {
                        byte[] buf = new byte[8192];
                        while (read(buf, 0, buf.length) >= 0) {
                            // drain so the connection goes back to the pool
                        }
                    } catch (IOException | RuntimeException e) {
                        response.abort();
                    }
                } else {
                    response.abort();
                }
            }
        } finally {
            watch.done();
            super.close();
        }
    }
}

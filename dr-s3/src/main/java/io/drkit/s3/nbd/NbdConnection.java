package io.drkit.s3.nbd;

import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.s3.internal.BackupBlocks;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the {@link NbdServer}: the fixed-newstyle handshake ({@link NbdHandshake}), then the transmission phase
 * (this class). The connection's
 * own thread reads requests; reads are answered by the server's workers, at most
 * {@link NbdServer.Limits#requestsPerClient()} at once per client (further requests wait in the socket: TCP
 * back-pressure), replies written whole under a lock, in any order. Every read request is checked in full before its
 * reply starts, so a missing or corrupt block becomes an {@code EIO} reply, never wrong bytes. Timeouts are enforced
 * by the server's watchdog through {@link #overdue(long)}.
 */
final class NbdConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NbdConnection.class);
    private static final byte[] ZEROS = new byte[64 << 10];

    private final NbdServer server;
    private final Socket socket;
    private final String client;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Semaphore inFlight;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final long handshakeDeadline;
    private volatile boolean waitingForRequest; // the pending read is the wait for the next request (idle timeout)
    private volatile long readDeadline;   // System.nanoTime() by which the pending read must finish; 0 = none
    private volatile long writeDeadline;  // the same for the pending write
    private volatile boolean shuttingDown;
    private volatile boolean closed;
    private volatile Thread reader;
    private volatile String closeReason = "";

    NbdConnection(NbdServer server, Socket socket, int id) throws IOException {
        this.server = server;
        this.socket = socket;
        this.client = "client " + id + " (" + socket.getRemoteSocketAddress() + ")";
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 8192));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
        this.inFlight = new Semaphore(server.limits().requestsPerClient());
        this.handshakeDeadline = System.nanoTime() + server.limits().handshakeTimeout().toNanos();
    }

    @Override
    public void run() {
        reader = Thread.currentThread();
        try {
            readDeadline = handshakeDeadline;
            if (new NbdHandshake(server, in, out, this::flush, () -> shuttingDown).run()) {
                transmission();
            }
        } catch (EOFException e) {
            LOG.debug("{} disconnected", client);
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("{}: connection failed: {}", client, e.toString());
            }
        } catch (ProtocolException e) {
            LOG.warn("NBD {} broke the protocol, disconnecting: {}", client, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("NBD {}: unexpected error, disconnecting", client, e);
        } finally {
            drainAndClose();
            if (!closeReason.isEmpty()) {
                LOG.warn("NBD {} disconnected: {}", client, closeReason);
            }
            server.closed(this);
        }
    }

    /** A violation of the protocol by the client: the connection is dropped (a hard disconnect). */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------ transmission

    private void transmission() throws IOException, ProtocolException {
        LOG.debug("{} entered the transmission phase", client);
        byte[] header = new byte[Nbd.REQUEST_BYTES];
        ByteBuffer h = ByteBuffer.wrap(header);
        while (true) {
            long idle = server.limits().idleTimeout().toNanos();
            waitingForRequest = idle > 0;
            readDeadline = idle > 0 ? System.nanoTime() + idle : 0;
            int first = in.read();
            waitingForRequest = false;
            if (first < 0) {
                LOG.debug("{} closed the connection", client);
                return;
            }
            readDeadline = System.nanoTime() + server.limits().ioTimeout().toNanos();
            header[0] = (byte) first;
            in.readFully(header, 1, header.length - 1);
            int magic = h.getInt(0);
            if (magic != Nbd.REQUEST_MAGIC) {
                throw new ProtocolException("request does not start with NBD_REQUEST_MAGIC (0x" + Integer.toHexString(magic)
                        + ")");
            }
            int flags = h.getShort(4) & 0xffff;
            int type = h.getShort(6) & 0xffff;
            long cookie = h.getLong(8);
            long offset = h.getLong(16);
            long length = h.getInt(24) & 0xffffffffL;
            switch (type) {
                case Nbd.CMD_READ -> read(cookie, flags, offset, length);
                case Nbd.CMD_DISC -> {
                    LOG.debug("{} sent NBD_CMD_DISC", client);
                    return;
                }
                case Nbd.CMD_FLUSH -> reply(cookie, 0); // nothing is ever written: nothing to flush
                case Nbd.CMD_WRITE -> {
                    if (length > server.limits().maxRequestBytes()) {
                        throw new ProtocolException("NBD_CMD_WRITE with " + length + " bytes of payload, more than "
                                + server.limits().maxRequestBytes());
                    }
                    in.skipNBytes(length);
                    refuse(cookie, type, offset, length, Nbd.EPERM, "the export is read-only");
                }
                case Nbd.CMD_TRIM, Nbd.CMD_WRITE_ZEROES ->
                        refuse(cookie, type, offset, length, Nbd.EPERM, "the export is read-only");
                default -> refuse(cookie, type, offset, length, Nbd.EINVAL, "not supported by this server");
            }
        }
    }

    private void read(long cookie, int flags, long offset, long length) throws IOException {
        server.counters().requests.incrementAndGet();
        if ((flags & ~Nbd.CMD_FLAG_FUA) != 0) {
            refuse(cookie, Nbd.CMD_READ, offset, length, Nbd.EINVAL, "unsupported command flags 0x" + Integer.toHexString(flags));
            return;
        }
        long size = server.exportSize();
        if (offset < 0 || offset > size || length > size - offset) {
            refuse(cookie, Nbd.CMD_READ, offset, length, Nbd.EINVAL, "beyond the end of the export (" + size + " bytes)");
            return;
        }
        if (length > server.limits().maxRequestBytes()) {
            refuse(cookie, Nbd.CMD_READ, offset, length, Nbd.EINVAL, "longer than the maximum request of "
                    + server.limits().maxRequestBytes() + " bytes");
            return;
        }
        if (shuttingDown) {
            reply(cookie, Nbd.ESHUTDOWN);
            return;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(cookie, Nbd.ESHUTDOWN);
            return;
        }
        try {
            server.workers().execute(() -> {
                try {
                    serveRead(cookie, offset, (int) length);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release();
            reply(cookie, Nbd.ESHUTDOWN);
        }
    }

    /** Answers one read on a worker: check every block it touches, then send the header and the data. */
    private void serveRead(long cookie, long offset, int length) {
        if (closed) {
            return;
        }
        BackupBlocks blocks = server.blocks();
        BlockCache cache = server.cache();
        int bs = blocks.blockSize();
        long end = offset + length;
        // pass 1: every block the range touches is downloaded and verified (or cached) before any byte is sent
        for (long slot = offset / bs; length > 0 && slot <= (end - 1) / bs; slot++) {
            int id = blocks.id(slot);
            if (id < 0) {
                continue;
            }
            try {
                cache.get(id);
            } catch (BlockCache.BadBlockException e) {
                server.counters().ioErrors.incrementAndGet();
                LOG.warn("NBD read of {} bytes at offset {} by {} answered EIO: block at offset {} ({}) is {}: {}",
                        length, offset, client, slot * bs, e.key(), e.problem(), e.getMessage());
                sendError(cookie, Nbd.EIO);
                return;
            } catch (CancelledException e) {
                sendError(cookie, Nbd.ESHUTDOWN);
                return;
            } catch (DrException e) {
                server.counters().ioErrors.incrementAndGet();
                LOG.warn("NBD read of {} bytes at offset {} by {} answered EIO: block at offset {} ({}) cannot be read: {}",
                        length, offset, client, slot * bs, blocks.key(id), e.getMessage());
                sendError(cookie, Nbd.EIO);
                return;
            }
        }
        // pass 2: the reply; a block evicted meanwhile is read again (it was just verified)
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
            out.writeInt(0);
            out.writeLong(cookie);
            for (long pos = offset; pos < end; ) {
                long slot = pos / bs;
                int within = (int) (pos - slot * bs);
                int n = (int) Math.min(bs - within, end - pos);
                int id = blocks.id(slot);
                if (id < 0) {
                    zeros(n);
                } else {
                    byte[] data;
                    try {
                        data = cache.get(id);
                    } catch (RuntimeException e) {
                        // the header said success: the only way out is a hard disconnect (protocol, simple replies)
                        closeReason = "block at offset " + slot * bs + " failed while its data was being sent: " + e.getMessage();
                        close();
                        return;
                    }
                    write(data, within, n);
                }
                pos += n;
            }
            flush();
            server.counters().bytesRead.addAndGet(length);
        } catch (IOException e) {
            LOG.debug("{}: sending a reply failed: {}", client, e.toString());
            close();
        } finally {
            writeLock.unlock();
        }
    }

    private void refuse(long cookie, int type, long offset, long length, int error, String why) throws IOException {
        server.counters().refused.incrementAndGet();
        LOG.debug("{}: {} of {} bytes at offset {} refused ({}): {}", client, Nbd.command(type), length, offset, error, why);
        reply(cookie, error);
    }

    /** A simple reply without data, from the reader thread. */
    private void reply(long cookie, int error) throws IOException {
        writeLock.lock();
        try {
            out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
            out.writeInt(error);
            out.writeLong(cookie);
            flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** A simple error reply from a worker; a failure to send closes the connection. */
    private void sendError(long cookie, int error) {
        try {
            reply(cookie, error);
        } catch (IOException e) {
            LOG.debug("{}: sending an error reply failed: {}", client, e.toString());
            close();
        }
    }

    private void zeros(int n) throws IOException {
        for (int left = n; left > 0; ) {
            int k = Math.min(left, ZEROS.length);
            write(ZEROS, 0, k);
            left -= k;
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        writeDeadline = System.nanoTime() + server.limits().ioTimeout().toNanos();
        try {
            out.write(b, off, len);
        } finally {
            writeDeadline = 0;
        }
    }

    private void flush() throws IOException {
        writeDeadline = System.nanoTime() + server.limits().ioTimeout().toNanos();
        try {
            out.flush();
        } finally {
            writeDeadline = 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Whether a read or write has been pending past its deadline at {@code now}; the watchdog then closes the
     * connection (which ends the blocked call).
     */
    boolean overdue(long now) {
        long r = readDeadline;
        long w = writeDeadline;
        if (r != 0 && now - r > 0) {
            if (waitingForRequest && inFlight.availablePermits() < server.limits().requestsPerClient()) {
                // A client waiting for a reply is not idle (a block fetch from a slow store can outlast the idle
                // timeout): its idle time starts again while any of its requests is still being answered.
                readDeadline = now + server.limits().idleTimeout().toNanos();
                return false;
            }
            closeReason = readDeadline == handshakeDeadline ? "the handshake did not finish within "
                    + server.limits().handshakeTimeout().toMillis() + " ms" : "no complete request within the time limit";
            return true;
        }
        if (w != 0 && now - w > 0) {
            closeReason = "the client did not take a reply within " + server.limits().ioTimeout().toMillis() + " ms";
            return true;
        }
        return false;
    }

    /** Stops taking new requests (they get ESHUTDOWN); requests in progress are answered. */
    void shutdown() {
        shuttingDown = true;
    }

    /** Waits up to {@code millis} for the requests in progress to be answered; true when none are left. */
    boolean awaitIdle(long millis) {
        try {
            int all = server.limits().requestsPerClient();
            if (inFlight.tryAcquire(all, millis, TimeUnit.MILLISECONDS)) {
                inFlight.release(all);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Answers what is in progress (bounded by the shutdown grace), then closes. */
    private void drainAndClose() {
        if (!closed) {
            awaitIdle((shuttingDown ? server.limits().shutdownGrace() : server.limits().ioTimeout()).toMillis());
        }
        close();
    }

    /** Drops the connection now (a hard disconnect); idempotent. */
    void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        Thread r = reader;
        if (r != null && r != Thread.currentThread()) {
            r.interrupt(); // a reader waiting for a free request slot
        }
    }

    /** The reader thread (null before it started). */
    Thread thread() {
        return reader;
    }

    @Override
    public String toString() {
        return "NBD " + client;
    }
}

package io.drkit.s3.testing;

import io.drkit.core.UnavailableException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal NBD client for tests and benchmarks: fixed-newstyle handshake with {@code NBD_OPT_GO} (asking for
 * {@code NBD_INFO_BLOCK_SIZE}), simple replies, and exactly the requests a test asks for, so that a test can read an
 * exact range, send a write to a read-only export, or keep many reads in flight on one connection. Real clients
 * ({@code nbdcopy}, {@code qemu-img}) are what the server is tested against for whole images; this one is for precise
 * requests. Not thread-safe.
 */
public final class NbdClient implements AutoCloseable {
    /** {@code NBD_CMD_READ}. */
    public static final int CMD_READ = 0;
    /** {@code NBD_CMD_WRITE}. */
    public static final int CMD_WRITE = 1;
    /** {@code NBD_CMD_FLUSH}. */
    public static final int CMD_FLUSH = 3;
    /** {@code NBD_CMD_TRIM}. */
    public static final int CMD_TRIM = 4;
    /** {@code NBD_CMD_WRITE_ZEROES}. */
    public static final int CMD_WRITE_ZEROES = 6;
    /** {@code NBD_CMD_BLOCK_STATUS}. */
    public static final int CMD_BLOCK_STATUS = 7;

    private static final long NBDMAGIC = 0x4e42444d41474943L;
    private static final long IHAVEOPT = 0x49484156454F5054L;
    private static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    private static final int REQUEST_MAGIC = 0x25609513;
    private static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final long size;
    private final int transmissionFlags;
    private final int[] blockSizes;
    private long nextCookie = 1;

    /** The reply to one request: an error number (0 = success) and, for a successful read, the data. */
    public record Reply(long cookie, int error, byte[] data) {
    }

    /** A request the server answered with an error number ({@code EIO} = 5, {@code EINVAL} = 22, ...). */
    public static final class NbdErrorException extends RuntimeException {
        private final int error;

        NbdErrorException(int error, String message) {
            super(message);
            this.error = error;
        }

        /** The NBD error number. */
        public int error() {
            return error;
        }
    }

    private NbdClient(Socket socket, String exportName) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        if (in.readLong() != NBDMAGIC || in.readLong() != IHAVEOPT) {
            throw new IOException("not a newstyle NBD server");
        }
        int handshakeFlags = in.readUnsignedShort();
        if ((handshakeFlags & 1) == 0) {
            throw new IOException("the server does not speak fixed newstyle");
        }
        out.writeInt(1); // NBD_FLAG_C_FIXED_NEWSTYLE
        byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
        out.writeLong(IHAVEOPT);
        out.writeInt(7); // NBD_OPT_GO
        out.writeInt(4 + name.length + 2 + 2);
        out.writeInt(name.length);
        out.write(name);
        out.writeShort(1);
        out.writeShort(3); // NBD_INFO_BLOCK_SIZE
        out.flush();
        long exportSize = -1;
        int flags = 0;
        int[] sizes = null;
        while (true) {
            if (in.readLong() != OPTION_REPLY_MAGIC) {
                throw new IOException("bad option reply magic");
            }
            int option = in.readInt();
            int type = in.readInt();
            int length = in.readInt();
            byte[] data = new byte[length];
            in.readFully(data);
            if (option != 7) {
                throw new IOException("reply to option " + option + ", expected NBD_OPT_GO");
            }
            if (type == 1) { // NBD_REP_ACK
                break;
            }
            if (type < 0) {
                throw new NbdErrorException(type, "NBD_OPT_GO refused (0x" + Integer.toHexString(type) + "): "
                        + new String(data, StandardCharsets.UTF_8));
            }
            if (type == 3 && length >= 2) { // NBD_REP_INFO
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
                int info = b.getShort() & 0xffff;
                if (info == 0) {
                    exportSize = b.getLong();
                    flags = b.getShort() & 0xffff;
                } else if (info == 3) {
                    sizes = new int[] {b.getInt(), b.getInt(), b.getInt()};
                }
            }
        }
        if (exportSize < 0) {
            throw new IOException("the server accepted NBD_OPT_GO without NBD_INFO_EXPORT");
        }
        this.size = exportSize;
        this.transmissionFlags = flags;
        this.blockSizes = sizes;
    }

    /** Connects to the default export (the empty name) at {@code address}. */
    public static NbdClient connect(InetSocketAddress address) {
        return connect(address, "", Duration.ofSeconds(60));
    }

    /**
     * Connects to export {@code exportName} at {@code address}; every read from the server may take up to
     * {@code timeout}.
     *
     * @throws UnavailableException when the connection or the handshake fails
     */
    public static NbdClient connect(InetSocketAddress address, String exportName, Duration timeout) {
        Socket s = new Socket();
        try {
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            s.setTcpNoDelay(true);
            s.connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new NbdClient(s, exportName);
        } catch (IOException e) {
            closeQuietly(s);
            throw new UnavailableException("NBD handshake with " + address + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** The export size the server announced. */
    public long size() {
        return size;
    }

    /** The transmission flags the server announced. */
    public int transmissionFlags() {
        return transmissionFlags;
    }

    /** The server's minimum, preferred and maximum block sizes, when it sent {@code NBD_INFO_BLOCK_SIZE}. */
    public java.util.Optional<int[]> blockSizes() {
        return java.util.Optional.ofNullable(blockSizes == null ? null : blockSizes.clone());
    }

    /**
     * Reads {@code length} bytes at {@code offset}.
     *
     * @throws NbdErrorException when the server answers with an error
     */
    public byte[] read(long offset, int length) {
        Reply r = readAll(List.of(new long[] {offset, length})).get(0);
        if (r.error() != 0) {
            throw new NbdErrorException(r.error(), "read of " + length + " bytes at offset " + offset + " failed with error "
                    + r.error());
        }
        return r.data();
    }

    /**
     * Sends one read per {@code {offset, length}} pair before reading any reply (all in flight at once), then
     * collects the replies, which may come in any order; returns them in request order.
     */
    public List<Reply> readAll(List<long[]> ranges) {
        try {
            Map<Long, Integer> lengths = new HashMap<>();
            Map<Long, Integer> order = new HashMap<>();
            for (long[] r : ranges) {
                long cookie = nextCookie++;
                lengths.put(cookie, (int) r[1]);
                order.put(cookie, order.size());
                header(CMD_READ, 0, cookie, r[0], r[1]);
            }
            out.flush();
            Reply[] replies = new Reply[ranges.size()];
            for (int i = 0; i < ranges.size(); i++) {
                Reply r = reply(lengths);
                replies[order.get(r.cookie())] = r;
            }
            return List.of(replies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends any command ({@code payload} follows the header for a write) and returns the error number of its reply
     * (0 = success); a read's data is discarded.
     */
    public int command(int type, int flags, long offset, long length, byte[] payload) {
        try {
            long cookie = nextCookie++;
            header(type, flags, cookie, offset, length);
            if (payload != null) {
                out.write(payload);
            }
            out.flush();
            Map<Long, Integer> lengths = new HashMap<>();
            lengths.put(cookie, type == CMD_READ ? (int) length : 0);
            return reply(lengths).error();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void header(int type, int flags, long cookie, long offset, long length) throws IOException {
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt((int) length);
    }

    private Reply reply(Map<Long, Integer> lengths) throws IOException {
        int magic = in.readInt();
        if (magic != SIMPLE_REPLY_MAGIC) {
            throw new IOException("expected a simple reply, got magic 0x" + Integer.toHexString(magic));
        }
        int error = in.readInt();
        long cookie = in.readLong();
        Integer length = lengths.remove(cookie);
        if (length == null) {
            throw new IOException("reply for unknown cookie " + cookie);
        }
        byte[] data = null;
        if (error == 0) {
            data = new byte[length];
            in.readFully(data);
        }
        return new Reply(cookie, error, data);
    }

    /** Sends {@code NBD_CMD_DISC} and closes the connection. */
    public void disconnect() {
        try {
            header(2, 0, nextCookie++, 0, 0);
            out.flush();
        } catch (IOException e) {
            // closing anyway
        } finally {
            close();
        }
    }

    /** Whether the server closed the connection: waits up to the read timeout for end-of-stream. */
    public boolean serverClosed() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Closes the socket without a disconnect request. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    /** Convenience for tests: many ranges of one size. */
    public static List<long[]> ranges(long[] offsets, int length) {
        List<long[]> out = new ArrayList<>();
        for (long o : offsets) {
            out.add(new long[] {o, length});
        }
        return out;
    }
}

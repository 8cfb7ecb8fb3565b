package io.drkit.s3.nbd;

import io.drkit.s3.nbd.NbdConnection.ProtocolException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The fixed-newstyle handshake of one NBD client (option haggling before the transmission phase): {@code NBD_OPT_GO},
 * {@code NBD_OPT_INFO} (export size, name, description, block sizes), {@code NBD_OPT_LIST}, {@code NBD_OPT_ABORT},
 * {@code NBD_OPT_EXPORT_NAME}; other options get {@code NBD_REP_ERR_UNSUP}, and every option once the server is shutting
 * down {@code NBD_REP_ERR_SHUTDOWN}. Option sizes and counts are bounded; the handshake's duration is enforced by the
 * connection's deadline and the server's watchdog.
 */
final class NbdHandshake {
    private static final int MAX_OPTION_BYTES = 8 * Nbd.MAX_STRING;
    private static final int MAX_OPTIONS = 64;

    /** Sends what is buffered, under the connection's write deadline. */
    @FunctionalInterface
    interface Flush {
        /** Flushes the output. */
        void flush() throws IOException;
    }

    private final NbdServer server;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Flush flush;
    private final BooleanSupplier shuttingDown;

    NbdHandshake(NbdServer server, DataInputStream in, DataOutputStream out, Flush flush, BooleanSupplier shuttingDown) {
        this.server = server;
        this.in = in;
        this.out = out;
        this.flush = flush;
        this.shuttingDown = shuttingDown;
    }

    /** Option haggling; true when the transmission phase begins. */
    boolean run() throws IOException, ProtocolException {
        out.writeLong(Nbd.NBDMAGIC);
        out.writeLong(Nbd.IHAVEOPT);
        out.writeShort(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
        flush.flush();
        int clientFlags = in.readInt();
        if ((clientFlags & ~(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES)) != 0) {
            throw new ProtocolException("unknown client flags 0x" + Integer.toHexString(clientFlags));
        }
        boolean noZeroes = (clientFlags & Nbd.FLAG_C_NO_ZEROES) != 0;
        for (int options = 1; ; options++) {
            long magic = in.readLong();
            if (magic != Nbd.IHAVEOPT) {
                throw new ProtocolException("option does not start with IHAVEOPT (0x" + Long.toHexString(magic) + ")");
            }
            int option = in.readInt();
            long length = in.readInt() & 0xffffffffL;
            if (length > MAX_OPTION_BYTES) {
                throw new ProtocolException("option " + option + " has " + length + " bytes of data, more than the "
                        + MAX_OPTION_BYTES + " this server accepts");
            }
            if (options > MAX_OPTIONS) {
                throw new ProtocolException("more than " + MAX_OPTIONS + " options in one handshake");
            }
            byte[] data = new byte[(int) length];
            in.readFully(data);
            if (shuttingDown.getAsBoolean() && option != Nbd.OPT_ABORT) {
                optionReply(option, Nbd.REP_ERR_SHUTDOWN, message("the server is shutting down"));
                continue;
            }
            switch (option) {
                case Nbd.OPT_EXPORT_NAME -> {
                    String name = new String(data, StandardCharsets.UTF_8);
                    if (!server.accepts(name)) {
                        throw new ProtocolException("NBD_OPT_EXPORT_NAME asks for unknown export '" + name + "'");
                    }
                    out.writeLong(server.exportSize());
                    out.writeShort(NbdServer.TRANSMISSION_FLAGS);
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    flush.flush();
                    return true;
                }
                case Nbd.OPT_ABORT -> {
                    optionReply(option, Nbd.REP_ACK, new byte[0]);
                    return false;
                }
                case Nbd.OPT_LIST -> {
                    if (length != 0) {
                        optionReply(option, Nbd.REP_ERR_INVALID, message("NBD_OPT_LIST takes no data"));
                    } else {
                        byte[] name = server.exportName().getBytes(StandardCharsets.UTF_8);
                        byte[] desc = server.description().getBytes(StandardCharsets.UTF_8);
                        optionReply(option, Nbd.REP_SERVER, ByteBuffer.allocate(4 + name.length + desc.length)
                                .putInt(name.length).put(name).put(desc).array());
                        optionReply(option, Nbd.REP_ACK, new byte[0]);
                    }
                }
                case Nbd.OPT_INFO, Nbd.OPT_GO -> {
                    if (info(option, data) && option == Nbd.OPT_GO) {
                        return true;
                    }
                }
                case Nbd.OPT_STARTTLS -> optionReply(option, Nbd.REP_ERR_UNSUP,
                        message("TLS is not supported: this server is unauthenticated and meant for loopback"));
                case Nbd.OPT_STRUCTURED_REPLY -> optionReply(option, Nbd.REP_ERR_UNSUP,
                        message("structured replies are not supported; simple replies are used"));
                default -> optionReply(option, Nbd.REP_ERR_UNSUP, message("option " + option + " is not supported"));
            }
        }
    }

    /** NBD_OPT_INFO and NBD_OPT_GO; true when the export was accepted. */
    private boolean info(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        long nameLength = data.length < 6 ? -1 : b.getInt() & 0xffffffffL;
        if (nameLength < 0 || nameLength > data.length - 6) {
            optionReply(option, Nbd.REP_ERR_INVALID, message("malformed request: name length beyond the option data"));
            return false;
        }
        byte[] nameBytes = new byte[(int) nameLength];
        b.get(nameBytes);
        int requests = b.getShort() & 0xffff;
        if (b.remaining() != 2 * requests) {
            optionReply(option, Nbd.REP_ERR_INVALID, message("malformed request: " + requests
                    + " information requests announced, " + b.remaining() + " bytes follow"));
            return false;
        }
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        if (!server.accepts(name)) {
            optionReply(option, Nbd.REP_ERR_UNKNOWN, message("no export named '" + name + "'; this server exports '"
                    + server.exportName() + "' (or the default export, the empty name)"));
            return false;
        }
        boolean wantName = false;
        boolean wantDescription = false;
        boolean wantBlockSize = false;
        for (int i = 0; i < requests; i++) {
            switch (b.getShort() & 0xffff) {
                case Nbd.INFO_NAME -> wantName = true;
                case Nbd.INFO_DESCRIPTION -> wantDescription = true;
                case Nbd.INFO_BLOCK_SIZE -> wantBlockSize = true;
                default -> {
                    // unknown information requests are ignored
                }
            }
        }
        optionReply(option, Nbd.REP_INFO, ByteBuffer.allocate(12).putShort((short) Nbd.INFO_EXPORT)
                .putLong(server.exportSize()).putShort((short) NbdServer.TRANSMISSION_FLAGS).array());
        if (wantName) {
            byte[] n = server.exportName().getBytes(StandardCharsets.UTF_8);
            optionReply(option, Nbd.REP_INFO, ByteBuffer.allocate(2 + n.length).putShort((short) Nbd.INFO_NAME).put(n).array());
        }
        if (wantDescription) {
            byte[] d = server.description().getBytes(StandardCharsets.UTF_8);
            optionReply(option, Nbd.REP_INFO, ByteBuffer.allocate(2 + d.length).putShort((short) Nbd.INFO_DESCRIPTION)
                    .put(d).array());
        }
        if (wantBlockSize) {
            optionReply(option, Nbd.REP_INFO, ByteBuffer.allocate(14).putShort((short) Nbd.INFO_BLOCK_SIZE)
                    .putInt(1).putInt(4096).putInt(server.limits().maxRequestBytes()).array());
        }
        optionReply(option, Nbd.REP_ACK, new byte[0]);
        return true;
    }

    private static byte[] message(String m) {
        byte[] b = m.getBytes(StandardCharsets.UTF_8);
        return b.length <= Nbd.MAX_STRING ? b : java.util.Arrays.copyOf(b, Nbd.MAX_STRING);
    }

    private void optionReply(int option, int type, byte[] data) throws IOException {
        out.writeLong(Nbd.OPTION_REPLY_MAGIC);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        flush.flush();
    }
}

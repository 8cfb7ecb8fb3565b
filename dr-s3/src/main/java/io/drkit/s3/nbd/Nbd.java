package io.drkit.s3.nbd;

/**
 * The numbers of the NBD protocol this server speaks, from the protocol specification ({@code doc/proto.md} of
 * NetworkBlockDevice/nbd): fixed-newstyle handshake, simple replies. Every field is big-endian (network byte order).
 */
final class Nbd {
    /** "NBDMAGIC", the first 8 bytes the server sends. */
    static final long NBDMAGIC = 0x4e42444d41474943L;
    /** "IHAVEOPT": the second 8 bytes the server sends, and the start of every option the client sends. */
    static final long IHAVEOPT = 0x49484156454F5054L;
    /** Start of every option reply. */
    static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    /** Start of every transmission request. */
    static final int REQUEST_MAGIC = 0x25609513;
    /** Start of every simple reply. */
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    /** Handshake flag: fixed newstyle negotiation. */
    static final int FLAG_FIXED_NEWSTYLE = 1;
    /** Handshake flag: no 124 zero bytes after NBD_OPT_EXPORT_NAME when the client agrees. */
    static final int FLAG_NO_ZEROES = 1 << 1;
    /** Client flag: fixed newstyle. */
    static final int FLAG_C_FIXED_NEWSTYLE = 1;
    /** Client flag: no zeroes. */
    static final int FLAG_C_NO_ZEROES = 1 << 1;

    /** Transmission flag: always set. */
    static final int FLAG_HAS_FLAGS = 1;
    /** Transmission flag: the export is read-only. */
    static final int FLAG_READ_ONLY = 1 << 1;
    /** Transmission flag: NBD_CMD_FLUSH is understood. */
    static final int FLAG_SEND_FLUSH = 1 << 2;
    /** Transmission flag: every connection sees the same data (shared cache; nothing is ever written). */
    static final int FLAG_CAN_MULTI_CONN = 1 << 8;

    static final int OPT_EXPORT_NAME = 1;
    static final int OPT_ABORT = 2;
    static final int OPT_LIST = 3;
    static final int OPT_STARTTLS = 5;
    static final int OPT_INFO = 6;
    static final int OPT_GO = 7;
    static final int OPT_STRUCTURED_REPLY = 8;

    static final int REP_ACK = 1;
    static final int REP_SERVER = 2;
    static final int REP_INFO = 3;
    static final int REP_ERR_UNSUP = 0x80000001;
    static final int REP_ERR_POLICY = 0x80000002;
    static final int REP_ERR_INVALID = 0x80000003;
    static final int REP_ERR_UNKNOWN = 0x80000006;
    static final int REP_ERR_SHUTDOWN = 0x80000007;

    static final int INFO_EXPORT = 0;
    static final int INFO_NAME = 1;
    static final int INFO_DESCRIPTION = 2;
    static final int INFO_BLOCK_SIZE = 3;

    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int CMD_TRIM = 4;
    static final int CMD_WRITE_ZEROES = 6;

    /** Command flag: force unit access (meaningless here: nothing is written). */
    static final int CMD_FLAG_FUA = 1;

    static final int EPERM = 1;
    static final int EIO = 5;
    static final int EINVAL = 22;
    static final int ESHUTDOWN = 108;

    /** Bytes of a request header. */
    static final int REQUEST_BYTES = 28;
    /** Longest string the protocol allows (export names, messages). */
    static final int MAX_STRING = 4096;

    private Nbd() {
    }

    /** The name of a command, for messages. */
    static String command(int type) {
        return switch (type) {
            case CMD_READ -> "NBD_CMD_READ";
            case CMD_WRITE -> "NBD_CMD_WRITE";
            case CMD_DISC -> "NBD_CMD_DISC";
            case CMD_FLUSH -> "NBD_CMD_FLUSH";
            case CMD_TRIM -> "NBD_CMD_TRIM";
            case 5 -> "NBD_CMD_CACHE";
            case CMD_WRITE_ZEROES -> "NBD_CMD_WRITE_ZEROES";
            case 7 -> "NBD_CMD_BLOCK_STATUS";
            default -> "command " + type;
        };
    }
}

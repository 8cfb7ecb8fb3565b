package io.drkit.core.util;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The one rule for printing text from outside (store directory names, labels, arguments, backend messages) on a
 * terminal: control characters are shown as visible escapes instead of being sent to the terminal, where ESC starts
 * a control sequence (colours, cursor moves, a cleared screen, a changed window title), CR overwrites the line, BEL
 * rings, and bidi overrides reorder what is read.
 *
 * <p>Escaped: C0 controls (U+0000–U+001F) except the line feed and tab of multi-line text, DEL (U+007F), C1 controls
 * (U+0080–U+009F), and the invisible formatting characters that change how text reads (U+061C, U+200B–U+200F,
 * U+2028–U+202E, U+2060–U+206F, U+FEFF). Each becomes {@code \}{@code uXXXX}, which is also how JSON writes it, so
 * text that is JSON keeps its exact value. Everything else, backslashes included, is kept.
 */
public final class Terminal {
    private Terminal() {
    }

    /** Whether code point {@code c} is escaped (see the class comment); the line feed counts as unsafe here. */
    public static boolean isUnsafe(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F)
                || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF;
    }

    /** One field (a table cell, a name, an argument): every unsafe character escaped, line breaks too. */
    public static String escape(CharSequence s) {
        return escape(s, false);
    }

    /**
     * Multi-line text: every unsafe character escaped except line feeds (and a CR directly before one) and tabs (stack
     * traces indent with them; a tab only moves the cursor right).
     */
    public static String escapeText(CharSequence s) {
        return escape(s, true);
    }

    /**
     * One line (an error message): line breaks and tabs become spaces, every other unsafe character is escaped.
     */
    public static String oneLine(CharSequence s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                continue;
            }
            sb.append(c == '\n' || c == '\t' ? ' ' : c);
        }
        return escape(sb, false);
    }

    private static String escape(CharSequence s, boolean keepNewlines) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean keep = !isUnsafe(c) || (keepNewlines && (c == '\n' || c == '\t'
                    || (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n')));
            if (keep) {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            appendEscape(sb, c);
        }
        return sb == null ? s.toString() : sb.toString();
    }

    private static void appendEscape(StringBuilder sb, int c) {
        sb.append(String.format("\\u%04x", c));
    }

    /**
     * A stream that passes text to {@code out} with {@link #escapeText} applied, for a program's standard output
     * and error. It works on UTF-8 (or any ASCII-compatible encoding): lines are buffered until a line feed or
     * {@link PrintStream#flush()}, then unsafe characters are replaced; C1 bytes that are not part of a UTF-8 sequence
     * (a Latin-1 terminal) are escaped too. Closing it flushes and leaves {@code out} open.
     */
    public static PrintStream safe(PrintStream out) {
        return new PrintStream(new SafeOutputStream(out), true, StandardCharsets.UTF_8);
    }

    /** Escapes unsafe characters in UTF-8 bytes, line by line. */
    private static final class SafeOutputStream extends FilterOutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        SafeOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                drain();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i + 1 - start);
                    drain();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
        }

        @Override
        public synchronized void flush() throws IOException {
            drain();
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            flush();
        }

        private void drain() throws IOException {
            if (line.size() == 0) {
                return;
            }
            byte[] b = line.toByteArray();
            line.reset();
            out.write(filter(b));
        }

        /** The bytes with unsafe characters escaped, decoding UTF-8 only where a sequence is complete and valid. */
        static byte[] filter(byte[] b) {
            ByteArrayOutputStream o = new ByteArrayOutputStream(b.length + 16);
            int i = 0;
            while (i < b.length) {
                int x = b[i] & 0xFF;
                if (x < 0x80) {
                    boolean keep = !isUnsafe(x) || x == '\n' || x == '\t'
                            || (x == '\r' && i + 1 < b.length && b[i + 1] == '\n');
                    if (keep) {
                        o.write(x);
                    } else {
                        writeEscape(o, x);
                    }
                    i++;
                    continue;
                }
                int len = x >= 0xF0 && x <= 0xF4 ? 4 : x >= 0xE0 ? (x <= 0xEF ? 3 : 0) : x >= 0xC2 ? 2 : 0;
                int cp = -1;
                if (len > 0 && i + len <= b.length) {
                    cp = x & (0xFF >> (len + 1));
                    for (int k = 1; k < len; k++) {
                        int y = b[i + k] & 0xFF;
                        if ((y & 0xC0) != 0x80) {
                            cp = -1;
                            break;
                        }
                        cp = (cp << 6) | (y & 0x3F);
                    }
                }
                if (cp < 0) {
                    if (x <= 0x9F) {
                        writeEscape(o, x); // a lone C1 byte: a control on a Latin-1 terminal
                    } else {
                        o.write(x);
                    }
                    i++;
                    continue;
                }
                if (isUnsafe(cp)) {
                    writeEscape(o, cp);
                } else {
                    o.write(b, i, len);
                }
                i += len;
            }
            return o.toByteArray();
        }

        private static void writeEscape(ByteArrayOutputStream o, int c) {
            o.writeBytes(String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII));
        }
    }
}

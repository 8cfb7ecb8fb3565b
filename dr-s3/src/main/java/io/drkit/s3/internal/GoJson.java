package io.drkit.s3.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * Writes JSON text exactly as Go's {@code encoding/json.Marshal} does for Longhorn's structs: no whitespace, map keys
 * sorted, HTML characters escaped (as backslash-u003c, -u003e, -u0026), U+2028/U+2029
 * escaped, other control characters as backslash-u00XX except {@code \n}, {@code \r}, {@code \t}; {@code nil} maps
 * as {@code null}. Used by the fixture writer; kept next to the parser so the two stay in step.
 */
public final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final StringBuilder sb;
    private boolean needComma;

    /** Starts a document. */
    public GoJson() {
        this.sb = new StringBuilder(256);
    }

    /** Starts a document appending to {@code sb}. */
    public GoJson(StringBuilder sb) {
        this.sb = sb;
    }

    /** Opens an object. */
    public GoJson begin() {
        comma();
        sb.append('{');
        needComma = false;
        return this;
    }

    /** Closes an object. */
    public GoJson end() {
        sb.append('}');
        needComma = true;
        return this;
    }

    /** A field name; the value follows. */
    public GoJson field(String name) {
        comma();
        quote(sb, name);
        sb.append(':');
        needComma = false;
        return this;
    }

    /** A string field. */
    public GoJson str(String name, String value) {
        field(name);
        quote(sb, value == null ? "" : value);
        needComma = true;
        return this;
    }

    /** A Go {@code string `json:",string"`} field: the value quoted twice. */
    public GoJson doubleStr(String name, String value) {
        StringBuilder inner = new StringBuilder();
        quote(inner, value == null ? "" : value);
        return str(name, inner.toString());
    }

    /** A Go {@code int64 `json:",string"`} field. */
    public GoJson int64Str(String name, long value) {
        return str(name, Long.toString(value));
    }

    /** A number field. */
    public GoJson num(String name, long value) {
        field(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    /** A boolean field. */
    public GoJson bool(String name, boolean value) {
        field(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    /** A {@code null} field. */
    public GoJson nul(String name) {
        field(name);
        sb.append("null");
        needComma = true;
        return this;
    }

    /** A raw JSON value. */
    public GoJson raw(String name, String json) {
        field(name);
        sb.append(json);
        needComma = true;
        return this;
    }

    /** A {@code map[string]string} field: {@code null} when {@code m} is null, keys sorted. */
    public GoJson map(String name, Map<String, String> m) {
        if (m == null) {
            return nul(name);
        }
        field(name);
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, e.getKey());
            sb.append(':');
            quote(sb, e.getValue() == null ? "" : e.getValue());
        }
        sb.append('}');
        needComma = true;
        return this;
    }

    /** The text so far. */
    @Override
    public String toString() {
        return sb.toString();
    }

    private void comma() {
        if (needComma) {
            sb.append(',');
        }
    }

    /** Appends {@code s} as a JSON string the way Go escapes it. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c < 0x20) {
                        unicode(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}

package io.drkit.longhorn.internal;

import java.util.regex.Pattern;

/**
 * Masks secrets in strings that end up in messages, logs and {@code toString()}: {@code user:password@} in URLs (but
 * not S3's {@code bucket@region}) and password-like query or mount options.
 */
public final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("://[^/@?#:]*:[^/@?#]*@");
    private static final Pattern SECRET_OPTION =
            Pattern.compile("(?i)((?:password|passwd|pass|secret|token|credential|key)[^=&,;]*=)[^&,;]*");

    private Redaction() {
    }

    /** {@code url} with user info and password-like query or mount options replaced by {@code ****}. */
    public static String url(String url) {
        if (url == null || url.isEmpty()) {
            return url == null ? "" : url;
        }
        String s = USER_INFO.matcher(url).replaceAll("://****@");
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        return s.substring(0, q + 1) + SECRET_OPTION.matcher(s.substring(q + 1)).replaceAll("$1****");
    }
}

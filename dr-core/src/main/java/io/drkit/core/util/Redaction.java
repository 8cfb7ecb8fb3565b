package io.drkit.core.util;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for keeping secrets out of what drkit prints, logs and writes: every message, log line,
 * {@code toString()} and JSON document that shows a URL, an option or text from outside goes through here first.
 *
 * <p>What counts as a secret:
 * <ul>
 *   <li>URL user info: {@code http://user:password@host} and {@code http://token@host} become
 *       {@code http://****@host}; S3 and Azure URLs keep {@code bucket@region} (that {@code @} is not user info), but
 *       {@code s3://key:secret@bucket} is masked;</li>
 *   <li>query parameters and options whose names look like a secret ({@link #isSecretName(String)}: password, pass,
 *       pwd, secret, token, credential, key, signature, auth, session, cookie), and such sub-options inside an option
 *       value ({@code cifsOptions=username=u,password=****});</li>
 *   <li>in free text ({@link #text(String)}): every URL as above, {@code Bearer}/{@code Basic} credentials,
 *       {@code NAME=value} and {@code NAME: value} pairs whose name is secret-like ({@code AWS_SECRET_ACCESS_KEY=…},
 *       {@code AWS_SESSION_TOKEN=…}), and AWS access key ids ({@code AKIA…}, {@code ASIA…}).</li>
 * </ul>
 * Masked values become {@value #MASK}. Redaction is for display only: the values drkit sends to a backend are never
 * changed here. Null input gives {@code ""}.
 */
public final class Redaction {
    /** What a masked value is replaced with. */
    public static final String MASK = "****";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(pass|pwd|secret|token|credential|key|signature|auth|session|cookie).*");
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
    private static final Pattern URL_IN_TEXT = Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"<>`]+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)(\\s+)[A-Za-z0-9._~+/=-]{4,}");
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)\\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|credential|signature|access_?key|api_?key"
                    + "|private_?key|session_?key)[A-Za-z0-9_.-]*)(\\s*[=:]\\s*)(\"?)[^\\s,;&\"'<>]+");
    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b");
    private static final Pattern SUB_OPTION = Pattern.compile("([^,;&=\\s]+)=([^,;&]*)");

    private Redaction() {
    }

    /** Whether an option, parameter or header named {@code name} may hold a secret. */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    /**
     * An option's value as it may be shown: {@value #MASK} when the name is secret-like, else the value with
     * secret-like sub-options masked ({@code username=u,password=p} → {@code username=u,password=****}).
     */
    public static String option(String name, String value) {
        if (value == null) {
            return "";
        }
        if (isSecretName(name)) {
            return MASK;
        }
        return subOptions(value);
    }

    /** Whether an option value carries a secret-like sub-option ({@code password=...} inside mount options). */
    public static boolean hasSecretSubOption(String value) {
        return value != null && !subOptions(value).equals(value);
    }

    /** Options with {@link #option(String, String)} applied to each value, in their order. */
    public static Map<String, String> options(Map<String, String> options) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, option(k, v)));
        return out;
    }

    /**
     * A URL as it may be shown: user info masked (not S3's or Azure's {@code bucket@region}), and secret-like query
     * parameters and sub-options masked. The rest is kept as written.
     */
    public static String url(String url) {
        if (url == null || url.isEmpty()) {
            return "";
        }
        String s = maskUserInfo(url);
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        int hash = s.indexOf('#', q);
        String query = hash < 0 ? s.substring(q + 1) : s.substring(q + 1, hash);
        String fragment = hash < 0 ? "" : s.substring(hash);
        StringBuilder out = new StringBuilder(s.length()).append(s, 0, q + 1);
        String[] params = query.split("&", -1);
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String p = params[i];
            int eq = p.indexOf('=');
            if (eq < 0) {
                out.append(p);
                continue;
            }
            String name = decode(p.substring(0, eq));
            String value = p.substring(eq + 1);
            out.append(p, 0, eq + 1);
            if (isSecretName(name)) {
                out.append(MASK);
            } else {
                String decoded = decode(value);
                out.append(hasSecretSubOption(decoded) ? subOptions(decoded) : value);
            }
        }
        return out.append(fragment).toString();
    }

    /**
     * Free text (an error message, a log line, a backend's answer) as it may be shown: every URL through
     * {@link #url(String)}, bearer and basic credentials, secret-like {@code NAME=value} pairs and AWS access key ids
     * masked.
     */
    public static String text(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String s = replace(URL_IN_TEXT, text, m -> url(m.group()));
        s = replace(BEARER, s, m -> m.group(1) + m.group(2) + MASK);
        s = replace(ASSIGNMENT, s, m -> m.group(1) + m.group(2) + m.group(3) + MASK);
        return AWS_KEY_ID.matcher(s).replaceAll(MASK);
    }

    private static String maskUserInfo(String url) {
        Matcher m = SCHEME.matcher(url);
        if (!m.find()) {
            return url;
        }
        int start = m.end();
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        String scheme = m.group(1).toLowerCase(java.util.Locale.ROOT);
        String userInfo = authority.substring(0, at);
        boolean bucketAtRegion = (scheme.equals("s3") || scheme.equals("azblob")) && userInfo.indexOf(':') < 0
                && userInfo.indexOf('@') < 0;
        if (bucketAtRegion) {
            return url;
        }
        return url.substring(0, start) + MASK + url.substring(start + at);
    }

    private static String subOptions(String value) {
        return replace(SUB_OPTION, value, m -> isSecretName(m.group(1)) ? m.group(1) + "=" + MASK : m.group());
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String replace(Pattern p, String s, java.util.function.Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}

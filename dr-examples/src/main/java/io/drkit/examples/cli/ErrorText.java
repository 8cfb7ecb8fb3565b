package io.drkit.examples.cli;

import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import io.drkit.core.util.Errors;
import io.drkit.core.util.Redaction;
import io.drkit.core.util.Terminal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's one wording of an error for users: one line, at most {@link #MAX_LENGTH} characters, no Java class names
 * ({@code io.drkit.core.InvalidInputException: } is dropped, a bare exception name becomes words), no part of the
 * message said twice, secrets redacted. The whole message and the stack trace are behind {@code --debug}.
 */
final class ErrorText {
    /** The longest error text printed without {@code --debug}. */
    static final int MAX_LENGTH = 600;

    /** A qualified exception class name, with the {@code ": "} that may follow it. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*(?:Exception|Error|Failure))(?::\\s*)?");

    private ErrorText() {
    }

    /**
     * The line for {@code e} after {@code dr COMMAND: }: a {@link DrException} by its message (or its kind when it has
     * none), anything else as an unexpected error; shortened unless {@code debug}.
     */
    static String of(Throwable e, boolean debug) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? kind(e) : e.getMessage();
        String text = e instanceof DrException ? m : "unexpected error: " + m;
        String clean = clean(Terminal.oneLine(Redaction.text(text)));
        if (debug) {
            return clean;
        }
        String s = bound(clean);
        return e instanceof DrException && s.equals(clean) ? s : s + " (--debug shows the details)";
    }

    /** {@code text} on one line, without class names or repeated parts, at most {@link #MAX_LENGTH} characters. */
    static String shorten(String text) {
        return bound(clean(Terminal.oneLine(Redaction.text(text == null ? "" : text))));
    }

    /**
     * Drops qualified class names (a bare one becomes words) and the parts of a {@code ": "} chain (of 8 characters or
     * more) said before.
     */
    static String clean(String text) {
        Matcher m = CLASS_NAME.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            boolean bare = !m.group().contains(":");
            m.appendReplacement(sb, bare ? Matcher.quoteReplacement(words(m.group(1))) : "");
        }
        m.appendTail(sb);
        List<String> kept = new ArrayList<>();
        for (String part : sb.toString().split(": ")) {
            String p = part.strip();
            if (!p.isEmpty() && (p.length() < 8 || kept.stream().noneMatch(k -> k.contains(p)))) {
                kept.add(p);
            }
        }
        return String.join(": ", kept);
    }

    private static String bound(String s) {
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH - 1).stripTrailing() + "…";
    }

    /** What went wrong, in words, when an exception has no message. */
    private static String kind(Throwable e) {
        if (e instanceof InvalidInputException) {
            return "invalid input";
        } else if (e instanceof NotFoundException) {
            return "not found";
        } else if (e instanceof ConflictException) {
            return "conflict";
        } else if (e instanceof DrTimeoutException) {
            return "timed out";
        } else if (e instanceof UnavailableException) {
            return "unavailable";
        } else if (e instanceof InvalidBackupDataException) {
            return "invalid backup data";
        } else if (e instanceof CancelledException) {
            return "cancelled";
        }
        return words(e.getClass().getSimpleName());
    }

    /** {@code SocketTimeoutException} as {@code socket timeout}: {@link Errors#words} without the suffix. */
    private static String words(String simpleName) {
        return Errors.words(simpleName.replaceAll("(Exception|Error)$", ""));
    }
}

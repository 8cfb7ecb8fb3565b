package io.drkit.core.util;

import java.util.Locale;

/** How an error reads in text for people (reports, logs, one-line failures): its message, or what kind it is. */
public final class Errors {
    private Errors() {
    }

    /**
     * The error's message; when it has none (or a blank one), its kind in words: {@code IllegalStateException} reads
     * {@code illegal state exception}, an anonymous or unnamed class {@code unexpected error}. Never a class's fully
     * qualified name.
     */
    public static String describe(Throwable e) {
        if (e == null) {
            return "unexpected error";
        }
        String message = e.getMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        return words(e.getClass().getSimpleName());
    }

    /**
     * A class's simple name as lower-case words: {@code SocketTimeoutException} as {@code socket timeout exception},
     * {@code UncheckedIOException} as {@code unchecked io exception}; an empty name as {@code unexpected error}.
     */
    public static String words(String simpleName) {
        if (simpleName.isEmpty()) {
            return "unexpected error";
        }
        StringBuilder sb = new StringBuilder(simpleName.length() + 8);
        for (int i = 0; i < simpleName.length(); i++) {
            char c = simpleName.charAt(i);
            boolean wordStart = Character.isUpperCase(c) && i > 0 && (Character.isLowerCase(simpleName.charAt(i - 1))
                    || Character.isDigit(simpleName.charAt(i - 1)) || (i + 1 < simpleName.length()
                    && Character.isLowerCase(simpleName.charAt(i + 1)) && Character.isUpperCase(simpleName.charAt(i - 1))));
            if (wordStart) {
                sb.append(' ');
            }
            sb.append(c);
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}

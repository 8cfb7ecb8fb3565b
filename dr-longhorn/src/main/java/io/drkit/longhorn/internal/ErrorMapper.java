package io.drkit.longhorn.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.DrException;
import io.drkit.longhorn.LonghornConflictException;
import io.drkit.longhorn.LonghornNotFoundException;
import io.drkit.longhorn.LonghornRequestException;
import io.drkit.longhorn.LonghornUnavailableException;
import java.util.Locale;

/**
 * Turns a non-2xx answer from Longhorn into the dr-core exception it means. Longhorn answers 404 for Kubernetes or
 * Longhorn NotFound errors (sometimes with an empty body) and 500 for everything else, admission-webhook rejections
 * included; the message inside its {@code {"type":"error"}} envelope is what tells them apart.
 */
public final class ErrorMapper {
    private static final int MAX_MESSAGE = 600;

    private ErrorMapper() {
    }

    /** Longhorn's message from an error body: the envelope's {@code message}, else the plain text; never HTML. */
    public static String longhornMessage(ObjectMapper mapper, String body, String contentType) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String t = body.trim();
        if (t.startsWith("{")) {
            try {
                JsonNode n = mapper.readTree(t);
                String m = Resources.text(n, "message");
                if (!m.isEmpty()) {
                    return clip(m);
                }
                String d = Resources.text(n, "detail");
                return clip(d.isEmpty() ? Resources.text(n, "code") : d);
            } catch (java.io.IOException e) {
                // not JSON after all: fall through to plain text
            }
        }
        if ((contentType != null && contentType.contains("html")) || t.startsWith("<")) {
            return "";
        }
        return clip(t);
    }

    /**
     * The exception for HTTP {@code status}.
     *
     * @param request what was requested ({@code POST /v1/volumes})
     * @param what    the object concerned ({@code volume restored-db})
     * @param message Longhorn's message (see {@link #longhornMessage})
     */
    public static DrException map(int status, String request, String what, String message) {
        String text = "Longhorn " + request + " for " + what + " answered HTTP " + status
                + (message.isEmpty() ? (status == 404 ? " (not found)" : "") : ": " + message);
        String m = message.toLowerCase(Locale.ROOT);
        if (status == 404) {
            return new LonghornNotFoundException(text, status, message, request);
        }
        if (status == 409 || m.contains("already exists")) {
            return new LonghornConflictException(text, status, message, request);
        }
        if (m.contains("cannot get backup") && !m.contains("from backup url")) {
            return new LonghornNotFoundException(text + " (Longhorn does not know this backup yet: it creates Backup "
                    + "resources only after a backup-target poll or sync)", status, message, request);
        }
        if (status == 401 || status == 403 || status == 407) {
            return new LonghornUnavailableException(text + " (check the credentials or headers given for the Ingress"
                    + " or proxy in front of Longhorn)", status, message, request, null);
        }
        if (status == 405) {
            return new LonghornRequestException(text + " (this Longhorn version does not have this endpoint)",
                    status, message, request);
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return new LonghornRequestException(text, status, message, request);
        }
        if (status == 500 && isRejection(m)) {
            return new LonghornRequestException(text, status, message, request);
        }
        return new LonghornUnavailableException(text, status, message, request, null);
    }

    /** Whether a failed read with this answer is worth retrying (transient server or proxy trouble). */
    public static boolean retryable(int status, DrException mapped) {
        return mapped instanceof LonghornUnavailableException && (status >= 500 || status == 408 || status == 429);
    }

    private static boolean isRejection(String m) {
        return m.contains("denied the request") || m.contains("invalid") || m.contains("failed to parse")
                || m.contains("is not supported") || m.contains("not allowed") || m.contains("cannot be")
                || m.contains("failed to read") || m.contains("must ") || m.contains("does not exist")
                || m.contains("already had") || m.contains("not ready") || m.contains("cannot found pv");
    }

    private static String clip(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= MAX_MESSAGE ? t : t.substring(0, MAX_MESSAGE) + "...";
    }
}

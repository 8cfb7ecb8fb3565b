package io.drkit.kubernetes.internal;

import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Translates fabric8's {@link KubernetesClientException} into the dr-core hierarchy at the module boundary, keeping
 * the native exception as the cause and naming the object, the operation and the HTTP status.
 */
public final class KubeErrors {
    private KubeErrors() {
    }

    /** HTTP status of {@code e}, or 0 when the request never got an answer. */
    public static int code(KubernetesClientException e) {
        return Math.max(0, e.getCode());
    }

    /** Whether {@code e} is an HTTP 404. */
    public static boolean isNotFound(KubernetesClientException e) {
        return e.getCode() == 404;
    }

    /** Whether {@code e} is an HTTP 409 (already exists, or a stale resourceVersion). */
    public static boolean isConflict(KubernetesClientException e) {
        return e.getCode() == 409;
    }

    /** Runs {@code call}, translating a fabric8 failure for {@code what} (e.g. "create Volume longhorn-system/x"). */
    public static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(what, e);
        }
    }

    /** Runs {@code call}, translating a fabric8 failure for {@code what}. */
    public static void run(String what, Runnable call) {
        try {
            call.run();
        } catch (KubernetesClientException e) {
            throw translate(what, e);
        }
    }

    /**
     * The dr-core exception for a failed {@code what}: 404 → not found, 409 → conflict, 400/422 → invalid input,
     * 401/403 → unavailable (naming the missing permission), 5xx/429 and I/O errors → unavailable, an interrupt →
     * cancelled (the thread's interrupt flag is restored).
     */
    public static DrException translate(String what, KubernetesClientException e) {
        int code = e.getCode();
        String detail = message(e);
        if (isInterrupt(e)) {
            Thread.currentThread().interrupt();
            return new CancelledException(what + " was interrupted", e);
        }
        return switch (code) {
            case 404 -> new NotFoundException(what + ": not found (HTTP 404)" + suffix(detail), e);
            case 409 -> new ConflictException(what + ": conflict (HTTP 409)" + suffix(detail), e);
            case 400, 422 -> new InvalidInputException(what + ": rejected by the API server (HTTP " + code + ")" + suffix(detail), e);
            case 401 -> new UnavailableException(what + ": not authenticated (HTTP 401)" + suffix(detail), code, e);
            case 403 -> new UnavailableException(what + ": forbidden (HTTP 403); the service account lacks this permission, "
                    + "see io/drkit/kubernetes/rbac.yaml" + suffix(detail), code, e);
            default -> code > 0
                    ? new UnavailableException(what + ": API server answered HTTP " + code + suffix(detail), code, e)
                    : new UnavailableException(what + ": API server not reachable" + (isTimeout(e) ? " (request timed out)" : "")
                    + suffix(detail), e);
        };
    }

    private static String suffix(String detail) {
        return detail.isEmpty() ? "" : ": " + detail;
    }

    private static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null) {
            return c.getClass().getSimpleName() + ": " + c.getMessage();
        }
        return "";
    }

    private static boolean isInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException
                    || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}

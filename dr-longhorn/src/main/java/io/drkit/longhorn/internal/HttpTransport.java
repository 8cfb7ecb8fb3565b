package io.drkit.longhorn.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.longhorn.LonghornNotFoundException;
import io.drkit.longhorn.LonghornUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to Longhorn's manager API and turns answers into JSON or dr-core exceptions. Reads (GETs and
 * read-only actions such as {@code backupList}) are retried with exponential backoff and jitter on I/O errors and
 * transient 5xx answers; writes are never retried here, because Longhorn may have acted on them. Thread-safe.
 *
 * <p>Logs one DEBUG line per call (method, path, status, time); never logs headers or bodies, so credentials and
 * backup-target secrets cannot leak.
 */
public final class HttpTransport {
    private static final Logger LOG = LoggerFactory.getLogger("io.drkit.longhorn.http");
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** The shared JSON mapper (unknown fields ignored). */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Retry settings for reads.
     *
     * @param maxRetries     retries after the first attempt (0 = none)
     * @param initialBackoff wait before the first retry; doubles per retry
     * @param maxBackoff     cap of the wait
     */
    public record Retry(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        /** Validates. */
        public Retry {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
        }
    }

    private final OkHttpClient http;
    private final HttpUrl base;
    private final Map<String, String> headers;
    private final Retry retry;
    private final String userAgent;

    /**
     * Creates a transport.
     *
     * @param http      the OkHttp client (timeouts, TLS and pooling are its business)
     * @param base      the base URL; {@code v1/...} segments are appended to its path
     * @param headers   headers added to every request (including {@code Authorization} when configured)
     * @param retry     retry settings for reads
     * @param userAgent the User-Agent (must not look like a browser, or Longhorn answers HTML)
     */
    public HttpTransport(OkHttpClient http, HttpUrl base, Map<String, String> headers, Retry retry, String userAgent) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = Objects.requireNonNull(base, "base");
        this.headers = Map.copyOf(headers);
        this.retry = Objects.requireNonNull(retry, "retry");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    }

    /** The base URL. */
    public HttpUrl base() {
        return base;
    }

    /** {@code GET v1/<segments>}, retried. */
    public JsonNode get(String what, String... segments) {
        return call("GET", url(null, segments), null, what, true);
    }

    /** {@code GET v1/<segments>}, retried; empty on 404 (with or without body). */
    public Optional<JsonNode> getIfPresent(String what, String... segments) {
        try {
            return Optional.of(get(what, segments));
        } catch (LonghornNotFoundException e) {
            if (e.httpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code POST v1/<segments>?action=<action>} with a JSON body (never empty); retried only if {@code readOnly}. */
    public JsonNode action(String what, boolean readOnly, String action, JsonNode body, String... segments) {
        return call("POST", url(action, segments), body == null ? MAPPER.createObjectNode() : body, what, readOnly);
    }

    /** {@code POST v1/<segments>} with a JSON body; not retried. */
    public JsonNode post(String what, JsonNode body, String... segments) {
        return call("POST", url(null, segments), body == null ? MAPPER.createObjectNode() : body, what, false);
    }

    /** {@code PUT v1/<segments>} with a JSON body; not retried. */
    public JsonNode put(String what, JsonNode body, String... segments) {
        return call("PUT", url(null, segments), body == null ? MAPPER.createObjectNode() : body, what, false);
    }

    private HttpUrl url(String action, String... segments) {
        HttpUrl.Builder b = base.newBuilder().addPathSegment("v1");
        for (String s : segments) {
            b.addPathSegment(s);
        }
        if (action != null) {
            b.addQueryParameter("action", action);
        }
        return b.build();
    }

    private JsonNode call(String method, HttpUrl url, JsonNode body, String what, boolean retryable) {
        String request = method + " " + url.encodedPath() + (url.query() == null ? "" : "?" + url.query());
        Request.Builder rb = new Request.Builder().url(url)
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        headers.forEach(rb::header);
        if (body != null) {
            String json;
            try {
                json = MAPPER.writeValueAsString(body);
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode request body for " + request, e);
            }
            rb.method(method, RequestBody.create(json, JSON));
        } else {
            rb.method(method, null);
        }
        Request req = rb.build();
        int attempts = 1 + (retryable ? retry.maxRetries() : 0);
        DrException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                backoff(attempt - 1, request);
            }
            long t0 = System.nanoTime();
            try (Response resp = http.newCall(req).execute()) {
                int status = resp.code();
                String text = resp.body().string();
                String contentType = resp.header("Content-Type", "");
                LOG.debug("{} -> {} in {} ms (attempt {}/{})", request, status, (System.nanoTime() - t0) / 1_000_000,
                        attempt, attempts);
                if (status >= 200 && status < 300) {
                    return parse(text, contentType, request, what);
                }
                DrException mapped = ErrorMapper.map(status, request, what,
                        ErrorMapper.longhornMessage(MAPPER, text, contentType));
                if (!ErrorMapper.retryable(status, mapped) || attempt == attempts) {
                    if (attempt > 1 && mapped instanceof LonghornUnavailableException u) {
                        throw new LonghornUnavailableException(u.getMessage() + " (after " + attempt + " attempts)",
                                status, u.longhornMessage(), request, null);
                    }
                    throw mapped;
                }
                last = mapped;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancelledException("Longhorn " + request + " for " + what + " was interrupted", e);
                }
                LOG.debug("{} failed after {} ms (attempt {}/{}): {}", request, (System.nanoTime() - t0) / 1_000_000,
                        attempt, attempts, e.toString());
                last = new LonghornUnavailableException("Longhorn at " + base + " is unreachable: " + request + " for "
                        + what + " failed" + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + e,
                        -1, "", request, e);
                if (attempt == attempts) {
                    throw last;
                }
            }
        }
        throw last;
    }

    private void backoff(int retryNumber, String request) {
        long initial = Math.max(1, retry.initialBackoff().toMillis());
        long cap = Math.max(initial, retry.maxBackoff().toMillis());
        long exp = Math.min(cap, initial << Math.min(20, retryNumber - 1));
        long wait = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("retry of Longhorn " + request + " was interrupted", e);
        }
    }

    private JsonNode parse(String text, String contentType, String request, String what) {
        if (contentType != null && contentType.contains("html")) {
            throw new InvalidBackupDataException(request, "Longhorn answered HTML instead of JSON for " + what
                    + ": the base URL " + base + " probably points at a web page rather than the manager API");
        }
        if (text == null || text.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new InvalidBackupDataException(request, "Longhorn answered invalid JSON for " + what + ": "
                    + e.getMessage(), e);
        }
    }
}

package io.drkit.longhorn.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.JsonLimits;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.longhorn.LonghornNotFoundException;
import io.drkit.longhorn.LonghornUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to Longhorn's manager API and turns answers into JSON or dr-core exceptions. Reads (GETs and
 * read-only actions such as {@code backupList}) are retried with exponential backoff and jitter on I/O errors and
 * transient 5xx answers; writes are never retried here, because Longhorn may have acted on them. Thread-safe.
 *
 * <p>Answers are read as streams, bounded by {@link JsonLimits#LONGHORN_API}: collections item by item (each item
 * parsed into its value and the rest of it dropped), single resources as one bounded item, error bodies up to 64 KiB.
 * A 2xx answer that is empty, truncated, HTML, not JSON or over a bound is a {@link LonghornUnavailableException}
 * naming the request and the status, never an empty result; a truncated one is retried like an I/O error.
 *
 * <p>Logs one DEBUG line per call (method, path, status, time); never logs headers or bodies, so credentials and
 * backup-target secrets cannot leak.
 */
public final class HttpTransport {
    private static final Logger LOG = LoggerFactory.getLogger("io.drkit.longhorn.http");
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final JsonLimits LIMITS = JsonLimits.LONGHORN_API;
    private static final JsonFactory FACTORY = LIMITS.factory();

    /** The shared JSON mapper (unknown fields ignored), bounded by {@link JsonLimits#LONGHORN_API}. */
    public static final ObjectMapper MAPPER = LIMITS.mapper();

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

    /** {@code GET v1/<segments>}, retried; one JSON document of at most the per-item bound. */
    public JsonNode get(String what, String... segments) {
        return call("GET", url(null, segments), null, what, true, this::document);
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

    /**
     * {@code GET v1/<segments>} of a collection, retried: the {@code data} items are streamed and each is parsed into
     * its value as soon as it is read (see {@link #list}).
     */
    public <T> Parsed<T> getList(String what, Function<JsonNode, String> where, Function<JsonNode, T> parse,
                                 String... segments) {
        return call("GET", url(null, segments), null, what, true, (p, request) -> list(p, request, where, parse));
    }

    /** {@code POST v1/<segments>?action=<action>} that answers a collection, streamed as {@link #getList}. */
    public <T> Parsed<T> actionList(String what, boolean readOnly, String action, JsonNode body,
                                    Function<JsonNode, String> where, Function<JsonNode, T> parse, String... segments) {
        return call("POST", url(action, segments), body == null ? MAPPER.createObjectNode() : body, what, readOnly,
                (p, request) -> list(p, request, where, parse));
    }

    /** {@code POST v1/<segments>?action=<action>} with a JSON body (never empty); retried only if {@code readOnly}. */
    public JsonNode action(String what, boolean readOnly, String action, JsonNode body, String... segments) {
        return call("POST", url(action, segments), body == null ? MAPPER.createObjectNode() : body, what, readOnly,
                this::document);
    }

    /** {@code POST v1/<segments>} with a JSON body; not retried. */
    public JsonNode post(String what, JsonNode body, String... segments) {
        return call("POST", url(null, segments), body == null ? MAPPER.createObjectNode() : body, what, false,
                this::document);
    }

    /** {@code PUT v1/<segments>} with a JSON body; not retried. */
    public JsonNode put(String what, JsonNode body, String... segments) {
        return call("PUT", url(null, segments), body == null ? MAPPER.createObjectNode() : body, what, false,
                this::document);
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

    /** Reads a 2xx body from the parser positioned on its first token. */
    private interface BodyReader<R> {
        R read(JsonParser p, String request) throws IOException;
    }

    private <R> R call(String method, HttpUrl url, JsonNode body, String what, boolean retryable, BodyReader<R> reader) {
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
                String contentType = resp.header("Content-Type", "");
                LOG.debug("{} -> {} in {} ms (attempt {}/{})", request, status, (System.nanoTime() - t0) / 1_000_000,
                        attempt, attempts);
                if (status >= 200 && status < 300) {
                    try {
                        return answer(resp, status, contentType, request, what, reader);
                    } catch (Truncated e) {
                        last = e.error;
                        if (attempt == attempts) {
                            throw last;
                        }
                        continue;
                    }
                }
                String text = errorText(resp.body());
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

    /** A 2xx answer that ended early: worth another attempt for a read. */
    private static final class Truncated extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient LonghornUnavailableException error;

        Truncated(LonghornUnavailableException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    /**
     * Reads a 2xx body with {@link JsonLimits#LONGHORN_API}. An empty, truncated, HTML or otherwise non-JSON body, or
     * one over a bound, is never success: it is a {@link LonghornUnavailableException} naming the request and status.
     */
    private <R> R answer(Response resp, int status, String contentType, String request, String what,
                         BodyReader<R> reader) throws IOException, Truncated {
        String at = " (HTTP " + status + " to " + request + " for " + what + ")";
        if (contentType != null && contentType.contains("html")) {
            throw new LonghornUnavailableException("Longhorn answered HTML instead of JSON" + at + ": the base URL "
                    + base + " probably points at a web page rather than the manager API", status, "", request, null);
        }
        ResponseBody rb = resp.body();
        long declared = rb.contentLength();
        if (LIMITS.maxDocumentBytes() > 0 && declared > LIMITS.maxDocumentBytes()) {
            throw new LonghornUnavailableException(LIMITS.name() + " exceeds a limit: the body is " + declared
                    + " bytes, more than " + LIMITS.maxDocumentBytes() + at, status, "", request, null);
        }
        try (JsonParser p = FACTORY.createParser(rb.byteStream())) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() == null) {
                throw new LonghornUnavailableException("Longhorn answered with an empty body" + at + ": an answer that"
                        + " cannot be read is never taken as an empty result", status, "", request, null);
            }
            R result = reader.read(p, request);
            if (p.nextToken() != null) {
                throw new LonghornUnavailableException("Longhorn's answer has content after its JSON document" + at,
                        status, "", request, null);
            }
            return result;
        } catch (StreamConstraintsException e) {
            throw new LonghornUnavailableException(LIMITS.describe(e) + at, status, "", request, e);
        } catch (JsonEOFException e) {
            throw new Truncated(new LonghornUnavailableException("Longhorn's answer ended early (truncated JSON)" + at,
                    status, "", request, e));
        } catch (JsonParseException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().contains("end-of-input")) {
                throw new Truncated(new LonghornUnavailableException("Longhorn's answer ended early (truncated JSON)"
                        + at, status, "", request, e));
            }
            throw new LonghornUnavailableException("Longhorn's answer is not the JSON expected" + at + ": "
                    + e.getOriginalMessage(), status, "", request, e);
        }
    }

    /** One document: at most one item's bound, as a tree. */
    private JsonNode document(JsonParser p, String request) throws IOException {
        return LIMITS.readItem(p, "the answer to " + request);
    }

    /**
     * A Longhorn collection ({@code {"type":"collection","data":[...], ...}}): every field but {@code data} is skipped
     * without being held; each {@code data} item is read as a tree of at most {@link JsonLimits#maxEntryBytes()},
     * parsed into its value, and dropped. A malformed item is skipped with a WARN and reported in
     * {@link Parsed#skipped()}; more than {@link JsonLimits#maxEntries()} items, or no {@code data} at all, fails.
     */
    private <T> Parsed<T> list(JsonParser p, String request, Function<JsonNode, String> where,
                               Function<JsonNode, T> parse) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "a Longhorn collection must be a JSON object");
        }
        List<T> items = new ArrayList<>();
        List<SkippedEntry> skipped = new ArrayList<>();
        boolean sawData = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (!field.equals("data")) {
                p.skipChildren();
                continue;
            }
            sawData = true;
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new JsonParseException(p, "the collection's data is not an array");
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (i >= LIMITS.maxEntries()) {
                    throw new StreamConstraintsException(LIMITS.tooManyEntries("data"));
                }
                JsonNode n = LIMITS.readItem(p, "data[" + i + "]");
                i++;
                try {
                    items.add(parse.apply(n));
                } catch (InvalidBackupDataException | IllegalArgumentException e) {
                    String w = where.apply(n);
                    String detail = e instanceof InvalidBackupDataException ibd ? ibd.detail() : e.getMessage();
                    LOG.warn("skipping malformed Longhorn entry {}: {}", w, detail);
                    skipped.add(new SkippedEntry(w, SkippedEntry.Reason.INVALID_DATA, detail));
                }
            }
        }
        if (!sawData) {
            throw new JsonParseException(p, "the answer to " + request + " is not a Longhorn collection (no data)");
        }
        return new Parsed<>(items, skipped);
    }

    /** An error answer's text, at most {@value #MAX_ERROR_BODY} bytes of it. */
    private static String errorText(ResponseBody body) throws IOException {
        byte[] b = body.byteStream().readNBytes(MAX_ERROR_BODY);
        return new String(b, StandardCharsets.UTF_8);
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
}

package io.drkit.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of a real S3 server that damages the response <em>bodies</em> of chosen requests,
 * after correct headers: it cuts a body off halfway ("Premature end of Content-Length"), or trickles it one byte at
 * a time. One request per connection (it asks both sides for {@code Connection: close}, a header SigV4 does not
 * sign), so every request is seen. Requests whose request line does not match, and matching ones once the faults are
 * used up, pass unchanged. With {@code firstAttemptOnly}, only the first of identical requests (same request line and
 * range) is damaged: every read fails once, its retry succeeds.
 */
final class BodyFaultProxy implements AutoCloseable {
    enum Fault { TRUNCATE, TRICKLE }

    private final ServerSocket server;
    private final URI target;
    private final Fault fault;
    private final Predicate<String> requestLine;
    private final AtomicInteger faultsLeft;
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final Duration trickle;
    private final boolean firstAttemptOnly;
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "body-fault-proxy");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param requestLine which requests to damage, by their request line ({@code GET /bucket/key?... HTTP/1.1})
     * @param faults      how many (-1: all)
     * @param trickle     for {@link Fault#TRICKLE}, the pause between two bytes
     */
    BodyFaultProxy(URI target, Fault fault, Predicate<String> requestLine, int faults, Duration trickle) throws IOException {
        this(target, fault, requestLine, faults, trickle, false);
    }

    BodyFaultProxy(URI target, Fault fault, Predicate<String> requestLine, int faults, Duration trickle,
                   boolean firstAttemptOnly) throws IOException {
        this.firstAttemptOnly = firstAttemptOnly;
        this.target = target;
        this.fault = fault;
        this.requestLine = requestLine;
        this.faultsLeft = new AtomicInteger(faults < 0 ? Integer.MAX_VALUE : faults);
        this.trickle = trickle;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(this::accept);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    int faultsInjected() {
        return faultsInjected.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                pool.execute(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client; Socket upstream = new Socket()) {
            InputStream fromClient = client.getInputStream();
            String head = readHead(fromClient);
            if (head == null) {
                return;
            }
            String line = head.substring(0, head.indexOf("\r\n"));
            boolean damage = requestLine.test(line) && (!firstAttemptOnly || seen.add(line + " " + range(head)))
                    && faultsLeft.getAndDecrement() > 0;
            upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
            OutputStream toUpstream = upstream.getOutputStream();
            toUpstream.write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
            toUpstream.flush();
            pool.execute(() -> copy(fromClient, toUpstream)); // a request body, if any
            InputStream fromUpstream = upstream.getInputStream();
            OutputStream toClient = client.getOutputStream();
            String responseHead = readHead(fromUpstream);
            if (responseHead == null) {
                return;
            }
            toClient.write(withConnectionClose(responseHead).getBytes(StandardCharsets.ISO_8859_1));
            toClient.flush();
            long length = contentLength(responseHead);
            if (!damage || length <= 1) {
                fromUpstream.transferTo(toClient);
                return;
            }
            faultsInjected.incrementAndGet();
            if (fault == Fault.TRUNCATE) {
                byte[] half = fromUpstream.readNBytes((int) (length / 2));
                toClient.write(half);
                toClient.flush();
                client.setSoLinger(true, 0);
                return; // closing both ends the body early
            }
            for (long i = 0; i < length; i++) {
                int b = fromUpstream.read();
                if (b < 0) {
                    return;
                }
                toClient.write(b);
                toClient.flush();
                Thread.sleep(trickle.toMillis());
            }
        } catch (IOException e) {
            // a side closed: done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while (state < 4 && (b = in.read()) >= 0) {
            buf.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return state == 4 ? buf.toString(StandardCharsets.ISO_8859_1) : null;
    }

    private static String withConnectionClose(String head) {
        StringBuilder out = new StringBuilder();
        for (String l : head.split("\r\n")) {
            if (!l.isEmpty() && !l.toLowerCase(Locale.ROOT).startsWith("connection:")
                    && !l.toLowerCase(Locale.ROOT).startsWith("keep-alive:")) {
                out.append(l).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }

    private static String range(String head) {
        for (String l : head.split("\r\n")) {
            if (l.toLowerCase(Locale.ROOT).startsWith("range:")) {
                return l.substring(l.indexOf(':') + 1).trim();
            }
        }
        return "";
    }

    private static long contentLength(String head) {
        for (String l : head.split("\r\n")) {
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}

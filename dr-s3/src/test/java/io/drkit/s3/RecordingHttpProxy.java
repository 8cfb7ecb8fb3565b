package io.drkit.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal forward HTTP proxy on loopback for plain-HTTP targets: reads the request head (absolute-form URI, as
 * clients send to a proxy), connects to the named host and pipes both ways. Counts the connections it proxied.
 */
final class RecordingHttpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger proxied = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-http-proxy");
        t.setDaemon(true);
        return t;
    });

    RecordingHttpProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    pool.execute(() -> handle(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    int proxiedConnections() {
        return proxied.get();
    }

    private void handle(Socket client) {
        try {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            int b;
            while (state < 4 && (b = in.read()) >= 0) {
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            String firstLine = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            URI target = URI.create(firstLine.split(" ")[1]);
            Socket upstream = new Socket(target.getHost(), target.getPort());
            proxied.incrementAndGet();
            OutputStream up = upstream.getOutputStream();
            up.write(head.toByteArray()); // servers accept the absolute-form request line
            up.flush();
            pool.execute(() -> pipe(in, upstream, client));
            pipe(upstream.getInputStream(), client, upstream);
        } catch (IOException | RuntimeException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static void pipe(InputStream from, Socket to, Socket other) {
        try (OutputStream out = to.getOutputStream()) {
            from.transferTo(out);
        } catch (IOException e) {
            // closed
        } finally {
            try {
                to.close();
                other.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}

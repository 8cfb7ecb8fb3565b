package io.drkit.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy that caps the bandwidth from a server to all its clients together, so that a benchmark can
 * show behaviour over a network link of a given speed (a remote S3 endpoint) instead of loopback. Benchmark use only.
 */
final class ThrottledProxy implements AutoCloseable {
    private static final int CHUNK = 64 << 10;
    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final double nanosPerByte;
    private long nextFree;
    private volatile boolean closed;

    /** Forwards connections to {@code target} (http://host:port), at most {@code bytesPerSecond} towards the clients. */
    ThrottledProxy(URI target, long bytesPerSecond) throws IOException {
        this.upstream = new InetSocketAddress(target.getHost(), target.getPort());
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "throttled-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The proxy's endpoint, {@code http://127.0.0.1:<port>}. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("throttled proxy: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (throttled) {
                        waitForBandwidth(n);
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // connection closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "throttled-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Reserves the link for {@code n} bytes (shared by all connections) and waits for the reserved slot. */
    private void waitForBandwidth(int n) throws InterruptedException {
        long start;
        synchronized (this) {
            long now = System.nanoTime();
            start = Math.max(now, nextFree);
            nextFree = start + (long) (n * nanosPerByte);
        }
        long wait = start - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}

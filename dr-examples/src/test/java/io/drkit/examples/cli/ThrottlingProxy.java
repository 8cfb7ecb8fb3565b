package io.drkit.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 that passes requests through at once and responses at about {@code bytesPerSecond} per
 * connection: a slow store for tests that must interrupt a restore in the middle. {@link #close()} resets every
 * connection.
 */
final class ThrottlingProxy implements AutoCloseable {
    private static final int CHUNK = 8 << 10;
    private final ServerSocket server;
    private final URI upstream;
    private final long pauseMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ThrottlingProxy(URI upstream, int bytesPerSecond) throws IOException {
        this.upstream = upstream;
        this.pauseMillis = Math.max(1, 1000L * CHUNK / bytesPerSecond);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "throttling-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket up = new Socket();
                up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()));
                sockets.add(client);
                sockets.add(up);
                pump(client.getInputStream(), up.getOutputStream(), 0);
                pump(up.getInputStream(), client.getOutputStream(), pauseMillis);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(InputStream in, OutputStream out, long pause) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    if (pause > 0) {
                        Thread.sleep(pause);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // a side closed
            } finally {
                closeQuietly(in);
                closeQuietly(out);
            }
        }, "throttling-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // reset, not a clean end of the response
            } catch (IOException e) {
                // closing anyway
            }
            closeQuietly(s);
        }
    }
}

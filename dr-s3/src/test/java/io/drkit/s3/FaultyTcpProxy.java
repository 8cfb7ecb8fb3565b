package io.drkit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a real HTTP server that injects faults into the first connections: an HTTP
 * {@code 503 SlowDown} answer (S3 throttling) or a connection reset. Later connections are piped through unchanged.
 * SigV4 signatures stay valid because the Host header is the proxy's, which the client signed.
 */
final class FaultyTcpProxy implements AutoCloseable {
    enum Fault { SLOW_DOWN, RESET }

    private final ServerSocket server;
    private final URI target;
    private final Fault fault;
    private final AtomicInteger faultsLeft;
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-proxy");
        t.setDaemon(true);
        return t;
    });

    FaultyTcpProxy(URI target, Fault fault, int faults) throws IOException {
        this.target = target;
        this.fault = fault;
        this.faultsLeft = new AtomicInteger(faults);
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
        try {
            if (faultsLeft.getAndDecrement() > 0) {
                faultsInjected.incrementAndGet();
                readHead(client.getInputStream());
                if (fault == Fault.RESET) {
                    client.setSoLinger(true, 0);
                    client.close();
                    return;
                }
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                        + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                client.close();
                return;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
            pool.execute(() -> pipe(client, upstream));
            pipe(upstream, client);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        int b;
        while (state < 4 && (b = in.read()) >= 0) {
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // connection closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}

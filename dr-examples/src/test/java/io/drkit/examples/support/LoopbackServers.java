package io.drkit.examples.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backends that do not answer as they should, on loopback only: a closed port (connection refused), a blackhole
 * (accepts TCP connections and never answers), and a stub HTTP server that answers every request with one status
 * and records what was asked. Plus a kubeconfig writer pointing contexts at any of them.
 */
public final class LoopbackServers {
    private LoopbackServers() {
    }

    /** A loopback port nothing listens on (bound, then released). */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<closed port>}. */
    public static String closedUrl() {
        return "http://127.0.0.1:" + closedPort();
    }

    /** Accepts connections and never reads or writes a byte. */
    public static final class Blackhole implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();

        /** Starts listening on 127.0.0.1 and a free port. */
        public Blackhole() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        held.add(socket.accept());
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "blackhole");
            t.setDaemon(true);
            t.start();
        }

        /** {@code http://127.0.0.1:<port>}. */
        public String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        /** Connections accepted so far. */
        public int accepted() {
            return accepted.get();
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (Socket s : held) {
                    s.close();
                }
            } catch (IOException e) {
                // best effort
            }
        }
    }

    /** Answers every request with one status and JSON body, recording {@code METHOD path} of each. */
    public static final class StubHttpServer implements AutoCloseable {
        private final HttpServer server;
        private final List<String> requests = new CopyOnWriteArrayList<>();

        /** Starts on 127.0.0.1 and a free port. */
        public StubHttpServer(int status, String jsonBody) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        /** {@code http://127.0.0.1:<port>}. */
        public String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** {@code METHOD path} of every request so far, in order. */
        public List<String> requests() {
            return new ArrayList<>(requests);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * Writes a kubeconfig with one context per {@code name=server} pair (user {@code <name>-user} with a token), the
     * first one current.
     */
    public static Path kubeconfig(Path file, String... contexts) {
        StringBuilder clusters = new StringBuilder();
        StringBuilder ctxs = new StringBuilder();
        StringBuilder users = new StringBuilder();
        String current = null;
        for (String c : contexts) {
            String name = c.substring(0, c.indexOf('='));
            String server = c.substring(c.indexOf('=') + 1);
            current = current == null ? name : current;
            clusters.append("- name: ").append(name).append("-cluster\n  cluster:\n    server: ").append(server).append('\n');
            ctxs.append("- name: ").append(name).append("\n  context:\n    cluster: ").append(name)
                    .append("-cluster\n    user: ").append(name).append("-user\n    namespace: default\n");
            users.append("- name: ").append(name).append("-user\n  user:\n    token: token-of-").append(name).append('\n');
        }
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n" + clusters + "contexts:\n" + ctxs
                + "current-context: " + current + "\nusers:\n" + users;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

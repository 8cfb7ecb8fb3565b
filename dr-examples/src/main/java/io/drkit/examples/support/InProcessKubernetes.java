package io.drkit.examples.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process Kubernetes API for the drill and the example tests: fabric8's mock server in CRUD mode on loopback.
 * It stores and serves objects (create, get, list, watch, update, patch, delete) but runs no controllers; pair it
 * with {@code io.drkit.kubernetes.testing.SimulatedLonghorn} to play Longhorn and the PV controller. Not a real
 * kube-apiserver: no admission webhooks, no RBAC enforcement, set-based label selectors are ignored.
 */
public final class InProcessKubernetes implements AutoCloseable {
    private final KubernetesMockServer server;
    private final Config config;
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();

    private InProcessKubernetes() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient base = server.createClient();
        config = base.getConfiguration();
        base.close();
    }

    /** Starts a fresh, empty API server on 127.0.0.1 and a random port. */
    public static InProcessKubernetes start() {
        return new InProcessKubernetes();
    }

    /** The server's URL. */
    public String url() {
        return config.getMasterUrl();
    }

    /**
     * A new client of this server, identified by {@code userAgent}; closed with the server unless the caller closes
     * it first. The request timeout is short because every answer of the in-process server takes milliseconds.
     */
    public KubernetesClient newClient(String userAgent) {
        KubernetesClient c = new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).withUserAgent(userAgent)
                .withRequestTimeout(10_000).build()).build();
        clients.add(c);
        return c;
    }

    /** Stops the server and closes every client it handed out. */
    @Override
    public void close() {
        for (KubernetesClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        server.destroy();
    }
}

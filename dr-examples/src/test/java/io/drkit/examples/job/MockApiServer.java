package io.drkit.examples.job;

import io.drkit.kubernetes.RbacManifest;
import io.drkit.kubernetes.testing.LonghornCrds;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fabric8 mock API server in CRUD mode on loopback with Longhorn's CRDs registered, recording every request with
 * a sequence number from a counter it shares with {@link SequencedOutput}, so that a test can tell whether a line was
 * printed before or after a request. Clients are told apart by their User-Agent.
 */
final class MockApiServer implements AutoCloseable {
    static final String JOB = "drkit-restore-job";
    static final String SIMULATOR = "simulated-longhorn";
    static final String ADMIN = "test-admin";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** One request. */
    record Call(long seq, String agent, String method, String path, String query) {
        boolean isWrite() {
            return WRITES.contains(method);
        }

        /**
         * The permission Kubernetes RBAC checks for this request (API group, resource, verb, namespace), or null for
         * non-resource paths such as discovery.
         */
        RbacManifest.Access access() {
            return RbacManifest.Access.of(method, path, query);
        }
    }

    private final AtomicLong sequence;
    private final KubernetesMockServer server;
    private final Config config;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
    private final KubernetesClient admin;
    private final java.util.concurrent.atomic.AtomicBoolean longhornInstalled = new java.util.concurrent.atomic.AtomicBoolean();

    MockApiServer(AtomicLong sequence) {
        this(sequence, true);
    }

    /**
     * A server with Longhorn's CRDs registered, or without ({@code withLonghorn} false): then every request for a
     * {@code longhorn.io} resource is answered 404 as by a real API server that does not know the group, until
     * {@link #installLonghornCrds()}.
     */
    MockApiServer(AtomicLong sequence, boolean withLonghorn) {
        this.sequence = sequence;
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String path = r.getPath();
                int q = path.indexOf('?');
                calls.add(new Call(sequence.incrementAndGet(), String.valueOf(r.getHeader("User-Agent")), r.getMethod(),
                        q < 0 ? path : path.substring(0, q), q < 0 ? "" : path.substring(q + 1)));
                if (!longhornInstalled.get() && path.startsWith("/apis/longhorn.io/")) {
                    return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"message\":\"the server could not find the requested resource\","
                            + "\"reason\":\"NotFound\",\"code\":404}");
                }
                return super.dispatch(r);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient base = server.createClient();
        config = base.getConfiguration();
        base.close();
        admin = client(ADMIN);
        if (withLonghorn) {
            installLonghornCrds();
        }
    }

    /** Registers Longhorn's CRDs: from now on the {@code longhorn.io} resources are served. */
    void installLonghornCrds() {
        LonghornCrds.register(admin);
        longhornInstalled.set(true);
    }

    /** A new client with {@code agent} as its User-Agent; the caller closes it (or the server does, at the end). */
    KubernetesClient client(String agent) {
        // a short request timeout bounds the cost of a rare request the mock leaves unanswered (fabric8 retries it)
        KubernetesClient c = new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).withUserAgent(agent)
                .withRequestTimeout(5_000).build()).build();
        clients.add(c);
        return c;
    }

    /** The API server's URL. */
    String url() {
        return config.getMasterUrl();
    }

    /** The test's own client. */
    KubernetesClient admin() {
        return admin;
    }

    /** Every request so far. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests by {@code agent}. */
    List<Call> callsBy(String agent) {
        return calls.stream().filter(c -> c.agent().equals(agent)).toList();
    }

    /** Requests that changed something, by {@code agent}. */
    List<Call> writesBy(String agent) {
        return calls.stream().filter(c -> c.agent().equals(agent) && c.isWrite()).toList();
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        server.destroy();
    }
}

package io.drkit.kubernetes;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fabric8 mock API server in CRUD mode on loopback with the Longhorn CRDs registered, plus three clients told apart
 * by their User-Agent: the library's ({@link #client()}), the simulated Longhorn's ({@link #simClient()}) and the
 * test's own for arranging and asserting ({@link #admin()}). Every request is recorded, and faults can be injected
 * for chosen requests (a first-class fake for error paths). Close it at the end of the test.
 */
final class MockCluster implements AutoCloseable {
    static final String LIBRARY = "drkit-under-test";
    static final String SIMULATOR = "simulated-longhorn";
    static final String ADMIN = "test-admin";

    /** One recorded request. */
    record Call(String agent, String method, String path, String query, String body) {
        /** The request as Kubernetes RBAC sees it: (API group, resource, verb), or null for non-resource paths. */
        RbacManifest.Access access() {
            return RbacManifest.Access.of(method, path, query);
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " [" + agent + "]";
        }
    }

    /** A fault: answer matching requests with {@code code} for the next {@code times} matches. */
    private record Fault(Predicate<Call> matches, int code, String message, AtomicInteger remaining, boolean performFirst) {
    }

    private final KubernetesMockServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Call>> observers = new CopyOnWriteArrayList<>();
    private final KubernetesClient client;
    private final KubernetesClient sim;
    private final KubernetesClient admin;

    private MockCluster() {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String full = r.getPath();
                int q = full.indexOf('?');
                String path = q < 0 ? full : full.substring(0, q);
                String query = q < 0 ? "" : URLDecoder.decode(full.substring(q + 1), StandardCharsets.UTF_8);
                String agent = String.valueOf(r.getHeader("User-Agent"));
                String body = r.getBody() == null ? "" : new String(r.getBody().getBytes(), StandardCharsets.UTF_8);
                Call call = new Call(agent, r.getMethod(), path, query, body == null ? "" : body);
                calls.add(call);
                observers.forEach(o -> o.accept(call));
                for (Fault f : faults) {
                    if (f.matches().test(call) && f.remaining().getAndDecrement() > 0) {
                        if (f.performFirst()) {
                            super.dispatch(r);
                        }
                        return new MockResponse().setResponseCode(f.code()).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                + "\"status\":\"Failure\",\"code\":" + f.code() + ",\"message\":\"" + f.message() + "\"}");
                    }
                }
                return super.dispatch(r);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient base = server.createClient();
        Config cfg = base.getConfiguration();
        base.close();
        client = clientWith(cfg, LIBRARY);
        sim = clientWith(cfg, SIMULATOR);
        admin = clientWith(cfg, ADMIN);
        LonghornCrds.register(admin);
    }

    private static KubernetesClient clientWith(Config cfg, String agent) {
        // a short request timeout bounds the cost of the rare request the mock server leaves unanswered
        // (fabric8 retries it); every answer of the in-process mock takes milliseconds
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(cfg).withUserAgent(agent)
                .withRequestTimeout(5_000).build()).build();
    }

    /** Starts a fresh server. */
    static MockCluster start() {
        return new MockCluster();
    }

    /** The library's client. */
    KubernetesClient client() {
        return client;
    }

    /** The simulated Longhorn's client. */
    KubernetesClient simClient() {
        return sim;
    }

    /** The test's own client. */
    KubernetesClient admin() {
        return admin;
    }

    /** Answers the next {@code times} matching requests with HTTP {@code code} and {@code message}. */
    void fail(Predicate<Call> matches, int code, String message, int times) {
        faults.add(new Fault(matches, code, message.replace("\"", "'"), new AtomicInteger(times), false));
    }

    /** Carries out the next matching request, then answers it with HTTP {@code code}: a concurrent writer got there first. */
    void performThenFail(Predicate<Call> matches, int code, String message) {
        faults.add(new Fault(matches, code, message.replace("\"", "'"), new AtomicInteger(1), true));
    }

    /**
     * Calls {@code observer} with every request (body included) before the server carries it out: a test can look at
     * the world as it is at the moment something is published.
     */
    void observe(java.util.function.Consumer<Call> observer) {
        observers.add(observer);
    }

    /** The library's write requests (anything but GET). */
    List<Call> libraryWrites() {
        return libraryCalls().stream().filter(c -> !c.method().equals("GET")).toList();
    }

    /** Every request the library's client made, in order. */
    List<Call> libraryCalls() {
        List<Call> out = new ArrayList<>();
        for (Call c : calls) {
            if (c.agent().startsWith(LIBRARY)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every request made by anyone. */
    List<Call> allCalls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        client.close();
        sim.close();
        admin.close();
        server.destroy();
    }
}

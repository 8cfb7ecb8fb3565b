package io.drkit.kubernetes.internal;

import io.drkit.core.UnavailableException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Kubernetes client that is either borrowed from the caller (never closed here) or built by this library from the
 * default configuration (kubeconfig or in-cluster service account) and closed with the owner.
 */
public final class ClientHandle implements AutoCloseable {
    private final KubernetesClient client;
    private final boolean owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClientHandle(KubernetesClient client, boolean owned) {
        this.client = client;
        this.owned = owned;
    }

    /** Wraps the caller's client, or builds one from the default configuration when {@code client} is null. */
    public static ClientHandle of(KubernetesClient client, Duration requestTimeout) {
        if (client != null) {
            return new ClientHandle(client, false);
        }
        try {
            Config base = Config.autoConfigure(null);
            int ms = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
            Config cfg = new ConfigBuilder(base).withRequestTimeout(ms).withConnectionTimeout(Math.min(ms, 10_000)).build();
            return new ClientHandle(new KubernetesClientBuilder().withConfig(cfg).build(), true);
        } catch (KubernetesClientException | IllegalStateException e) {
            throw new UnavailableException("cannot configure a Kubernetes client from kubeconfig or the in-cluster "
                    + "service account: " + e.getMessage(), e);
        }
    }

    /** The client. */
    public KubernetesClient client() {
        return client;
    }

    /** The API server URL, safe to print. */
    public String masterUrl() {
        try {
            return String.valueOf(client.getMasterUrl());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** Closes the client if this library built it; idempotent. */
    @Override
    public void close() {
        if (owned && closed.compareAndSet(false, true)) {
            client.close();
        }
    }
}

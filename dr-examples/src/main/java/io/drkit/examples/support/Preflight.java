package io.drkit.examples.support;

import io.drkit.core.CancelledException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.model.BackupTarget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The check every command makes, once and before anything else, that the backends it needs answer: the Kubernetes
 * API server ({@code GET /version} with the command's credentials), Longhorn's manager API
 * ({@code GET /v1/backuptargets}), the backupstore (a one-level listing of {@code backupstore/} in the bucket, or the
 * directory exists and can be read). Each backend contributes one {@link Probe} ({@link PreflightProbes}: what each
 * backend is sent; this class runs them and words the outcome). Each probe first prepares a client of
 * its own with short connect and request timeouts and no retries (local work: reading the kubeconfig, building the
 * client); then the probes send their one request at the same time, and the check returns within the timeout plus one
 * second even when a probe ignores its timeout (a DNS lookup, a hung NFS mount).
 *
 * <p>A backend that does not answer, or refuses the credentials, ends the check with an {@link UnavailableException}
 * (the CLI's exit code 5) whose message names what was tried (server, kubeconfig file and context, Longhorn URL,
 * bucket and endpoint; never a credential) and the way out (the command's alternatives such as {@code --offline},
 * {@code --kubeconfig}, {@code --context}, {@code --longhorn}, {@code --backupstore}, and {@code --connect-timeout}
 * when something was slow). A configuration error found while preparing a probe (a missing kubeconfig file, an
 * unknown context, a malformed URL) is rethrown as the {@link InvalidInputException} it is.
 *
 * <p>Why the probes run on their own daemon threads and not on dr-core's {@code Parallel}: {@code Parallel} is
 * structured (it returns only when every task has finished), which is what batch work needs; the pre-flight check
 * must instead <em>abandon</em> a probe that outlives its deadline (a DNS lookup or an NFS stat cannot be
 * interrupted), so that the command fails within seconds. The abandoned daemon thread ends with the process.
 */
public final class Preflight {
    /** The default time each backend has to answer (the default of {@code --connect-timeout} in the options table). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The largest accepted timeout. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    /** The environment key that sets the timeout when {@code --connect-timeout} is not given (named in the way out). */
    public static final String TIMEOUT_KEY = "DRKIT_CONNECT_TIMEOUT";
    /** How long past the timeout the check waits for a probe that ignores its own timeout. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private Preflight() {
    }

    /** A backend a command may need. */
    public enum Backend {
        /** The Kubernetes API server. */
        KUBERNETES("the Kubernetes API server", "--kubeconfig FILE or --context NAME to use another cluster or context"),
        /** Longhorn's manager REST API. */
        LONGHORN("Longhorn's manager API", "--longhorn URL to give another address of Longhorn's manager API"),
        /** The backupstore, read directly (S3 or a directory). */
        BACKUPSTORE("the backupstore", "--backupstore URL|DIR for another store (S3 endpoint and keys come from "
                + "AWS_ENDPOINTS, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");

        private final String label;
        private final String wayOut;

        Backend(String label, String wayOut) {
            this.label = label;
            this.wayOut = wayOut;
        }

        /** What it is called in messages. */
        public String label() {
            return label;
        }
    }

    /**
     * A backend a command needs, and what the user can do instead when it does not answer (beyond pointing at
     * another one of the same kind, which every message offers).
     *
     * @param backend the backend
     * @param wayOut  the command's alternative, e.g. {@code --offline to work from the backups alone}; may be empty
     */
    public record Need(Backend backend, Optional<String> wayOut) {
        /** Validates. */
        public Need {
            Objects.requireNonNull(backend, "backend");
            wayOut = Objects.requireNonNullElse(wayOut, Optional.<String>empty()).filter(s -> !s.isBlank());
        }

        /** {@code backend}, without an alternative. */
        public static Need of(Backend backend) {
            return new Need(backend, Optional.empty());
        }

        /** {@code backend}, with the command's alternative {@code wayOut}. */
        public static Need of(Backend backend, String wayOut) {
            return new Need(backend, Optional.of(wayOut));
        }

        /** The cluster's state, for planning: can be skipped with {@code --offline}. */
        public static Need clusterState() {
            return of(Backend.KUBERNETES, "--offline to work from the backups alone");
        }

        /** Where restores are carried out. */
        public static Need binder(Connections.Via via) {
            return switch (via) {
                case KUBERNETES -> of(Backend.KUBERNETES, "--via longhorn --longhorn URL to restore through Longhorn's REST API");
                case LONGHORN -> of(Backend.LONGHORN, "--via kubernetes to restore through the Kubernetes API");
            };
        }
    }

    /**
     * One backend's contribution to the check: what it tries (safe to print), a preparation (reading configuration,
     * building a client: local work, which a cold JVM on a busy machine may take a while to do, so it is not timed)
     * and the check itself, bounded by the timeout. A probe may learn more about its target while it prepares (the
     * Kubernetes probe reads the kubeconfig). Closing releases what the preparation built.
     */
    public abstract static class Probe implements AutoCloseable {
        private final Backend backend;
        private volatile String target;

        /** A probe of {@code backend}, described as {@code target} until it knows better. */
        protected Probe(Backend backend, String target) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** The backend. */
        public final Backend backend() {
            return backend;
        }

        /** What is tried: server, URL, bucket or directory, with their origin; never a credential. */
        public final String target() {
            return target;
        }

        /** Refines the description of what is tried. */
        protected final void target(String t) {
            this.target = Objects.requireNonNull(t, "target");
        }

        /**
         * Prepares the check on the caller's thread: reads configuration and builds a client whose timeouts are
         * {@code timeout}, without sending anything.
         *
         * @throws InvalidInputException when the configuration of the backend is wrong
         */
        protected void prepare(Duration timeout) {
        }

        /**
         * Checks that the backend answers, within {@code timeout}, sending at most one request and no retry. Runs on
         * a thread of its own.
         *
         * @throws InvalidInputException when the configuration of the backend is wrong (not a reachability problem)
         * @throws RuntimeException      any other failure: the backend is taken as unavailable
         */
        protected abstract void check(Duration timeout);

        /** Releases what {@link #prepare} built; idempotent, never throws. */
        @Override
        public void close() {
        }
    }

    // ------------------------------------------------------------------ the check

    /**
     * Runs {@code probes} at the same time and waits at most {@code timeout} plus one second.
     *
     * @param needs what the command needs them for: the way out in the message comes from the needs of the
     *              backends that failed
     * @throws InvalidInputException a configuration error a probe found (the first one)
     * @throws UnavailableException  when any backend did not answer, or refused access; the message names each
     * @throws CancelledException    when the calling thread is interrupted
     */
    public static void run(List<? extends Probe> probes, Collection<Need> needs, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (probes.isEmpty()) {
            return;
        }
        List<String> failures = new ArrayList<>();
        Set<Backend> failed = EnumSet.noneOf(Backend.class);
        boolean slow = false;
        InvalidInputException usage = null;
        Throwable firstCause = null;
        ExecutorService pool = Executors.newFixedThreadPool(probes.size(), r -> {
            Thread t = new Thread(r, "dr-preflight");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Probe, Future<?>> running = new LinkedHashMap<>();
            for (Probe p : probes) {
                try {
                    p.prepare(timeout);
                } catch (InvalidInputException | CancelledException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures.add(p.backend().label() + " " + p.target() + " " + reason(p.backend(), e, timeout, false));
                    failed.add(p.backend());
                    firstCause = firstCause == null ? e : firstCause;
                    continue;
                }
                running.put(p, pool.submit(() -> {
                    p.check(timeout);
                    return null;
                }));
            }
            long deadline = System.nanoTime() + timeout.plus(GRACE).toNanos();
            for (Map.Entry<Probe, Future<?>> e : running.entrySet()) {
                Probe p = e.getKey();
                try {
                    e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException x) {
                    e.getValue().cancel(true);
                    failures.add(p.backend().label() + " " + p.target() + " did not answer within " + Durations.format(timeout));
                    failed.add(p.backend());
                    slow = true;
                } catch (ExecutionException x) {
                    Throwable cause = x.getCause();
                    if (cause instanceof InvalidInputException ie) {
                        usage = usage == null ? ie : usage;
                        continue;
                    }
                    boolean timedOut = isTimeout(cause);
                    slow |= timedOut;
                    failures.add(p.backend().label() + " " + p.target() + " " + reason(p.backend(), cause, timeout, timedOut));
                    failed.add(p.backend());
                    firstCause = firstCause == null ? cause : firstCause;
                }
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new CancelledException("the check of the backends was interrupted", x);
        } finally {
            pool.shutdownNow();
            for (Probe p : probes) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    // closing is best effort
                }
            }
        }
        if (usage != null) {
            throw usage;
        }
        if (!failures.isEmpty()) {
            throw new UnavailableException(String.join("; ", failures) + ". Way out: "
                    + String.join("; ", wayOut(failed, needs, slow, timeout)) + ".", firstCause);
        }
    }

    private static List<String> wayOut(Set<Backend> failed, Collection<Need> needs, boolean slow, Duration timeout) {
        Set<String> hints = new LinkedHashSet<>();
        for (Need n : needs) {
            if (failed.contains(n.backend())) {
                n.wayOut().ifPresent(hints::add);
            }
        }
        for (Backend b : failed) {
            hints.add(b.wayOut);
        }
        if (slow) {
            hints.add("--connect-timeout DURATION (or " + TIMEOUT_KEY + ") to wait longer than " + Durations.format(timeout));
        }
        return new ArrayList<>(hints);
    }

    private static String reason(Backend backend, Throwable e, Duration timeout, boolean timedOut) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "is unreachable: connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "is unreachable: unknown host " + t.getMessage();
            }
            if (t instanceof NoRouteToHostException) {
                return "is unreachable: no route to host";
            }
            if (t instanceof SSLException) {
                return "is unreachable: TLS handshake failed (" + firstLine(t.getMessage()) + ")";
            }
        }
        if (timedOut) {
            return "did not answer within " + Durations.format(timeout);
        }
        int status = status(e);
        if (status == 401 || status == 403 || status == 407) {
            return "refused access (HTTP " + status + "): access denied; " + switch (backend) {
                case KUBERNETES -> "check the user's credentials in the kubeconfig (an expired token or certificate?)";
                case LONGHORN -> "check the credentials the Ingress or proxy in front of Longhorn wants";
                case BACKUPSTORE -> "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket policy, or the "
                        + "directory's permissions";
            };
        }
        if (status > 0) {
            return "answered HTTP " + status + (e instanceof KubernetesClientException ? "" : ": " + firstLine(e.getMessage()));
        }
        return "failed: " + firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static int status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode();
            }
            if (t instanceof UnavailableException u && u.status().isPresent()) {
                return u.status().getAsInt();
            }
        }
        return -1;
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof DrTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException
                    || (t instanceof InterruptedIOException && "timeout".equals(t.getMessage()))
                    || (t instanceof IOException && "timeout".equals(t.getMessage()))
                    || t.getClass().getSimpleName().contains("TimeoutException")) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return BackupTarget.redact(nl < 0 ? s : s.substring(0, nl));
    }
}

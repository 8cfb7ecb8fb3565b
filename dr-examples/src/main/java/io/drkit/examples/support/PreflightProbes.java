package io.drkit.examples.support;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.model.BackupTarget;
import io.drkit.longhorn.LonghornClient;
import io.drkit.longhorn.LonghornNotFoundException;
import io.drkit.longhorn.LonghornUnavailableException;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.S3ObjectSource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What each backend sends in the check before a command starts ({@link Preflight}): one {@link Preflight.Probe} per
 * backend, each with its own short timeouts and no retries. {@link Preflight} runs them at the same time, bounds the
 * wait and words the failures; this class only knows how to ask each backend whether it answers.
 */
public final class PreflightProbes {
    private PreflightProbes() {
    }

    /**
     * The Kubernetes API server of the client {@code client} makes: {@code GET /version} on a second client with its
     * configuration and credentials, {@code timeout} as connect and request timeout, and no retries. An answer other
     * than 2xx fails (401/403: access denied).
     *
     * @param env the environment the configuration is resolved in, for the description
     */
    public static Preflight.Probe kubernetes(Supplier<KubernetesClient> client, Map<String, String> env) {
        Objects.requireNonNull(client, "client");
        return new Preflight.Probe(Preflight.Backend.KUBERNETES, "(kubeconfig not read)") {
            private KubernetesClient quick;

            @Override
            protected void prepare(Duration timeout) {
                Config config = client.get().getConfiguration();
                target(KubernetesAccess.describe(config, env));
                int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
                quick = new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).withConnectionTimeout(ms)
                        .withRequestTimeout(ms).withRequestRetryBackoffLimit(0).build()).build();
            }

            @Override
            protected void check(Duration timeout) {
                quick.getKubernetesVersion();
            }

            @Override
            public void close() {
                if (quick != null) {
                    quick.close();
                }
            }
        };
    }

    /**
     * Longhorn's manager API at {@code url}: {@code GET /v1/backuptargets} (which every version serves) on a client
     * with {@code timeout} for connect, read and the whole call, and no retries. A 404 still proves Longhorn answers;
     * an answer that is not Longhorn's JSON (an HTML page) fails.
     */
    public static Preflight.Probe longhorn(String url) {
        Objects.requireNonNull(url, "url");
        return new Preflight.Probe(Preflight.Backend.LONGHORN, BackupTarget.redact(url)) {
            private LonghornClient lh;

            @Override
            protected void prepare(Duration t) {
                lh = LonghornClient.builder().baseUrl(url).connectTimeout(t).readTimeout(t).writeTimeout(t)
                        .callTimeout(t).maxRetries(0).build();
                target(lh.baseUrl());
            }

            @Override
            protected void check(Duration t) {
                try {
                    lh.listBackupTargets();
                } catch (LonghornNotFoundException e) {
                    // Longhorn answered
                } catch (InvalidBackupDataException e) {
                    throw notLonghorn(e);
                } catch (LonghornUnavailableException e) {
                    if (e.httpStatus() / 100 == 2) {
                        throw notLonghorn(e); // a 2xx answer that is not Longhorn's JSON (an HTML page)
                    }
                    throw e;
                }
            }

            @Override
            public void close() {
                if (lh != null) {
                    lh.close();
                }
            }
        };
    }

    /**
     * The S3 bucket of {@code target}, with the settings {@code env} holds (Longhorn's backup-target Secret keys): a
     * listing of one level of {@code <prefix>/backupstore/} on a client with {@code timeout} for connect, socket,
     * attempt and call, and a single attempt (the SDK's retries would multiply the wait). An empty listing is fine.
     */
    public static Preflight.Probe s3(BackupTarget target, Map<String, String> env) {
        Objects.requireNonNull(target, "target");
        return new Preflight.Probe(Preflight.Backend.BACKUPSTORE, target.toString()) {
            private S3ObjectSource s3;

            @Override
            protected void prepare(Duration t) {
                s3 = S3ObjectSource.builder().target(target).secret(env).connectTimeout(t).socketTimeout(t)
                        .apiCallAttemptTimeout(t).apiCallTimeout(t).maxAttempts(1).build();
                target(BackupTarget.redact(s3.describe()));
            }

            @Override
            protected void check(Duration t) {
                s3.list(BackupstoreLayout.of(target).root(), "/", o -> { });
            }

            @Override
            public void close() {
                if (s3 != null) {
                    s3.close();
                }
            }
        };
    }

    /**
     * A backupstore directory (a mounted share): it exists and its entries can be listed, checked on the probe's
     * thread (a hung mount does not answer either). A directory that does not exist is a usage error; one that
     * cannot be read, or a mount that does not answer, is unavailable.
     */
    public static Preflight.Probe directory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return new Preflight.Probe(Preflight.Backend.BACKUPSTORE, "directory " + dir) {
            @Override
            protected void check(Duration timeout) {
                if (!Files.isDirectory(dir)) {
                    throw new InvalidInputException("backupstore directory " + dir + " does not exist");
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    entries.iterator().hasNext();
                } catch (AccessDeniedException e) {
                    throw new UnavailableException("access denied: cannot list " + dir, 403, e);
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new UnavailableException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private static UnavailableException notLonghorn(RuntimeException e) {
        return new UnavailableException("answered, but not as Longhorn's manager API: " + e.getMessage(), e);
    }
}

package io.drkit.examples.support;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which Kubernetes cluster the example programs talk to: a client configuration from the kubeconfig file and context
 * the user names ({@code --kubeconfig FILE}, {@code --context NAME}), and a description of any configuration that is
 * safe to print (the kubeconfig file and context it came from, or the in-cluster service account, and the server;
 * never a token or key).
 *
 * <p>Without a file or context named, programs keep fabric8's own resolution ({@code KUBECONFIG}, whose files are
 * merged as kubectl does, else {@code ~/.kube/config}, else the in-cluster service account).
 */
public final class KubernetesAccess {
    /** The environment key kubectl and fabric8 read the kubeconfig file list from. */
    public static final String KUBECONFIG = "KUBECONFIG";

    private KubernetesAccess() {
    }

    /**
     * A client of the cluster {@code kubeconfig} and {@code context} name (see {@link #config}); the caller closes it.
     *
     * @throws InvalidInputException when the file is missing or unreadable, or the context is not in it
     */
    public static KubernetesClient client(Optional<Path> kubeconfig, Optional<String> context, Map<String, String> env) {
        return new KubernetesClientBuilder().withConfig(config(kubeconfig, context, env)).build();
    }

    /**
     * The configuration of {@code context} (default: the file's {@code current-context}) in {@code kubeconfig}, or,
     * without a file, in the files {@code KUBECONFIG} lists in {@code env} (merged, as kubectl does), else in
     * {@code ~/.kube/config}. Relative certificate paths resolve against the file, exec credential plugins run as
     * fabric8 runs them. fabric8 silently falls back to the current context for an unknown name; this refuses it.
     *
     * @throws InvalidInputException naming the file and the context when the file does not exist, cannot be read or
     *                               parsed, defines no context, lacks the one asked for, or sets no current context
     */
    public static Config config(Optional<Path> kubeconfig, Optional<String> context, Map<String, String> env) {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(context, "context");
        Map<String, String> e = Objects.requireNonNullElse(env, Map.of());
        List<Path> files = new ArrayList<>();
        String where;
        if (kubeconfig.isPresent()) {
            Path f = kubeconfig.get();
            if (!Files.isRegularFile(f)) {
                throw new InvalidInputException("--kubeconfig " + f + ": no such file");
            }
            if (!Files.isReadable(f)) {
                throw new InvalidInputException("--kubeconfig " + f + ": not readable");
            }
            files.add(f.toAbsolutePath().normalize());
            where = "kubeconfig " + f.toAbsolutePath().normalize();
        } else {
            String list = e.getOrDefault(KUBECONFIG, "");
            if (!list.isBlank()) {
                for (String s : list.split(File.pathSeparator)) {
                    if (!s.isBlank() && Files.isRegularFile(Path.of(s.trim()))) {
                        files.add(Path.of(s.trim()).toAbsolutePath().normalize());
                    }
                }
                where = KUBECONFIG + "=" + list;
            } else {
                Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
                if (Files.isRegularFile(home)) {
                    files.add(home);
                }
                where = "kubeconfig " + home;
            }
            if (files.isEmpty()) {
                throw new InvalidInputException("--context " + context.orElse("") + ": no kubeconfig to find it in ("
                        + where + " names no existing file); give --kubeconfig FILE");
            }
        }
        List<io.fabric8.kubernetes.api.model.Config> parsed = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (Path f : files) {
            io.fabric8.kubernetes.api.model.Config c;
            try {
                c = KubeConfigUtils.parseConfig(f.toFile());
            } catch (RuntimeException ex) {
                throw new InvalidInputException("cannot read kubeconfig " + f + ": " + ex.getMessage(), ex);
            }
            if (c == null) {
                throw new InvalidInputException("kubeconfig " + f + " is empty");
            }
            parsed.add(c);
            if (c.getContexts() != null) {
                c.getContexts().stream().map(NamedContext::getName).filter(Objects::nonNull).forEach(names::add);
            }
        }
        if (names.isEmpty()) {
            throw new InvalidInputException(where + " defines no context (is it a kubeconfig file?)");
        }
        if (context.isPresent() && !names.contains(context.get())) {
            throw new InvalidInputException("context '" + context.get() + "' is not in " + where + " (its contexts: "
                    + String.join(", ", names) + ")");
        }
        Config config = Config.empty();
        try {
            // what Config.fromKubeconfig(context, file) does, for every file of the list, as fabric8 merges KUBECONFIG
            KubeConfigUtils.merge(config, context.orElse(null),
                    parsed.toArray(io.fabric8.kubernetes.api.model.Config[]::new));
        } catch (RuntimeException ex) {
            throw new InvalidInputException("cannot use " + where + (context.map(c -> ", context " + c).orElse(""))
                    + ": " + ex.getMessage(), ex);
        }
        if (config.getCurrentContext() == null) {
            throw new InvalidInputException(where + " sets no current-context: give --context NAME (one of "
                    + String.join(", ", names) + ")");
        }
        return config;
    }

    /**
     * What {@code config} points at, safe to print: the server, and the kubeconfig file and context it came from, or
     * the in-cluster service account, or (nothing found) fabric8's default server and where a kubeconfig was looked
     * for. Credentials are never included; a URL's user info is masked.
     *
     * @param env the environment the configuration was resolved in ({@code KUBECONFIG}, {@code KUBERNETES_SERVICE_HOST})
     */
    public static String describe(Config config, Map<String, String> env) {
        Map<String, String> e = Objects.requireNonNullElse(env, Map.of());
        String server = BackupTarget.redact(String.valueOf(config.getMasterUrl()));
        NamedContext ctx = config.getCurrentContext();
        if (ctx != null) {
            File file = config.getFile();
            return server + " (" + (file != null ? "kubeconfig " + file + ", " : "") + "context " + ctx.getName() + ")";
        }
        if (e.containsKey("KUBERNETES_SERVICE_HOST")) {
            return server + " (in-cluster service account)";
        }
        if (config.getAutoOAuthToken() != null || config.getOauthToken() != null) {
            return server + " (from the environment, no kubeconfig)";
        }
        String list = e.getOrDefault(KUBECONFIG, "");
        return server + " (fabric8's default: no kubeconfig found, " + (list.isBlank()
                ? "KUBECONFIG unset and ~/.kube/config absent" : KUBECONFIG + "=" + list + " names no readable file")
                + ", and not running in a cluster)";
    }
}

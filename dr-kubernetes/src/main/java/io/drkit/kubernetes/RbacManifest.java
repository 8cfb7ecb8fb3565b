package io.drkit.kubernetes;

import io.drkit.core.InvalidInputException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The least-privilege RBAC this module needs, checked in as two manifests, each a ClusterRole (PersistentVolumes,
 * PersistentVolumeClaims, StorageClasses), a Role in Longhorn's namespace (the Longhorn CRDs) and bindings to a
 * service account: {@link #load()} ({@code io/drkit/kubernetes/rbac.yaml}, {@code drkit-restore}) for restoring
 * (binder, cluster inspector, CRD catalog: the restore Job), and {@link #loadPolicy()}
 * ({@code io/drkit/kubernetes/policy-rbac.yaml}, {@code drkit-policy}) for {@link RecurringJobPolicy} and
 * {@link StorageClassLint} ({@code dr policy}, {@code dr lint}). Each lists exactly the verbs its code uses (a test
 * drives every code path against a recording API server and compares). Apply the YAML as is, or {@link #render} it
 * for another service account or Longhorn namespace.
 */
public final class RbacManifest {
    /** Classpath location of the restore manifest. */
    public static final String RESOURCE = "/io/drkit/kubernetes/rbac.yaml";
    /** Classpath location of the policy and lint manifest. */
    public static final String POLICY_RESOURCE = "/io/drkit/kubernetes/policy-rbac.yaml";

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    /**
     * One permission: an API group ({@code ""} for the core group), a resource (with {@code /subresource} if any),
     * a verb, and the namespace a Role grants it in ({@code ""} for a ClusterRole, which grants it everywhere).
     *
     * @param apiGroup  API group
     * @param resource  plural resource name
     * @param verb      {@code get}, {@code list}, {@code watch}, {@code create}, {@code update}, {@code patch}, {@code delete}
     * @param namespace the Role's namespace, or {@code ""} for cluster-wide
     */
    public record Access(String apiGroup, String resource, String verb, String namespace) implements Comparable<Access> {
        /** Validates. */
        public Access {
            Objects.requireNonNull(apiGroup, "apiGroup");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(verb, "verb");
            namespace = Objects.requireNonNullElse(namespace, "");
        }

        /**
         * The permission an HTTP request to the API server needs, or null for non-resource paths (discovery,
         * {@code /version}). {@code namespace} is the request's namespace ({@code ""} for cluster-scoped resources).
         */
        public static Access of(String method, String path, String query) {
            String[] s = path.replaceAll("^/+", "").split("/");
            int i;
            String group;
            if (s.length >= 3 && s[0].equals("api")) {
                group = "";
                i = 2;
            } else if (s.length >= 4 && s[0].equals("apis")) {
                group = s[1];
                i = 3;
            } else {
                return null;
            }
            String ns = "";
            if (s.length > i + 2 && s[i].equals("namespaces")) {
                ns = s[i + 1];
                i += 2;
            }
            String resource = s[i];
            String name = s.length > i + 1 ? s[i + 1] : null;
            String sub = s.length > i + 2 ? s[i + 2] : null;
            boolean watch = query != null && (query.contains("watch=true") || query.contains("watch=1"));
            String verb = switch (method.toUpperCase(Locale.ROOT)) {
                case "GET" -> watch ? "watch" : name == null ? "list" : "get";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> name == null ? "deletecollection" : "delete";
                default -> method.toLowerCase(Locale.ROOT);
            };
            return new Access(group, sub == null ? resource : resource + "/" + sub, verb, ns);
        }

        @Override
        public int compareTo(Access o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource + ":" + verb
                    + (namespace.isEmpty() ? "" : " in " + namespace);
        }
    }

    private final String resource;
    private final String yaml;
    private final List<HasMetadata> objects;

    private RbacManifest(String resource, String yaml, List<HasMetadata> objects) {
        this.resource = resource;
        this.yaml = yaml;
        this.objects = List.copyOf(objects);
    }

    /**
     * The checked-in restore manifest ({@code drkit-restore}): what the binder, the cluster inspector and the CRD
     * catalog use, and nothing else; the restore Job's RBAC.
     */
    public static RbacManifest load() {
        return loadResource(RESOURCE);
    }

    /**
     * The checked-in policy manifest ({@code drkit-policy}): what {@link RecurringJobPolicy} (audit, apply) and
     * {@link StorageClassLint} use, and nothing else.
     */
    public static RbacManifest loadPolicy() {
        return loadResource(POLICY_RESOURCE);
    }

    private static RbacManifest loadResource(String resource) {
        try (InputStream in = RbacManifest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the dr-kubernetes jar");
            }
            RbacManifest parsed = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return new RbacManifest(resource, parsed.yaml, parsed.objects);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /**
     * Parses a manifest of ClusterRoles, Roles and their bindings.
     *
     * @throws InvalidInputException when a document is not one of those kinds
     */
    public static RbacManifest parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            HasMetadata o;
            try {
                o = YAML.unmarshal(doc);
            } catch (RuntimeException e) {
                throw new InvalidInputException("RBAC manifest document is not valid YAML: " + e.getMessage(), e);
            }
            if (!(o instanceof ClusterRole || o instanceof Role || o instanceof ClusterRoleBinding || o instanceof RoleBinding)) {
                throw new InvalidInputException("RBAC manifest holds an unexpected " + o.getKind() + " "
                        + o.getMetadata().getName());
            }
            objects.add(o);
        }
        return new RbacManifest("parsed manifest", yaml, objects);
    }

    /** Where the manifest came from: its classpath location, or "parsed manifest" for {@link #parse}. */
    public String resource() {
        return resource;
    }

    /** The manifest text as checked in (or as rendered). */
    public String yaml() {
        return yaml;
    }

    /** The ClusterRoles, Roles and bindings. */
    public List<HasMetadata> objects() {
        return objects;
    }

    /** Every permission granted, one per (group, resource, verb, namespace), sorted. */
    public Set<Access> grants() {
        Set<Access> out = new TreeSet<>();
        for (HasMetadata o : objects) {
            List<PolicyRule> rules = o instanceof ClusterRole cr ? cr.getRules() : o instanceof Role r ? r.getRules() : List.of();
            String ns = o instanceof Role ? o.getMetadata().getNamespace() : "";
            for (PolicyRule rule : rules) {
                for (String g : rule.getApiGroups()) {
                    for (String res : rule.getResources()) {
                        for (String v : rule.getVerbs()) {
                            out.add(new Access(g, res, v, ns));
                        }
                    }
                }
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** Whether {@code access} is granted: by a ClusterRole anywhere, or by a Role in its namespace. */
    public boolean allows(Access access) {
        for (Access g : grants()) {
            if (g.apiGroup().equals(access.apiGroup()) && g.resource().equals(access.resource()) && g.verb().equals(access.verb())
                    && (g.namespace().isEmpty() || g.namespace().equals(access.namespace()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The manifest for service account {@code serviceAccountNamespace/serviceAccount}, with the Role (and its binding)
     * in {@code longhornNamespace}.
     */
    public RbacManifest render(String longhornNamespace, String serviceAccountNamespace, String serviceAccount) {
        List<HasMetadata> copies = new ArrayList<>();
        StringBuilder out = new StringBuilder("# RBAC for service account " + serviceAccountNamespace + "/"
                + serviceAccount + " (rendered from " + resource + ")\n");
        for (HasMetadata o : objects) {
            HasMetadata c = YAML.clone(o);
            if (c instanceof Role || c instanceof RoleBinding) {
                c.getMetadata().setNamespace(longhornNamespace);
            }
            List<Subject> subjects = c instanceof ClusterRoleBinding b ? b.getSubjects()
                    : c instanceof RoleBinding b ? b.getSubjects() : List.of();
            for (Subject s : subjects) {
                s.setName(serviceAccount);
                s.setNamespace(serviceAccountNamespace);
            }
            copies.add(c);
            out.append(YAML.asYaml(c));
        }
        return new RbacManifest(resource, out.toString(), copies);
    }
}

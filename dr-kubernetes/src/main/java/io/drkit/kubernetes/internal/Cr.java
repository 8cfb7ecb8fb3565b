package io.drkit.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and builds {@link GenericKubernetesResource}s. Longhorn CRs are handled generically so that fields this
 * library does not know survive every write unchanged.
 */
public final class Cr {
    private Cr() {
    }

    /** A new resource of {@code ctx}'s kind named {@code name} in {@code namespace}, with empty spec. */
    public static GenericKubernetesResource create(ResourceDefinitionContext ctx, String namespace, String name) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(ctx.getGroup() + "/" + ctx.getVersion());
        r.setKind(ctx.getKind());
        ObjectMeta m = new ObjectMeta();
        m.setName(name);
        m.setNamespace(namespace);
        r.setMetadata(m);
        r.setAdditionalProperty("spec", new LinkedHashMap<String, Object>());
        return r;
    }

    /** The value at {@code path} below the resource's top level, or null. */
    public static Object get(GenericKubernetesResource r, String... path) {
        Object cur = r.getAdditionalProperties();
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(p);
        }
        return cur;
    }

    /** The string at {@code path} (numbers and booleans rendered), or {@code ""}. */
    public static String str(GenericKubernetesResource r, String... path) {
        Object v = get(r, path);
        return v == null ? "" : v.toString();
    }

    /** The boolean at {@code path} ({@code "true"} strings accepted), or false. */
    public static boolean bool(GenericKubernetesResource r, String... path) {
        Object v = get(r, path);
        return v instanceof Boolean b ? b : v != null && "true".equalsIgnoreCase(v.toString());
    }

    /** The integer at {@code path} (numeric strings accepted), if it is one. */
    public static Optional<Long> number(GenericKubernetesResource r, String... path) {
        Object v = get(r, path);
        if (v instanceof Number n) {
            return Optional.of(n.longValue());
        }
        if (v != null) {
            try {
                return Optional.of(Long.parseLong(v.toString().trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The string map at {@code path} (values rendered), or an empty map. */
    public static Map<String, String> stringMap(GenericKubernetesResource r, String... path) {
        return stringMap(get(r, path));
    }

    /** {@code v} as a string map when it is a map, else empty. */
    public static Map<String, String> stringMap(Object v) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> {
                if (k != null && x != null) {
                    out.put(k.toString(), x.toString());
                }
            });
        }
        return out;
    }

    /** The list of strings at {@code path}, or empty. */
    public static List<String> stringList(GenericKubernetesResource r, String... path) {
        Object v = get(r, path);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> {
                if (x != null) {
                    out.add(x.toString());
                }
            });
        }
        return out;
    }

    /** The list of maps at {@code path}, or empty. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> mapList(GenericKubernetesResource r, String... path) {
        Object v = get(r, path);
        List<Map<String, Object>> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> {
                if (x instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            });
        }
        return out;
    }

    /** The map of maps at {@code path} (for example an Engine's {@code status.restoreStatus}), or empty. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> mapOfMaps(GenericKubernetesResource r, String... path) {
        Object v = get(r, path);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> {
                if (k != null && x instanceof Map<?, ?> mm) {
                    out.put(k.toString(), (Map<String, Object>) mm);
                }
            });
        }
        return out;
    }

    /** The mutable map at {@code section} ({@code spec} or {@code status}), created when missing. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(GenericKubernetesResource r, String section) {
        Object v = r.getAdditionalProperties().get(section);
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
            r.setAdditionalProperty(section, copy);
            return copy;
        }
        Map<String, Object> fresh = new LinkedHashMap<>();
        r.setAdditionalProperty(section, fresh);
        return fresh;
    }

    /** The resource's labels (never null, a copy). */
    public static Map<String, String> labels(GenericKubernetesResource r) {
        Map<String, String> l = r.getMetadata() == null ? null : r.getMetadata().getLabels();
        return l == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(l));
    }

    /** The resource's name. */
    public static String name(GenericKubernetesResource r) {
        return r.getMetadata() == null || r.getMetadata().getName() == null ? "" : r.getMetadata().getName();
    }
}

package io.drkit.core.model;

import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Names;
import java.util.Comparator;

/**
 * A reference to a PersistentVolumeClaim: {@code namespace/name}, for example {@code karakeep/data-pvc}.
 *
 * @param namespace the claim's namespace (an RFC 1123 label)
 * @param name      the claim's name (an RFC 1123 subdomain)
 */
public record PvcRef(String namespace, String name) implements Comparable<PvcRef> {
    private static final Comparator<PvcRef> ORDER =
            Comparator.comparing(PvcRef::namespace).thenComparing(PvcRef::name);

    /** Validates both parts as Kubernetes would. */
    public PvcRef {
        if (!Names.isDnsLabel(namespace)) {
            throw new InvalidInputException("invalid namespace '" + namespace + "' in PVC reference");
        }
        if (!Names.isDnsSubdomain(name)) {
            throw new InvalidInputException("invalid PVC name '" + name + "' in PVC reference " + namespace + "/" + name);
        }
    }

    /** Creates a reference. */
    public static PvcRef of(String namespace, String name) {
        return new PvcRef(namespace, name);
    }

    /**
     * Parses {@code namespace/name}.
     *
     * @throws InvalidInputException when the text is not of that form or a part is not a valid name
     */
    public static PvcRef parse(String text) {
        if (text == null) {
            throw new InvalidInputException("PVC reference is missing; expected namespace/name");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
            throw new InvalidInputException("PVC reference '" + text + "' is not of the form namespace/name");
        }
        return new PvcRef(t.substring(0, slash), t.substring(slash + 1));
    }

    @Override
    public int compareTo(PvcRef o) {
        return ORDER.compare(this, o);
    }

    /** {@code namespace/name}. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}

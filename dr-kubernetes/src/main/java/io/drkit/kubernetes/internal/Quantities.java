package io.drkit.kubernetes.internal;

import io.drkit.core.util.Sizes;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;

/** Byte sizes as Kubernetes quantities. */
public final class Quantities {
    private Quantities() {
    }

    /** {@code bytes} in canonical BinarySI form (see {@link Sizes#quantity(long)}). */
    public static String binarySi(long bytes) {
        return Sizes.quantity(bytes);
    }

    /** {@code bytes} as a fabric8 quantity in canonical BinarySI form. */
    public static Quantity quantity(long bytes) {
        return new Quantity(binarySi(bytes));
    }

    /** The bytes of a quantity (rounded up), if it parses. */
    public static OptionalLong bytes(Quantity q) {
        if (q == null) {
            return OptionalLong.empty();
        }
        try {
            BigDecimal b = Quantity.getAmountInBytes(q);
            return OptionalLong.of(b.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code storage} entry of a resource list in bytes, if present and valid. */
    public static OptionalLong storage(Map<String, Quantity> resources) {
        return resources == null ? OptionalLong.empty() : bytes(resources.get("storage"));
    }
}

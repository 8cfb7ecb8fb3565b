package io.drkit.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;

/** Byte sizes as Kubernetes quantities. */
public final class Quantities {
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {
    }

    /**
     * {@code bytes} in the canonical BinarySI form Go's {@code resource.NewQuantity(n, BinarySI)} prints: the largest
     * power-of-1024 suffix that divides the value exactly ({@code 2147483648} → {@code 2Gi}, {@code 1610612736} →
     * {@code 1536Mi}), plain bytes otherwise.
     */
    public static String binarySi(long bytes) {
        if (bytes <= 0) {
            return Long.toString(bytes);
        }
        long v = bytes;
        int unit = 0;
        while (unit < BINARY_SUFFIXES.length - 1 && v % 1024 == 0) {
            v /= 1024;
            unit++;
        }
        return v + BINARY_SUFFIXES[unit];
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

package io.drkit.core.util;

import java.util.Locale;

/** Byte sizes for humans, and Kubernetes resource quantities ({@code 10Gi}, {@code 16Mi}, {@code 2097152}) in bytes. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Sizes() {
    }

    /** {@code 1073741824} → {@code 1.0 GiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }

    /**
     * {@code bytes} in the canonical BinarySI form Go's {@code resource.NewQuantity(n, BinarySI)} prints: the largest
     * power-of-1024 suffix that divides the value exactly ({@code 2147483648} → {@code 2Gi}, {@code 1610612736} →
     * {@code 1536Mi}), plain bytes otherwise.
     */
    public static String quantity(long bytes) {
        if (bytes <= 0) {
            return Long.toString(bytes);
        }
        String[] suffix = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < suffix.length; i++) {
            long unit = 1L << (10 * (6 - i));
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + suffix[i];
            }
        }
        return Long.toString(bytes);
    }

    /**
     * Parses a Kubernetes quantity like {@link #parseQuantity(String)}; empty for null, malformed or negative input.
     */
    public static java.util.Optional<Long> tryParseQuantity(String q) {
        try {
            long v = parseQuantity(q);
            return v < 0 ? java.util.Optional.empty() : java.util.Optional.of(v);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Parses a Kubernetes quantity ({@code 10Gi}, {@code 500M}, {@code 1073741824}, {@code 1.5Gi}) into bytes.
     *
     * @throws IllegalArgumentException when the text is not a quantity
     */
    public static long parseQuantity(String q) {
        if (q == null || q.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        String s = q.trim();
        String[][] units = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
            {"Pi", "1125899906842624"}, {"Ei", "1152921504606846976"}, {"k", "1000"}, {"K", "1000"}, {"M", "1000000"},
            {"G", "1000000000"}, {"T", "1000000000000"}, {"P", "1000000000000000"}, {"E", "1000000000000000000"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                java.math.BigDecimal n = new java.math.BigDecimal(s.substring(0, s.length() - u[0].length()));
                return n.multiply(new java.math.BigDecimal(u[1])).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            }
        }
        try {
            return new java.math.BigDecimal(s).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a quantity: '" + q + "'", e);
        }
    }
}

package io.drkit.s3.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/** Kubernetes resource quantities as Longhorn parses {@code backup-block-size} ({@code 2097152}, {@code 16Mi}, {@code 2M}). */
public final class Quantities {
    private static final String[] SUFFIX = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E"};

    private Quantities() {
    }

    /** The value in bytes, rounded up; empty when {@code text} is not a quantity. */
    public static Optional<Long> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        BigDecimal mult = BigDecimal.ONE;
        for (int i = 0; i < SUFFIX.length; i++) {
            if (t.endsWith(SUFFIX[i])) {
                mult = i < 6 ? BigDecimal.valueOf(2).pow(10 * (i + 1)) : BigDecimal.TEN.pow(3 * (i - 5));
                t = t.substring(0, t.length() - SUFFIX[i].length());
                break;
            }
        }
        try {
            BigDecimal v = new BigDecimal(t).multiply(mult).setScale(0, RoundingMode.CEILING);
            return v.signum() < 0 ? Optional.empty() : Optional.of(v.longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}

package io.drkit.core.catalog;

import io.drkit.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for "this backup changed far more than the volume usually changes" (the change-rate guard), used by
 * the planner, the freshness audit and {@link ChangeRates} alike.
 *
 * <p>A backup's known {@link ChangeRate} {@code r} is judged against the known rates of up to {@link #history()}
 * backups before it of the same volume. With fewer than {@link #minHistory()} of them it is not judged. Otherwise,
 * with {@code m} their median and {@code MAD} their median absolute deviation from {@code m}, it is an
 * <b>anomaly</b> when
 * <pre>
 *   r ≥ max(floor, factor × m, m + madMultiplier × 1.4826 × MAD)
 * </pre>
 * The floor keeps small volumes with tiny usual rates from being flagged for an ordinary busy day; the factor and the
 * robust spread (1.4826 × MAD estimates the standard deviation of normal data, and neither moves for a few outliers in
 * the history) keep volumes whose usual rate is already high, or varies a lot, from being flagged at all: a cache
 * that rewrites 80 % of itself every day has a threshold above 100 %.
 *
 * <p>Defaults: history 10, at least 3, floor 25 %, factor 4, MAD multiplier 6. A volume changing 1-2 of 300 blocks a
 * day (usual 0.5 %) is flagged from 25 %; one changing 10 % ± 2 % from 40 %; one changing 30 % or more is never
 * flagged.
 *
 * @param history       how many earlier rates to consider (1 to {@link ChangeRateSource#MAX_COUNT})
 * @param minHistory    how many earlier known rates are needed to judge at all (1 to {@code history})
 * @param floor         the rate below which nothing is an anomaly (0 to 1]
 * @param factor        how many times the usual rate a rate must reach (at least 1)
 * @param madMultiplier how many robust standard deviations above the usual rate a rate must reach (not negative)
 */
public record ChangeRateRule(int history, int minHistory, double floor, double factor, double madMultiplier) {
    /** Scales a median absolute deviation to a standard deviation for normally distributed data. */
    public static final double MAD_TO_SIGMA = 1.4826;

    private static final ChangeRateRule STANDARD = new ChangeRateRule(10, 3, 0.25, 4.0, 6.0);

    /** Validates. */
    public ChangeRateRule {
        if (history < 1 || history > ChangeRateSource.MAX_COUNT) {
            throw new InvalidInputException("change-rate history must be from 1 to " + ChangeRateSource.MAX_COUNT
                    + " backups, got " + history);
        }
        if (minHistory < 1 || minHistory > history) {
            throw new InvalidInputException("change-rate minimum history must be from 1 to the history (" + history
                    + "), got " + minHistory);
        }
        if (!(floor > 0 && floor <= 1)) {
            throw new InvalidInputException("change-rate floor must be in (0, 1], got " + floor);
        }
        if (!(factor >= 1 && factor <= 1000)) {
            throw new InvalidInputException("change-rate factor must be from 1 to 1000, got " + factor);
        }
        if (!(madMultiplier >= 0 && madMultiplier <= 1000)) {
            throw new InvalidInputException("change-rate MAD multiplier must be from 0 to 1000, got " + madMultiplier);
        }
    }

    /** The defaults: history 10, at least 3, floor 25 %, factor 4, MAD multiplier 6. */
    public static ChangeRateRule standard() {
        return STANDARD;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(STANDARD);
    }

    /** A builder starting from this rule. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Judges {@code rate} against {@code earlier}: the rates of the backups before it, newest first (only the first
     * {@link #history()} are used, unknown ones are ignored).
     */
    public ChangeRateVerdict judge(ChangeRate rate, List<ChangeRate> earlier) {
        double[] known = earlier.stream().limit(history).filter(ChangeRate::isKnown).mapToDouble(ChangeRate::fraction)
                .toArray();
        double usual = known.length == 0 ? Double.NaN : median(known.clone());
        if (!rate.isKnown()) {
            return new ChangeRateVerdict(rate, ChangeRateVerdict.Status.NOT_JUDGED, usual, known.length, Double.NaN,
                    "change rate unknown: " + rate.detail());
        }
        if (known.length < minHistory) {
            return new ChangeRateVerdict(rate, ChangeRateVerdict.Status.NOT_JUDGED, usual, known.length, Double.NaN,
                    "changed " + rate.percent() + " (" + rate.basis().wireName() + "); not judged: " + known.length
                            + " earlier backup(s) with a known rate, " + minHistory + " needed");
        }
        double[] dev = new double[known.length];
        for (int i = 0; i < known.length; i++) {
            dev[i] = Math.abs(known[i] - usual);
        }
        double mad = median(dev);
        double threshold = Math.max(floor, Math.max(factor * usual, usual + madMultiplier * MAD_TO_SIGMA * mad));
        boolean anomaly = rate.fraction() >= threshold;
        String what = "backup " + rate.backupName() + " changed " + rate.percent() + " of its blocks ("
                + rate.basis().wireName() + "); the volume usually changes " + ChangeRate.percent(usual)
                + " (median of " + known.length + " earlier backups)";
        String limit = threshold > 1 ? "its usual rate is too high for any backup to be flagged"
                : "flagged from " + ChangeRate.percent(threshold);
        return new ChangeRateVerdict(rate, anomaly ? ChangeRateVerdict.Status.ANOMALY : ChangeRateVerdict.Status.NORMAL,
                usual, known.length, threshold, what + "; " + limit);
    }

    /**
     * Judges every rate of a list (newest first, consecutive backups of one volume, as
     * {@link ChangeRateSource#changeRates} returns them) against the rates after it in the list.
     */
    public List<ChangeRateVerdict> judgeAll(List<ChangeRate> newestFirst) {
        List<ChangeRateVerdict> out = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            out.add(judge(newestFirst.get(i), newestFirst.subList(i + 1, newestFirst.size())));
        }
        return out;
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "change-rate rule (history %d, at least %d, floor %s, factor %s, MAD x%s)",
                history, minHistory, ChangeRate.percent(floor), factor, madMultiplier);
    }

    /** Builds {@link ChangeRateRule}s. */
    public static final class Builder {
        private int history;
        private int minHistory;
        private double floor;
        private double factor;
        private double madMultiplier;

        private Builder(ChangeRateRule r) {
            history = r.history;
            minHistory = r.minHistory;
            floor = r.floor;
            factor = r.factor;
            madMultiplier = r.madMultiplier;
        }

        /** Earlier backups to consider (default 10). */
        public Builder history(int n) {
            history = n;
            return this;
        }

        /** Earlier known rates needed to judge (default 3). */
        public Builder minHistory(int n) {
            minHistory = n;
            return this;
        }

        /** The rate below which nothing is flagged (default 0.25). */
        public Builder floor(double f) {
            floor = f;
            return this;
        }

        /** Multiple of the usual rate a flagged rate reaches (default 4). */
        public Builder factor(double f) {
            factor = f;
            return this;
        }

        /** Robust standard deviations above the usual rate a flagged rate reaches (default 6). */
        public Builder madMultiplier(double m) {
            madMultiplier = m;
            return this;
        }

        /**
         * Builds the rule.
         *
         * @throws InvalidInputException naming the value out of range
         */
        public ChangeRateRule build() {
            return new ChangeRateRule(history, minHistory, floor, factor, madMultiplier);
        }
    }
}

package io.drkit.core.catalog;

import io.drkit.core.Cancellation;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.Backup;
import io.drkit.core.util.TextTable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Change rates and their verdicts for any {@link BackupCatalog}, for tools and JShell: a catalog that is a
 * {@link ChangeRateSource} is asked, any other answers {@link ChangeRate.Basis#UNKNOWN}. Immutable and thread-safe;
 * it holds no connection of its own (closing the catalog is the caller's business).
 *
 * <pre>{@code
 * ChangeRates rates = ChangeRates.of(catalog);
 * System.out.println(rates.rates("pvc-4f1c"));          // newest backups, their rates and verdicts, as a table
 * ChangeRateVerdict v = rates.judgeNewest("pvc-4f1c");   // is the newest complete backup an anomaly?
 * }</pre>
 */
public final class ChangeRates {
    private final BackupCatalog catalog;
    private final ChangeRateRule rule;

    private ChangeRates(BackupCatalog catalog, ChangeRateRule rule) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** Change rates of {@code catalog}'s backups, judged by {@link ChangeRateRule#standard()}. */
    public static ChangeRates of(BackupCatalog catalog) {
        return new ChangeRates(catalog, ChangeRateRule.standard());
    }

    /** The same, judged by {@code rule}. */
    public ChangeRates rule(ChangeRateRule rule) {
        return new ChangeRates(catalog, rule);
    }

    /** The rule verdicts are made by. */
    public ChangeRateRule rule() {
        return rule;
    }

    /** Whether the catalog can tell change rates at all. */
    public boolean supported() {
        return catalog instanceof ChangeRateSource;
    }

    /**
     * The rates of up to {@code count} consecutive complete backups ending with {@code newestBackup}, newest first
     * (all unknown when the catalog cannot tell).
     *
     * @throws NotFoundException when the volume or backup does not exist
     */
    public List<ChangeRate> rates(String volumeName, String newestBackup, int count, Cancellation cancellation) {
        if (catalog instanceof ChangeRateSource s) {
            return s.changeRates(volumeName, newestBackup, count, cancellation);
        }
        return rates(volumeName, catalog.listBackups(volumeName), newestBackup, count, cancellation);
    }

    /** {@link #rates(String, String, int, Cancellation)} from {@code backups}, the volume's as already listed. */
    private List<ChangeRate> rates(String volumeName, List<Backup> backups, String newestBackup, int count,
                                   Cancellation cancellation) {
        if (catalog instanceof ChangeRateSource s) {
            return s.changeRates(volumeName, backups, newestBackup, count, cancellation);
        }
        List<Backup> chain = ChangeRateSource.chain(volumeName, backups, newestBackup, count);
        return ChangeRateSource.pairwise(volumeName, chain, count, (b, p) -> ChangeRate.unknown(volumeName, b.name(),
                p.name(), catalog.describe() + " cannot tell change rates"));
    }

    /**
     * The newest {@code count} complete backups of a volume with their rates and verdicts (each judged against the
     * rates after it, so {@code count} rates judge at most {@code count - 1} backups fully). Reads {@code count + 1}
     * block lists on a raw store.
     *
     * @throws NotFoundException when the volume does not exist
     */
    public VolumeChangeRates rates(String volumeName, int count) {
        List<Backup> backups = catalog.listBackups(volumeName);
        Optional<Backup> newest = NewestBackupRule.newestComplete(backups);
        if (newest.isEmpty()) {
            return new VolumeChangeRates(volumeName, List.of(), List.of());
        }
        List<ChangeRate> r = rates(volumeName, backups, newest.get().name(), count, Cancellation.none());
        return new VolumeChangeRates(volumeName, r, rule.judgeAll(r));
    }

    /** {@link #rates(String, int)} for the newest {@code history + 1} backups: enough to judge the newest fully. */
    public VolumeChangeRates rates(String volumeName) {
        return rates(volumeName, rule.history() + 1);
    }

    /**
     * The verdict on the newest complete backup of a volume, or empty when it has none.
     *
     * @throws NotFoundException when the volume does not exist
     */
    public Optional<ChangeRateVerdict> judgeNewest(String volumeName) {
        List<Backup> backups = catalog.listBackups(volumeName);
        return NewestBackupRule.newestComplete(backups).map(b -> judge(
                rates(volumeName, backups, b.name(), rule.history() + 1, Cancellation.none())));
    }

    /** The verdict on one complete backup (reads its rate and {@link ChangeRateRule#history()} rates before it). */
    public ChangeRateVerdict judge(Backup backup, Cancellation cancellation) {
        return judge(rates(backup.volumeName(), backup.name(), rule.history() + 1, cancellation));
    }

    /** The verdict on the first of {@code r} (a backup's rate, then the rates before it). */
    private ChangeRateVerdict judge(List<ChangeRate> r) {
        return rule.judge(r.get(0), r.subList(1, r.size()));
    }

    @Override
    public String toString() {
        return "ChangeRates[" + catalog.describe() + ", " + rule + "]";
    }

    /**
     * One volume's rates and verdicts, newest first.
     *
     * @param volumeName the volume
     * @param rates      the rates, newest first
     * @param verdicts   the verdict on each rate, same order
     */
    public record VolumeChangeRates(String volumeName, List<ChangeRate> rates, List<ChangeRateVerdict> verdicts) {
        /** Copies. */
        public VolumeChangeRates {
            Objects.requireNonNull(volumeName, "volumeName");
            rates = List.copyOf(rates);
            verdicts = List.copyOf(verdicts);
        }

        /** The verdicts that are anomalies. */
        public List<ChangeRateVerdict> anomalies() {
            return verdicts.stream().filter(ChangeRateVerdict::isAnomaly).toList();
        }

        /** A table: backup, previous, rate, basis, blocks, verdict. */
        public String toTable() {
            TextTable t = new TextTable("BACKUP", "SINCE", "CHANGED", "BASIS", "BLOCKS", "VERDICT", "USUAL");
            for (int i = 0; i < rates.size(); i++) {
                ChangeRate r = rates.get(i);
                ChangeRateVerdict v = i < verdicts.size() ? verdicts.get(i) : null;
                t.row(r.backupName(), r.previousBackup().orElse("-"), r.percent(), r.basis().wireName(),
                        r.isKnown() ? r.changedBlocks() + "/" + r.comparedBlocks() : "-",
                        v == null ? "-" : v.status(), v == null ? "-" : v.usualPercent());
            }
            return "Change rates of " + volumeName + ":\n" + t.render();
        }

        @Override
        public String toString() {
            return toTable();
        }
    }
}

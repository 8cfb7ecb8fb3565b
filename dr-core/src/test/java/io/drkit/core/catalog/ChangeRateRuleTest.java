package io.drkit.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.Backup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChangeRateRuleTest {

    private static ChangeRate rate(int i, double f) {
        long compared = 1000;
        return ChangeRate.exact("pvc-a", "backup-" + i, "backup-" + (i + 1), Math.round(f * compared), compared);
    }

    /** Earlier rates, newest first, as percentages separated by spaces. */
    private static List<ChangeRate> history(String percents) {
        List<ChangeRate> out = new ArrayList<>();
        int i = 1;
        for (String p : percents.trim().split("\\s+")) {
            out.add(rate(i++, Double.parseDouble(p) / 100));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}% after [{1}] -> {2}")
    @CsvSource({
            // quiet volume: the floor decides
            "100, 0.3 0.7 0.3 0.7 0.3 0.7, ANOMALY",
            "26,  0.3 0.7 0.3 0.7 0.3 0.7, ANOMALY",
            "24,  0.3 0.7 0.3 0.7 0.3 0.7, NORMAL",
            // moderate volume: four times the usual rate decides
            "41,  10 12 8 10 11 9 10, ANOMALY",
            "39,  10 12 8 10 11 9 10, NORMAL",
            // busy, noisy volume: the robust spread decides
            "60,  10 30 5 25 12 28 6, NORMAL",
            // a cache: never flagged
            "100, 80 95 85 90 82, NORMAL",
            "100, 30 31 29 30, NORMAL",
            // outliers in the history do not move the usual rate
            "100, 0.5 100 0.5 0.5 0.5 0.5, ANOMALY",
            // too little history
            "100, 0.5 0.5, NOT_JUDGED",
    })
    void judgesByFloorFactorAndRobustSpread(double percent, String earlier, ChangeRateVerdict.Status expected) {
        ChangeRateVerdict v = ChangeRateRule.standard().judge(rate(0, percent / 100), history(earlier));
        assertThat(v.status()).as(v.detail()).isEqualTo(expected);
    }

    @Test
    void unknownRatesAreNeverJudgedAndUnknownHistoryIsIgnored() {
        ChangeRate unknown = ChangeRate.unknown("pvc-a", "backup-0", "backup-1", "no idea");
        assertThat(ChangeRateRule.standard().judge(unknown, history("1 1 1")).status())
                .isEqualTo(ChangeRateVerdict.Status.NOT_JUDGED);
        List<ChangeRate> h = new ArrayList<>(history("0.5 0.5"));
        h.add(ChangeRate.unknown("pvc-a", "backup-3", "backup-4", "first"));
        assertThat(ChangeRateRule.standard().judge(rate(0, 1), h).status()).isEqualTo(ChangeRateVerdict.Status.NOT_JUDGED);
    }

    @Test
    void onlyTheConfiguredHistoryCounts() {
        ChangeRateRule three = ChangeRateRule.builder().history(3).build();
        // the three newest earlier rates are busy; older quiet ones are not looked at
        ChangeRateVerdict v = three.judge(rate(0, 0.9), history("50 60 55 0.1 0.1 0.1 0.1"));
        assertThat(v.status()).isEqualTo(ChangeRateVerdict.Status.NORMAL);
        assertThat(v.history()).isEqualTo(3);
        assertThat(v.usualRate()).isEqualTo(0.55);
    }

    @Test
    void outOfRangeThresholdsAreRefusedByName() {
        assertThatThrownBy(() -> ChangeRateRule.builder().floor(0).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("floor");
        assertThatThrownBy(() -> ChangeRateRule.builder().factor(0.5).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("factor");
        assertThatThrownBy(() -> ChangeRateRule.builder().history(2).minHistory(3).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("minimum history");
        assertThatThrownBy(() -> ChangeRateRule.builder().history(0).build()).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theChainOfABackupIsItAndTheCompleteBackupsBeforeIt() {
        List<Backup> all = List.of(
                Backup.builder("b3", "v").snapshotCreatedAt(java.time.Instant.parse("2026-01-03T00:00:00Z")).url(io.drkit.core.model.BackupUrl.parse("s3://bucket@us-east-1/?backup=b3&volume=pvc-v")).build(),
                Backup.builder("b2", "v").snapshotCreatedAt(java.time.Instant.parse("2026-01-02T00:00:00Z")).url(io.drkit.core.model.BackupUrl.parse("s3://bucket@us-east-1/?backup=b2&volume=pvc-v"))
                        .state(io.drkit.core.model.BackupState.ERROR).build(),
                Backup.builder("b1", "v").snapshotCreatedAt(java.time.Instant.parse("2026-01-01T00:00:00Z")).url(io.drkit.core.model.BackupUrl.parse("s3://bucket@us-east-1/?backup=b1&volume=pvc-v")).build());
        assertThat(ChangeRateSource.chain("v", all, "b3", 5)).extracting(Backup::name).containsExactly("b3", "b1");
        assertThat(ChangeRateSource.chain("v", all, "b2", 5)).extracting(Backup::name).containsExactly("b2");
        assertThatThrownBy(() -> ChangeRateSource.chain("v", all, "b9", 5))
                .isInstanceOf(io.drkit.core.NotFoundException.class);
        assertThatThrownBy(() -> ChangeRateSource.chain("v", all, "b3", 0)).isInstanceOf(InvalidInputException.class);
        assertThat(ChangeRateSource.pairwise("v", ChangeRateSource.chain("v", all, "b2", 5), 5,
                (b, p) -> rate(0, 0))).singleElement().satisfies(r -> assertThat(r.detail()).contains("not complete"));
    }

    @Test
    void estimatesAreCappedAndSayWhatTheyAre() {
        ChangeRate e = ChangeRate.estimate("v", "b2", "b1", 5L << 20, 4L << 20, 2L << 20);
        assertThat(e.fraction()).isEqualTo(1.0);
        assertThat(e.basis()).isEqualTo(ChangeRate.Basis.ESTIMATE);
        assertThat(e.detail()).contains("estimate");
        assertThat(ChangeRate.estimate("v", "b2", "b1", 1, 0, 2L << 20).isKnown()).isFalse();
    }
}

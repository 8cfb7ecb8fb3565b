package io.drkit.longhorn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest
    @CsvSource({
        "2026-10-08T03:00:47Z, 2026-10-08T03:00:47Z",
        "2026-10-08T05:00:47+02:00, 2026-10-08T03:00:47Z",
        "2026-10-08T03:00:47.5Z, 2026-10-08T03:00:47.500Z",
        "2026-10-20 09:15:02 +0000 UTC, 2026-10-20T09:15:02Z",
        "2026-05-04 12:00:00.123456789 +0000 UTC, 2026-05-04T12:00:00.123456789Z",
        "2026-05-04 14:00:00 +0200 CEST, 2026-05-04T12:00:00Z",
        "2026-05-04 12:00:00.1 +0000 UTC m=+0.004, 2026-05-04T12:00:00.100Z"
    })
    void parsesRfc3339AndGoTimeStrings(String text, String expected) {
        assertThat(Values.time(text)).contains(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-13-01T00:00:00Z", "2026-05-04 12:00"})
    void refusesWhatIsNotATime(String text) {
        assertThatThrownBy(() -> Values.time(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(text);
    }

    @ParameterizedTest
    @CsvSource({"5m0s, 300000", "300, 300000", "1h30m, 5400000", "1.5s, 1500", "250ms, 250", "2h0m0s, 7200000"})
    void parsesGoDurationsAndPlainSeconds(String text, long millis) {
        assertThat(Values.goDuration(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "m5", "10x"})
    void refusesWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Values.goDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"'', 0", "2147483648, 2147483648", "' 42 ', 42"})
    void parsesByteCountsWrittenAsStrings(String text, long bytes) {
        assertThat(Values.bytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2Gi", "-1", "1.5"})
    void refusesWhatIsNotAByteCount(String text) {
        assertThatThrownBy(() -> Values.bytes(text)).isInstanceOf(IllegalArgumentException.class);
    }
}

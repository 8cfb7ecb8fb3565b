package io.drkit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.internal.GoUrls;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.Times;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @Test
    void pvcRefParsesAndOrders() {
        assertThat(PvcRef.parse("karakeep/data-pvc")).isEqualTo(PvcRef.of("karakeep", "data-pvc"));
        assertThat(PvcRef.parse(" a/b ").toString()).isEqualTo("a/b");
        assertThat(PvcRef.of("a", "z")).isLessThan(PvcRef.of("b", "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data-pvc", "ns/", "/name", "a/b/c", "NS/name", "ns/Name_1"})
    void pvcRefRejectsBadInput(String text) {
        assertThatThrownBy(() -> PvcRef.parse(text)).isInstanceOf(InvalidInputException.class).hasMessageContaining(text.trim().isEmpty() ? "" : "'");
    }

    @ParameterizedTest
    @CsvSource({"'',gzip", "gzip,gzip", "LZ4,lz4", "none,none"})
    void compressionDefaultsLikeLonghorn(String in, String out) {
        assertThat(CompressionMethod.fromLonghorn(in).wireName()).isEqualTo(out);
    }

    @Test
    void unknownCompressionIsRefused() {
        assertThatThrownBy(() -> CompressionMethod.fromLonghorn("zstd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zstd");
    }

    @ParameterizedTest
    @CsvSource({"Completed,COMPLETED", "InProgress,IN_PROGRESS", "'',PENDING", "Error,ERROR", "Deleting,DELETING", "Weird,UNKNOWN"})
    void backupStatesMapFromLonghorn(String in, BackupState out) {
        assertThat(BackupState.fromLonghorn(in)).isEqualTo(out);
    }

    @Test
    void backupCompletenessNeedsStateAndUrl() {
        Backup b = Backup.builder("backup-1", "vol").url(BackupUrl.parse("s3://b@r/?backup=backup-1&volume=vol")).build();
        assertThat(b.isComplete()).isTrue();
        assertThat(b.toBuilder().url(null).build().isComplete()).isFalse();
        assertThat(b.toBuilder().state(BackupState.IN_PROGRESS).build().isComplete()).isFalse();
        assertThat(b.blockSize()).isEqualTo(2L << 20);
    }

    @Test
    void newestFirstOrdersByPointInTimeThenCompletion() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Backup older = Backup.builder("backup-a", "v").snapshotCreatedAt(t).build();
        Backup newer = Backup.builder("backup-b", "v").snapshotCreatedAt(t.plusSeconds(1)).build();
        Backup onlyCompleted = Backup.builder("backup-c", "v").completedAt(t.plusSeconds(5)).build();
        assertThat(java.util.stream.Stream.of(older, onlyCompleted, newer).sorted(Backup.NEWEST_FIRST).map(Backup::name))
                .containsExactly("backup-c", "backup-b", "backup-a");
    }

    @Test
    void timesParseLonghornFormats() {
        assertThat(Times.parse("2025-03-01T00:00:07Z")).contains(Instant.parse("2025-03-01T00:00:07Z"));
        assertThat(Times.parse("2025-03-01T01:00:07+01:00")).contains(Instant.parse("2025-03-01T00:00:07Z"));
        assertThat(Times.parse("2025-01-02 03:04:05 +0000 UTC")).contains(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(Times.parse("")).isEmpty();
        assertThatThrownBy(() -> Times.parse("yesterday")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Times.rfc3339(Instant.parse("2025-03-01T00:00:07.123Z"))).isEqualTo("2025-03-01T00:00:07Z");
    }

    @Test
    void sizesRoundTripKubernetesQuantities() {
        assertThat(Sizes.quantity(2L << 30)).isEqualTo("2Gi");
        assertThat(Sizes.quantity(3 * 1024 * 1024 + 1)).isEqualTo("3145729");
        assertThat(Sizes.parseQuantity("10Gi")).isEqualTo(10L << 30);
        assertThat(Sizes.parseQuantity("500M")).isEqualTo(500_000_000L);
        assertThat(Sizes.parseQuantity("1.5Gi")).isEqualTo(3L << 29);
        assertThat(Sizes.human(1536)).isEqualTo("1.5 KiB");
        assertThatThrownBy(() -> Sizes.parseQuantity("ten")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goQueryEncodingMatchesGo() {
        assertThat(GoUrls.queryEscape("a b*~/,=")).isEqualTo("a+b%2A~%2F%2C%3D");
        assertThat(GoUrls.encode(Map.of("volume", "v", "backup", "b"))).isEqualTo("backup=b&volume=v");
        assertThat(GoUrls.decode("a=1&b=x%2Cy")).containsEntry("b", "x,y");
    }
}

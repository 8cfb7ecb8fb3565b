package io.drkit.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.CancelledException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncWaitTest {
    private static final CatalogCompleteness PENDING = CatalogCompleteness.of(List.of(),
            Map.of("pvc-a", "last backup backup-1 has no Backup object yet"));

    @Test
    void checksUntilCompleteAndReportsEachIncompleteCheck() {
        AtomicInteger checks = new AtomicInteger();
        List<CatalogCompleteness> reported = new CopyOnWriteArrayList<>();
        CatalogListener l = new CatalogListener() {
            @Override
            public void waitingForSync(CatalogCompleteness current, Duration waited, Duration bound) {
                reported.add(current);
            }
        };

        CatalogCompleteness c = SyncWait.await(() -> checks.incrementAndGet() < 3 ? PENDING : CatalogCompleteness.complete(),
                Duration.ofMinutes(5), Duration.ofMillis(1), l, Clock.systemUTC());

        assertThat(c.isComplete()).isTrue();
        assertThat(checks).hasValue(3);
        assertThat(reported).containsExactly(PENDING, PENDING);
    }

    @Test
    void answersWithTheIncompleteViewWhenTheBoundPassesAndChecksOnceWithAZeroBound() {
        AtomicInteger checks = new AtomicInteger();
        CatalogCompleteness once = SyncWait.await(() -> {
            checks.incrementAndGet();
            return PENDING;
        }, Duration.ZERO, Duration.ofMillis(1), null, Clock.systemUTC());
        assertThat(once).isEqualTo(PENDING);
        assertThat(checks).hasValue(1);

        CatalogCompleteness atBound = SyncWait.await(() -> PENDING, Duration.ofMillis(30), Duration.ofMillis(5),
                CatalogListener.NONE, Clock.systemUTC());
        assertThat(atBound.isComplete()).isFalse();
        assertThat(atBound.summary()).contains("pvc-a").contains("has no Backup object yet");
    }

    @Test
    void anInterruptStopsTheWaitAsCancelled() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> SyncWait.await(() -> PENDING, Duration.ofMinutes(5), Duration.ofSeconds(1),
                    CatalogListener.NONE, Clock.systemUTC())).isInstanceOf(CancelledException.class)
                    .hasMessageContaining("pvc-a");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void completenessSummarisesBothLevels() {
        assertThat(CatalogCompleteness.complete().summary()).isEqualTo("complete");
        CatalogCompleteness c = CatalogCompleteness.of(List.of("BackupTarget default has never synced"),
                Map.of("pvc-b", "never synced", "pvc-a", "sync pending"));
        assertThat(c.isComplete()).isFalse();
        assertThat(c.listsEveryVolume()).isFalse();
        assertThat(c.volumeGap("pvc-a")).contains("sync pending");
        assertThat(c.summary()).isEqualTo("BackupTarget default has never synced; 2 backup volume(s) not synced: "
                + "pvc-a (sync pending), pvc-b (never synced)");
        assertThat(CatalogCompleteness.of(List.of(), Map.of())).isSameAs(CatalogCompleteness.complete());
    }
}

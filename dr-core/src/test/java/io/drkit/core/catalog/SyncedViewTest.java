package io.drkit.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.Cancellation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SyncedViewTest {
    private static final CatalogCompleteness PENDING = CatalogCompleteness.of(List.of(),
            Map.of("pvc-a", "last backup backup-1 has no Backup object yet"));

    @Test
    void unsyncedVolumesAreNotSyncedEntriesUntilACheckFindsTheViewCompleteWhichIsThenNotCheckedAgain() {
        AtomicInteger checks = new AtomicInteger();
        AtomicReference<CatalogCompleteness> answer = new AtomicReference<>(PENDING);
        SyncedView view = new SyncedView("the test view", () -> {
            checks.incrementAndGet();
            return answer.get();
        }, Duration.ZERO, Duration.ofMillis(1));

        CatalogCompleteness first = view.completeness(CatalogListener.NONE, Cancellation.none());
        assertThat(first.isComplete()).isFalse();
        assertThat(view.knownComplete()).isFalse();
        assertThat(view.notSyncedEntries()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.NOT_SYNCED);
            assertThat(e.location()).isEqualTo("backup volume pvc-a");
            assertThat(e.detail()).contains("no Backup object yet");
        });

        answer.set(CatalogCompleteness.complete());
        assertThat(view.completeness(CatalogListener.NONE, Cancellation.none()).isComplete()).isTrue();
        assertThat(view.notSyncedEntries()).isEmpty();
        assertThat(view.knownComplete()).isTrue();

        answer.set(PENDING); // a complete view only grows: it is not checked again
        assertThat(view.completeness(CatalogListener.NONE, Cancellation.none()).isComplete()).isTrue();
        assertThat(checks).hasValue(2);
    }
}

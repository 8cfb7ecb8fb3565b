package io.drkit.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.audit.AuditEntry.Status;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.PvcRef;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FreshnessAuditTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private final FreshnessAudit audit = FreshnessAudit.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    private static InMemoryBackupCatalog catalog() {
        return InMemoryBackupCatalog.builder()
                .volume("pvc-fresh", v -> v.pvc("shop/db").group("critical").backup("backup-f1", "2026-11-26T03:00:00Z", 1 << 20))
                .volume("pvc-late", v -> v.pvc("shop/cache").group("critical").backup("backup-l1", "2026-11-24T03:00:00Z", 1 << 20))
                .volume("pvc-weekly", v -> v.pvc("media/jf").group("default").backup("backup-w1", "2026-11-22T04:00:00Z", 1 << 20))
                .volume("pvc-nolabel", v -> v.pvc("media/old").backup("backup-n1", "2026-11-01T04:00:00Z", 1 << 20))
                .volume("pvc-empty", v -> v.pvc("shop/new").group("critical"))
                .volume("pvc-orphan", v -> v.backup("backup-o1", "2026-01-01T00:00:00Z", 1 << 20))
                .build();
    }

    private static Status status(AuditReport r, String subject) {
        return r.entries().stream().filter(e -> e.subject().equals(subject)).findFirst().orElseThrow().status();
    }

    @Test
    void judgesEachClaimAgainstItsGroup() {
        AuditReport r = audit.audit(catalog(), ClusterState.offline());
        assertThat(status(r, "shop/db")).isEqualTo(Status.OK);
        assertThat(status(r, "shop/cache")).isEqualTo(Status.STALE);
        assertThat(status(r, "media/jf")).isEqualTo(Status.OK);
        assertThat(status(r, "media/old")).isEqualTo(Status.STALE);
        assertThat(status(r, "shop/new")).isEqualTo(Status.NO_BACKUP);
        assertThat(status(r, "pvc-orphan")).isEqualTo(Status.ORPHAN);
        assertThat(r.violations()).extracting(AuditEntry::subject).containsExactly("media/old", "shop/cache", "shop/new");
        assertThat(r.passed()).isFalse();
        assertThat(r.entries().stream().filter(e -> e.subject().equals("shop/cache")).findFirst().orElseThrow().limit())
                .isEqualTo(Duration.ofHours(30));
        assertThat(r.toTable()).contains("STALE").contains("3 violation(s)");
    }

    @Test
    void liveClusterAddsNeverBackedUpCriticalClaimsAndMarksGoneOnes() {
        ClusterState cluster = ClusterState.builder()
                .pvc(new PvcInfo(PvcRef.of("shop", "db"), Map.of("data-tier", "critical"), "Bound", Optional.empty(), 0, List.of(), Optional.empty()))
                .pvc(new PvcInfo(PvcRef.of("media", "jf"), Map.of("data-tier", "critical"), "Bound", Optional.empty(), 0, List.of(), Optional.empty()))
                .pvc(new PvcInfo(PvcRef.of("wiki", "data"), Map.of("data-tier", "critical"), "Bound", Optional.empty(), 0, List.of(), Optional.empty()))
                .build();
        AuditReport r = audit.audit(catalog(), cluster);
        assertThat(status(r, "wiki/data")).isEqualTo(Status.NO_BACKUP);
        assertThat(status(r, "media/jf")).as("labelled critical in the cluster: held to 24 h").isEqualTo(Status.STALE);
        assertThat(status(r, "shop/cache")).isEqualTo(Status.GONE);
        assertThat(status(r, "media/old")).isEqualTo(Status.GONE);
    }

    @Test
    void limitsAreConfigurable() {
        FreshnessAudit lax = FreshnessAudit.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .maxAge("critical", Duration.ofDays(3)).slack(Duration.ZERO).build();
        assertThat(status(lax.audit(catalog(), ClusterState.offline()), "shop/cache")).isEqualTo(Status.OK);
        assertThatThrownBy(() -> FreshnessAudit.builder().maxAge("critical", Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FreshnessAudit.builder().slack(Duration.ofHours(-1))).isInstanceOf(InvalidInputException.class);
    }
}

package io.drkit.longhorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link LonghornClient#awaitBackup} against the simulator: sync where possible, poll otherwise, clear errors. */
class LonghornClientAwaitBackupTest {
    private static final PvcRef PVC = PvcRef.of("shop", "db-data");
    private static final Duration POLL = Duration.ofMillis(5);
    private SimulatedLonghorn lh;

    @AfterEach
    void stop() {
        if (lh != null) {
            lh.close();
        }
    }

    @ParameterizedTest
    @EnumSource(LonghornVersion.class)
    void returnsOnceLonghornKnowsTheBackupSyncingWhereItCan(LonghornVersion v) {
        lh = new SimulatedLonghorn(v);
        Backup b = lh.sim.backup("pvc-late", "backup-00000000000007a1").pvc(PVC)
                .notSyncedYet(v.hasSync() ? Long.MAX_VALUE : 12).publish();
        List<String> waiting = new CopyOnWriteArrayList<>();

        LonghornBackup known = lh.client.awaitBackup(b.url().orElseThrow(), Duration.ofSeconds(20), POLL,
                Duration.ofSeconds(15), Cancellation.create(), new BackupWaitListener() {
                    @Override
                    public void waiting(String detail) {
                        waiting.add(detail);
                    }
                });

        assertThat(known.name()).isEqualTo("backup-00000000000007a1");
        assertThat(known.isComplete()).isTrue();
        assertThat(lh.sim.syncRequests() > 0).isEqualTo(v.hasSync());
        if (!v.hasSync()) {
            assertThat(waiting).isNotEmpty().allMatch(d -> d.contains("no sync possible"));
        }
    }

    @Test
    void failsWithTheTargetsStateWhenTheBackupNeverAppears() {
        lh = new SimulatedLonghorn(LonghornVersion.V1_9);
        lh.sim.backupTarget("default", "s3://backups@us-east-1/", false, "failed to list: AccessDenied");

        assertThatThrownBy(() -> lh.client.awaitBackup("s3://backups@us-east-1/?backup=backup-0000000000000bad&volume=pvc-x",
                Duration.ofMillis(100), POLL, Duration.ofSeconds(15), Cancellation.create(), BackupWaitListener.NONE))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("backup backup-0000000000000bad of volume pvc-x is still unknown")
                .hasMessageContaining("UNAVAILABLE: failed to list: AccessDenied");
    }

    @Test
    void stopsWhenCancelled() {
        lh = new SimulatedLonghorn(LonghornVersion.V1_4);
        Cancellation c = Cancellation.create();

        assertThatThrownBy(() -> lh.client.awaitBackup("s3://backups@us-east-1/?backup=backup-0000000000000bad&volume=pvc-x",
                Duration.ofSeconds(30), POLL, Duration.ofSeconds(15), c, new BackupWaitListener() {
                    @Override
                    public void waiting(String detail) {
                        c.cancel();
                    }
                }))
                .isInstanceOf(CancelledException.class);
    }
}

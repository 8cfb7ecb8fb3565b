package io.drkit.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.NewestBackupRule.PointerVerdict;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupVolume;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewestBackupRuleTest {
    private static Backup backup(String name, String at, BackupState state) {
        Backup.Builder b = Backup.builder(name, "vol").snapshotCreatedAt(Instant.parse(at)).state(state);
        if (state == BackupState.COMPLETED) {
            b.url(BackupUrl.parse("s3://b@r/?backup=" + name + "&volume=vol")).completedAt(Instant.parse(at).plusSeconds(60));
        }
        return b.build();
    }

    private final Backup older = backup("backup-a", "2026-11-20T03:00:00Z", BackupState.COMPLETED);
    private final Backup newer = backup("backup-b", "2026-11-21T03:00:00Z", BackupState.COMPLETED);
    private final Backup running = backup("backup-c", "2026-11-22T03:00:00Z", BackupState.IN_PROGRESS);

    @Test
    void picksTheNewestCompleteBackupWhateverTheOrder() {
        assertThat(NewestBackupRule.newestComplete(List.of(older, running, newer))).contains(newer);
        assertThat(NewestBackupRule.newestComplete(List.of(newer, older))).contains(newer);
        assertThat(NewestBackupRule.newestComplete(List.of(running))).isEmpty();
        assertThat(NewestBackupRule.completeNewestFirst(List.of(older, running, newer))).containsExactly(newer, older);
    }

    @Test
    void pointInTimeRestoreTakesTheNewestAtOrBeforeTheTime() {
        assertThat(NewestBackupRule.newestCompleteAtOrBefore(List.of(older, newer), Instant.parse("2026-11-21T02:00:00Z")))
                .contains(older);
        assertThat(NewestBackupRule.newestCompleteAtOrBefore(List.of(older, newer), Instant.parse("2026-11-21T03:00:00Z")))
                .contains(newer);
        assertThat(NewestBackupRule.newestCompleteAtOrBefore(List.of(older, newer), Instant.parse("2026-11-01T00:00:00Z")))
                .isEmpty();
    }

    @Test
    void equalPointsInTimeAreBrokenByCompletionThenNameSoTheAnswerIsDeterministic() {
        Backup x = backup("backup-x", "2026-11-21T03:00:00Z", BackupState.COMPLETED);
        Backup y = backup("backup-y", "2026-11-21T03:00:00Z", BackupState.COMPLETED);
        assertThat(NewestBackupRule.newestComplete(List.of(x, y))).contains(y);
        assertThat(NewestBackupRule.newestComplete(List.of(y, x))).contains(y);
        assertThat(NewestBackupRule.isNewer(y, x)).isTrue();
        assertThat(NewestBackupRule.isNewer(x, y)).isFalse();
        assertThat(NewestBackupRule.isNewer(running, newer)).isFalse();
        assertThat(NewestBackupRule.isNewer(older, null)).isTrue();
    }

    @Test
    void thePointerIsJudgedNeverTrusted() {
        List<Backup> all = List.of(older, newer, running);
        assertThat(NewestBackupRule.judgePointer(volume(null), all)).isEqualTo(PointerVerdict.EMPTY);
        assertThat(NewestBackupRule.judgePointer(volume("backup-gone"), all)).isEqualTo(PointerVerdict.MISSING);
        assertThat(NewestBackupRule.judgePointer(volume("backup-c"), all)).isEqualTo(PointerVerdict.INCOMPLETE);
        assertThat(NewestBackupRule.judgePointer(volume("backup-a"), all)).isEqualTo(PointerVerdict.OLDER);
        assertThat(NewestBackupRule.judgePointer(volume("backup-b"), all)).isEqualTo(PointerVerdict.AGREES);
    }

    private static BackupVolume volume(String pointer) {
        return BackupVolume.builder("vol").lastBackup(pointer, null).build();
    }
}

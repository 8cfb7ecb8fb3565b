package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.SkippedEntry;
import org.junit.jupiter.api.Test;

/** The location of bad data is rendered once, however often the error is wrapped (issue 11, item 12). */
class InvalidBackupDataExceptionTest {
    private static final String KEY = "backupstore/volumes/8d/fc/pvc-immich/backups/backup_backup-1.cfg";

    @Test
    void aMessageWrappedAtTheSameLocationNamesItOnce() {
        InvalidBackupDataException inner = new InvalidBackupDataException(KEY, "backup cfg is truncated");
        InvalidBackupDataException outer = new InvalidBackupDataException(KEY, "backup backup-1 of volume pvc-immich "
                + "cannot be read: " + inner.getMessage(), inner);
        assertThat(outer.getMessage()).isEqualTo("backup backup-1 of volume pvc-immich cannot be read: backup cfg is "
                + "truncated (at " + KEY + ")");
        assertThat(outer.detail()).isEqualTo("backup backup-1 of volume pvc-immich cannot be read: backup cfg is truncated");
        assertThat(outer.location()).contains(KEY);
    }

    @Test
    void aSkippedEntryShowsItsLocationOnce() {
        InvalidBackupDataException e = new InvalidBackupDataException(KEY, "backup cfg is truncated");
        SkippedEntry s = new SkippedEntry(KEY, SkippedEntry.Reason.INVALID_DATA, e.getMessage());
        assertThat(s.detail()).isEqualTo("backup cfg is truncated");
        assertThat(s.toString()).isEqualTo(KEY + ": INVALID_DATA (backup cfg is truncated)");
    }

    @Test
    void anotherLocationIsKept() {
        InvalidBackupDataException e = new InvalidBackupDataException("a.cfg", "see " + "x (at b.cfg)");
        assertThat(e.getMessage()).isEqualTo("see x (at b.cfg) (at a.cfg)");
    }
}

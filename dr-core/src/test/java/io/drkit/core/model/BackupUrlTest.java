package io.drkit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class BackupUrlTest {

    @Test
    void parsesBothParameterOrdersAndKeepsTargetOptions() {
        BackupUrl a = BackupUrl.parse("s3://bkt@us-east-1/?backup=backup-0a1b2c3d4e5f6789&volume=pvc-1b2c");
        BackupUrl b = BackupUrl.parse("s3://bkt@us-east-1/?volume=pvc-1b2c&backup=backup-0a1b2c3d4e5f6789");
        assertThat(a).isEqualTo(b);
        assertThat(a.backupName()).isEqualTo("backup-0a1b2c3d4e5f6789");
        assertThat(a.volumeName()).isEqualTo("pvc-1b2c");
        assertThat(a.url()).isEqualTo("s3://bkt@us-east-1/?backup=backup-0a1b2c3d4e5f6789&volume=pvc-1b2c");

        BackupUrl n = BackupUrl.parse("nfs://srv:/opt/bs?backup=backup-1&nfsOptions=soft%2Ctimeo%3D330&volume=v1");
        assertThat(n.target().options()).containsEntry("nfsOptions", "soft,timeo=330");
        assertThat(n.url()).isEqualTo("nfs://srv:/opt/bs?backup=backup-1&nfsOptions=soft%2Ctimeo%3D330&volume=v1");
    }

    @Test
    void sameBackupComparesNamesAndTargetNotSpelling() {
        assertThat(BackupUrl.sameBackup("s3://b@r/?backup=backup-1&volume=v1", "s3://b@r/?volume=v1&backup=backup-1")).isTrue();
        assertThat(BackupUrl.sameBackup("s3://b@r/?backup=backup-1&volume=v1", "s3://b@r/?backup=backup-2&volume=v1")).isFalse();
        assertThat(BackupUrl.sameBackup("s3://b@r/?backup=backup-1&volume=v1", "s3://other@r/?backup=backup-1&volume=v1")).isFalse();
        assertThat(BackupUrl.sameBackup("garbage", "s3://b@r/?backup=backup-1&volume=v1")).isFalse();
        assertThat(BackupUrl.sameBackup(null, null)).isFalse();
    }

    @Test
    void rejectsUrlsWithoutBothNames() {
        assertThatThrownBy(() -> BackupUrl.parse("s3://b@r/?volume=v1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backup=");
        assertThatThrownBy(() -> BackupUrl.parse("s3://b@r/")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no ?backup");
        assertThatThrownBy(() -> BackupUrl.parse("s3://b@r/?backup=x&volume=v1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid backup name 'x'");
    }
}

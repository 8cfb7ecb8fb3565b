package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every key of the backupstore, from one class. */
class BackupstoreLayoutTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"pvc-0123abcd-test, a7/9b", "jellyfin-config, ca/ea", "BACKINGIMAGE, 22/fc"})
    void volumeDirectoriesAreHashedWithSha512(String volume, String dirs) {
        assertThat(BackupstoreLayout.volumeHash(volume).substring(0, 4)).isEqualTo(dirs.replace("/", ""));
        assertThat(BackupstoreLayout.withPrefix("").volumeDir(volume)).isEqualTo("backupstore/volumes/" + dirs + "/" + volume + "/");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"s3://bucket@us-east-1/, backupstore/", "s3://bucket@us-east-1/dr/cluster-a/, dr/cluster-a/backupstore/",
        "s3://bucket/backupstore/, backupstore/backupstore/", "nfs://nas:/export/longhorn, backupstore/",
        "azblob://container@core.windows.net/x/, x/backupstore/"})
    void theTargetPathBecomesTheKeyPrefix(String url, String root) {
        assertThat(BackupstoreLayout.of(BackupTarget.parse(url)).root()).isEqualTo(root);
    }

    @Test
    void everyKeyHasLonghornsShape() {
        BackupstoreLayout l = BackupstoreLayout.withPrefix("/dr/");
        String sum = "d9cf" + "0".repeat(60);
        assertThat(l.volumeCfg("pvc-0123abcd-test")).isEqualTo("dr/backupstore/volumes/a7/9b/pvc-0123abcd-test/volume.cfg");
        assertThat(l.backupCfg("pvc-0123abcd-test", "backup-1")).isEqualTo(
                "dr/backupstore/volumes/a7/9b/pvc-0123abcd-test/backups/backup_backup-1.cfg");
        assertThat(l.blockKey("pvc-0123abcd-test", sum)).isEqualTo(
                "dr/backupstore/volumes/a7/9b/pvc-0123abcd-test/blocks/d9/cf/" + sum + ".blk");
        assertThat(l.lockKey("pvc-0123abcd-test", "lock-e0dd61273bea4e88")).isEqualTo(
                "dr/backupstore/volumes/a7/9b/pvc-0123abcd-test/locks/lock-e0dd61273bea4e88.lck");
        assertThat(l.systemBackupCfg("v1.8.0", "sb-1")).isEqualTo("dr/backupstore/system-backups/v1.8.0/sb-1/system-backup.cfg");
        assertThat(l.backingImageCfg("bi")).isEqualTo("dr/backupstore/backing-images/backing-images/bi/backing-image.cfg");
        assertThat(l.backingImageBlockKey(sum)).isEqualTo("dr/backupstore/backing-images/blocks/d9/cf/" + sum + ".blk");
        assertThatThrownBy(() -> l.blockKey("v", "xyz")).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {"backup_backup-1.cfg, backup-1", "backup_b.cfg, -", "backup_1234@failure.cfg, -",
        "backup_backup-1.cfg.tmp.1700000000, -", "volume.cfg, -", "backup_.hidden.cfg, -"})
    void backupNamesAreExtractedAsLonghornDoes(String file, String name) {
        assertThat(BackupstoreLayout.backupNameOf("x/backups/" + file).orElse(null)).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pvc-1, true", "a, false", ".DS_Store, false", "BACKINGIMAGE, true", "vol_1.x-y, true", "-x, false"})
    void namesFollowLonghornsValidateName(String name, boolean valid) {
        assertThat(BackupstoreLayout.isValidName(name)).isEqualTo(valid);
    }
}

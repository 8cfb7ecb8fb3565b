package io.drkit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BackupTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "s3://backupbucket@us-east-1/          | S3     | backupbucket | us-east-1        | ''             | ''",
        "s3://backupbucket@us-east-1/longhorn  | S3     | backupbucket | us-east-1        | longhorn       | longhorn",
        "s3://backupbucket@us-east-1/dr/lh/    | S3     | backupbucket | us-east-1        | dr/lh/         | dr/lh",
        "s3://backupbucket/path/               | S3     | backupbucket | ''               | path/          | path",
        "azblob://cont@core.windows.net/lh/    | AZBLOB | cont         | core.windows.net | lh/            | lh",
        "nfs://longhorn-nfs.default:/opt/store | NFS    | longhorn-nfs.default | ''       | /opt/store     | opt/store",
        "cifs://smb.lan/share/longhorn         | CIFS   | smb.lan      | ''               | /share/longhorn | share/longhorn",
        "vfs:///var/lib/store                  | VFS    | ''           | ''               | /var/lib/store | var/lib/store",
    })
    void parsesLonghornTargetUrls(String url, BackupTarget.Scheme scheme, String host, String region, String path,
                                  String keyPrefix) {
        BackupTarget t = BackupTarget.parse(url);
        assertThat(t.scheme()).isEqualTo(scheme);
        assertThat(t.host()).isEqualTo(host);
        assertThat(t.region()).isEqualTo(region);
        assertThat(t.path()).isEqualTo(path);
        assertThat(t.keyPrefix()).isEqualTo(keyPrefix);
        assertThat(t.url()).isEqualTo(url);
        assertThat(BackupTarget.parse(t.url())).isEqualTo(t);
    }

    @Test
    void keepsQueryOptionsAndBuildsBackupUrlsLikeGo() {
        BackupTarget t = BackupTarget.parse("nfs://server:/opt/backupstore?nfsOptions=soft,timeo=330,retrans=3");
        assertThat(t.options()).containsEntry("nfsOptions", "soft,timeo=330,retrans=3");
        assertThat(t.backupUrl("backup-0a1b2c3d4e5f6789", "pvc-1").url())
                .isEqualTo("nfs://server:/opt/backupstore?backup=backup-0a1b2c3d4e5f6789"
                        + "&nfsOptions=soft%2Ctimeo%3D330%2Cretrans%3D3&volume=pvc-1");
        assertThat(BackupTarget.parse("s3://bkt@us-east-1/").backupUrl("backup-1", "pvc-2").url())
                .isEqualTo("s3://bkt@us-east-1/?backup=backup-1&volume=pvc-2");
    }

    @Test
    void plainPathsAndFileUrlsAreLocalDirectories() {
        assertThat(BackupTarget.parse("/mnt/nfs").localDirectory()).contains(Path.of("/mnt/nfs"));
        assertThat(BackupTarget.parse("file:///mnt/nfs").scheme()).isEqualTo(BackupTarget.Scheme.LOCAL);
        assertThat(BackupTarget.directory(Path.of("/tmp/x/../y")).path()).isEqualTo("/tmp/y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cifs://smb/share?cifsOptions=username=bob,password=hunter2,vers=3.0",
        "s3://b@r/?accessKey=AKIA123&secretKey=hunter2", "s3://b@r/?token=hunter2",
        "nfs://srv:/export?nfsOptions=soft%2Cpassword%3Dhunter2"})
    void refusesSecretOptionsWithoutEchoingThem(String url) {
        assertThatThrownBy(() -> BackupTarget.parse(url)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must not carry credentials").hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("AKIA123");
        assertThatThrownBy(() -> BackupUrl.parse(url + (url.contains("?") ? "&" : "?") + "backup=b-1&volume=v-1"))
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void ordinaryMountOptionsAreKeptAndShown() {
        BackupTarget t = BackupTarget.parse("cifs://smb/share?cifsOptions=username=bob,vers=3.0");
        assertThat(t.toString()).contains("vers").contains("bob");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://AKIAXXX:secret@bucket/", "s3://key:pw@bucket@us-east-1/"})
    void refusesCredentialsInTheUrlWithoutEchoingThem(String url) {
        assertThatThrownBy(() -> BackupTarget.parse(url)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("credentials").hasMessageNotContaining("secret").hasMessageNotContaining(":pw");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                     | empty",
        "s3://bucket@us-east-1  | no path",
        "ftp://host/x           | unsupported backup target scheme",
        "nfs://server           | no export path",
        "cifs://server          | needs a share",
        "s3://@us-east-1/       | empty bucket",
    })
    void rejectsMalformedUrlsNamingTheProblem(String url, String message) {
        assertThatThrownBy(() -> BackupTarget.parse(url)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }
}

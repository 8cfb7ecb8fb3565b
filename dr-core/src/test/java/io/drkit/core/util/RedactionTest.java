package io.drkit.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://admin:PW@127.0.0.1:9 | http://****@127.0.0.1:9",
        "https://token123@longhorn.example/v1?x=1 | https://****@longhorn.example/v1?x=1",
        "s3://backups@us-east-1/ | s3://backups@us-east-1/",
        "azblob://container@core.windows.net/dr/ | azblob://container@core.windows.net/dr/",
        "s3://AKIAX:secret@bucket/ | s3://****@bucket/",
        "http://127.0.0.1:9/?token=SECRET&page=2 | http://127.0.0.1:9/?token=****&page=2",
        "https://s3.example/b/k?X-Amz-Signature=abc&X-Amz-Credential=AKIA%2F1&X-Amz-Security-Token=t | https://s3.example/b/k?X-Amz-Signature=****&X-Amz-Credential=****&X-Amz-Security-Token=****",
        "cifs://srv/share?cifsOptions=username=u,password=p4ss&backup=b | cifs://srv/share?cifsOptions=username=u,password=****&backup=b",
        "nfs://server:/export?nfsOptions=soft | nfs://server:/export?nfsOptions=soft",
        "s3://b@r/?backup=backup-1&volume=pvc-1 | s3://b@r/?backup=backup-1&volume=pvc-1",
        "/mnt/nfs/backups | /mnt/nfs/backups",
        "'' | ''"
    })
    void urlsLoseUserInfoAndSecretParametersButKeepEverythingElse(String in, String out) {
        assertThat(Redaction.url(in)).isEqualTo(out);
        assertThat(BackupTarget.redact(in)).isEqualTo(out);
    }

    @Test
    void freeTextLosesEveryKindOfSecret() {
        String text = "Longhorn at http://admin:PW1@10.0.0.1:9500/ failed; AWS_SECRET_ACCESS_KEY=SK2 and "
                + "AWS_SESSION_TOKEN: ST3, header Authorization: Bearer eyJhbGciOi.x.y, key AKIAABCDEFGHIJKLMNOP, "
                + "see s3://bucket@us-east-1/?token=QT4 and password=\"PW5\"";
        String shown = Redaction.text(text);
        assertThat(shown).doesNotContain("PW1", "SK2", "ST3", "eyJhbGciOi", "AKIAABCDEFGHIJKLMNOP", "QT4", "PW5")
                .contains("http://****@10.0.0.1:9500/", "s3://bucket@us-east-1/?token=****", "Bearer ****");
    }

    @Test
    void ordinaryTextIsUnchanged() {
        String text = "backup cfg backupstore/volumes/8d/fc/pvc-immich/backups/backup_backup-1.cfg is truncated: "
                + "Unexpected end-of-input (at s3://b@r/backupstore/volumes/) 3 of 4 blocks";
        assertThat(Redaction.text(text)).isEqualTo(text);
    }

    @Test
    void optionsAreMaskedByName() {
        assertThat(Redaction.isSecretName("AWS_SECRET_ACCESS_KEY")).isTrue();
        assertThat(Redaction.isSecretName("nfsOptions")).isFalse();
        assertThat(Redaction.option("apiToken", "x")).isEqualTo(Redaction.MASK);
        assertThat(Redaction.option("cifsOptions", "vers=3.0,pass=x")).isEqualTo("vers=3.0,pass=****");
        assertThat(Redaction.option("nfsOptions", "soft,timeo=30")).isEqualTo("soft,timeo=30");
    }
}

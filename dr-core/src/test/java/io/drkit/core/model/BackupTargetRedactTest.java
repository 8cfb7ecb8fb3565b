package io.drkit.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackupTargetRedactTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s3://backups@us-east-1/?backup=b&volume=v | s3://backups@us-east-1/?backup=b&volume=v",
        "https://admin:hunter2@longhorn.example.com/ | https://****@longhorn.example.com/",
        "cifs://srv/share?cifsOptions=username=u,password=p4ss&backup=b | cifs://srv/share?cifsOptions=username=u,password=****&backup=b",
        "s3://b@r/?token=abc123&volume=v | s3://b@r/?token=****&volume=v",
        "nfs://server:/export?nfsOptions=soft | nfs://server:/export?nfsOptions=soft",
        "s3://b@r/?accessKey=AKIA1&volume=v | s3://b@r/?accessKey=****&volume=v",
        "'' | ''"
    })
    void masksCredentialsButNotS3BucketsOrOrdinaryOptions(String in, String out) {
        assertThat(BackupTarget.redact(in)).isEqualTo(out);
    }
}

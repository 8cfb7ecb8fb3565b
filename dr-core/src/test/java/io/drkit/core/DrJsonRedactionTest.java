package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON output goes through the one redaction rule too (issue 11, item 3). */
class DrJsonRedactionTest {

    @Test
    void backupUrlsErrorsAndSkipDetailsFromABackendAreRedacted() {
        // a backend (Longhorn's REST API, its CRDs) hands these over as text
        Backup b = Backup.builder("backup-1", "pvc-1").state(BackupState.ERROR)
                .error("upload to http://admin:PW2@minio:9000/b failed").build();
        String json = DrJson.backupsToJson(List.of(b)) + DrJson.skippedNode(List.of(new SkippedEntry("x",
                SkippedEntry.Reason.BACKEND_ERROR, "AWS_SECRET_ACCESS_KEY=SK3 rejected"))).toString();

        assertThat(json).doesNotContain("PW2", "SK3").contains("http://****@minio:9000/b");
    }

    @Test
    void aBackupUrlWithACredentialNeverBecomesAModelValue() {
        // backup URLs are parsed where they come in (plan documents, backends' answers); one that carries a secret is
        // refused there, without the secret in the message, so no model value can write it out
        assertThatThrownBy(() -> BackupUrl.parse("s3://b@r/?backup=backup-1&token=QTOKEN1&volume=pvc-1"))
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining("QTOKEN1");
    }

    @Test
    void anOrdinaryBackupUrlIsWrittenUnchanged() {
        String url = "nfs://srv:/opt/bs?backup=backup-1&nfsOptions=soft%2Ctimeo%3D330&volume=pvc-1";
        Backup b = Backup.builder("backup-1", "pvc-1").state(BackupState.COMPLETED).url(BackupUrl.parse(url)).build();
        assertThat(DrJson.backupNode(b).get("url").asText()).isEqualTo(url);
    }
}

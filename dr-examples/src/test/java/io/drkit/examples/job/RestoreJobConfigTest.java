package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.cluster.LabelSelector;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.Consistency;
import io.drkit.core.plan.NameTemplate;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.JobMode;
import io.drkit.examples.options.JobSource;
import io.drkit.examples.options.Surface;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the restore Job reads its environment: defaults, every key, and errors that name the key. */
class RestoreJobConfigTest {

    @Test
    void anEmptyEnvironmentGivesTheDocumentedDefaults() {
        RestoreJobConfig c = RestoreJobConfig.fromEnvironment(Map.of());

        assertThat(c.mode()).isEqualTo(JobMode.APPLY);
        assertThat(c.source()).isEqualTo(JobSource.BACKUPSTORE);
        assertThat(c.settings().backupstore()).isEmpty();
        assertThat(c.needsBackupTargetUrl()).isTrue();
        assertThat(c.request().pvcSelector()).contains(LabelSelector.parse("data-tier=critical"));
        assertThat(c.request().selectAll()).isFalse();
        assertThat(c.request().groups()).isEmpty();
        assertThat(c.request().asOf()).isEmpty();
        assertThat(c.request().maxAge()).isEmpty();
        assertThat(c.request().volumeName()).isEqualTo(NameTemplate.ORIGINAL);
        assertThat(c.request().createPvc()).isFalse();
        assertThat(c.request().allowSmallerBackup()).isFalse();
        assertThat(c.executor().parallelism()).isEqualTo(2);
        assertThat(c.executor().stepTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(c.executor().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.executor().via()).as("the Job restores through Kubernetes").isEqualTo(Connections.Via.KUBERNETES);
        assertThat(c.settings().longhornNamespace()).isEqualTo("longhorn-system");
        assertThat(c.settings().backupTargetName()).isEqualTo("default");
        assertThat(c.settings().syncWait()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.startupWait()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void emptyValuesMeanTheDefaultAndTheDefaultsAreThoseOfTheKeyTable() {
        Map<String, String> empty = new HashMap<>();
        Map<String, String> defaults = new HashMap<>();
        for (DrOption<?> o : DrOptions.readOn(Surface.JOB)) {
            if (o != DrOptions.PVC_SELECTOR) {
                empty.put(o.key().orElseThrow(), "  ");
            }
            defaults.put(o.key().orElseThrow(), o.defaultText(Surface.JOB).orElse(""));
        }

        assertThat(RestoreJobConfig.fromEnvironment(empty)).isEqualTo(RestoreJobConfig.fromEnvironment(Map.of()));
        assertThat(RestoreJobConfig.fromEnvironment(defaults)).isEqualTo(RestoreJobConfig.fromEnvironment(Map.of()));
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> env = new HashMap<>();
        env.put("DRKIT_MODE", "PLAN");
        env.put("DRKIT_SOURCE", "longhorn-crds");
        env.put("DRKIT_BACKUPSTORE", "/mnt/backups");
        env.put("DRKIT_TARGET_URL", "nfs://nas:/export/longhorn");
        env.put("DRKIT_PVC_SELECTOR", "tier in (gold,silver)");
        env.put("DRKIT_GROUPS", "critical, default");
        env.put("DRKIT_NAMESPACES", "shop,media");
        env.put("DRKIT_PVCS", "shop/db , media/photos");
        env.put("DRKIT_ALL", "false");
        env.put("DRKIT_AS_OF", "2026-09-20T18:13:20Z");
        env.put("DRKIT_MAX_AGE", "36h");
        env.put("DRKIT_VOLUME_NAME", "restored-{pvc}");
        env.put("DRKIT_PV_NAME", "pv-{namespace}-{pvc}");
        env.put("DRKIT_CREATE_PVC", "TRUE");
        env.put("DRKIT_ALLOW_SMALLER_BACKUP", "true");
        env.put("DRKIT_CONSISTENT", "label=app.kubernetes.io/instance");
        env.put("DRKIT_CONSISTENCY_WINDOW", "90m");
        env.put("DRKIT_CONSISTENT_STRICT", "true");
        env.put("DRKIT_ON_ANOMALY", "Previous");
        env.put("DRKIT_ANOMALY_FLOOR", "0.5");
        env.put("DRKIT_ANOMALY_FACTOR", "3");
        env.put("DRKIT_ANOMALY_MAD", "0");
        env.put("DRKIT_ANOMALY_HISTORY", "2");
        env.put("DRKIT_PARALLELISM", "8");
        env.put("DRKIT_STEP_TIMEOUT", "1h30m");
        env.put("DRKIT_POLL_INTERVAL", "500ms");
        env.put("DRKIT_LONGHORN_NAMESPACE", "storage");
        env.put("DRKIT_BACKUP_TARGET", "offsite");
        env.put("DRKIT_STARTUP_WAIT", "45m");
        env.put("DRKIT_SYNC_WAIT", "0s");
        assertThat(env.keySet()).as("the test covers every key")
                .containsExactlyInAnyOrderElementsOf(DrOptions.readOn(Surface.JOB).stream().map(o -> o.key().orElseThrow()).toList());

        RestoreJobConfig c = RestoreJobConfig.fromEnvironment(env);

        assertThat(c.mode()).isEqualTo(JobMode.PLAN);
        assertThat(c.source()).isEqualTo(JobSource.LONGHORN_CRDS);
        assertThat(c.settings().targetUrl()).contains("nfs://nas:/export/longhorn");
        assertThat(c.needsBackupTargetUrl()).isFalse();
        assertThat(c.request().pvcSelector()).contains(LabelSelector.parse("tier in (gold,silver)"));
        assertThat(c.request().groups()).containsExactly("critical", "default");
        assertThat(c.request().namespaces()).containsExactly("media", "shop");
        assertThat(c.request().pvcs()).containsExactly(PvcRef.of("media", "photos"), PvcRef.of("shop", "db"));
        assertThat(c.request().asOf()).contains(Instant.parse("2026-09-20T18:13:20Z"));
        assertThat(c.request().maxAge()).contains(Duration.ofHours(36));
        assertThat(c.request().volumeName()).isEqualTo(NameTemplate.of("restored-{pvc}"));
        assertThat(c.request().pvName()).isEqualTo(NameTemplate.of("pv-{namespace}-{pvc}"));
        assertThat(c.request().createPvc()).isTrue();
        assertThat(c.request().allowSmallerBackup()).isTrue();
        assertThat(c.request().consistency()).isEqualTo(Consistency.byLabel("app.kubernetes.io/instance")
                .withWindow(Duration.ofMinutes(90)).withStrict(true));
        assertThat(c.request().onAnomaly()).isEqualTo(AnomalyPolicy.PREVIOUS);
        assertThat(c.request().changeRateRule()).isEqualTo(new ChangeRateRule(2, 2, 0.5, 3, 0));
        assertThat(c.executor().parallelism()).isEqualTo(8);
        assertThat(c.executor().stepTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.executor().pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.startupWait()).isEqualTo(Duration.ofMinutes(45));
        assertThat(c.settings().syncWait()).as("zero: check once").isZero();
        // reading from the CRDs: the Connections settings name no backupstore (DRKIT_BACKUPSTORE is not read)
        assertThat(c.settings().kubernetes()).isTrue();
        assertThat(c.settings().backupstore()).isEmpty();
        assertThat(c.settings().longhornNamespace()).isEqualTo("storage");
        assertThat(c.settings().backupTargetName()).isEqualTo("offsite");
    }

    @Test
    void anEmptySelectorLeavesTheSelectionToTheOtherKeysAndAllSelectsEverything() {
        RestoreJobConfig groups = RestoreJobConfig.fromEnvironment(Map.of("DRKIT_PVC_SELECTOR", "", "DRKIT_GROUPS", "critical"));
        RestoreJobConfig all = RestoreJobConfig.fromEnvironment(Map.of("DRKIT_PVC_SELECTOR", "", "DRKIT_ALL", "true"));

        assertThat(groups.request().pvcSelector()).isEmpty();
        assertThat(groups.request().groups()).containsExactly("critical");
        assertThat(all.request().selectAll()).isTrue();
        assertThat(all.request().pvcSelector()).isEmpty();
    }

    @ParameterizedTest(name = "{0}=''{1}'' is refused, naming the key")
    @CsvSource(delimiter = '|', value = {
        "DRKIT_MODE | restore | DRKIT_MODE: 'restore' is not one of apply, plan",
        "DRKIT_SOURCE | rest | DRKIT_SOURCE: 'rest' is not one of backupstore, longhorn-crds",
        "DRKIT_BACKUPSTORE | nfs://nas:/export | DRKIT_BACKUPSTORE: nfs:// targets are read from a mounted directory",
        "DRKIT_BACKUPSTORE | ftp://host/x | DRKIT_BACKUPSTORE: unsupported backup target scheme 'ftp'",
        "DRKIT_TARGET_URL | s3://no-slash | DRKIT_TARGET_URL:",
        "DRKIT_PVC_SELECTOR | data tier=critical | DRKIT_PVC_SELECTOR: invalid label key",
        "DRKIT_PVCS | shop/db,just-a-name | DRKIT_PVCS:",
        "DRKIT_ALL | yes | DRKIT_ALL: 'yes' is not true or false",
        "DRKIT_AS_OF | yesterday | DRKIT_AS_OF: not a timestamp",
        "DRKIT_MAX_AGE | soon | DRKIT_MAX_AGE: 'soon' is not a duration",
        "DRKIT_MAX_AGE | 0s | DRKIT_MAX_AGE: must be a positive duration",
        "DRKIT_VOLUME_NAME | restored-{claim} | DRKIT_VOLUME_NAME: unknown placeholder {claim}",
        "DRKIT_PV_NAME | pv-{pvc | DRKIT_PV_NAME: unbalanced brace",
        "DRKIT_CREATE_PVC | 1 | DRKIT_CREATE_PVC: '1' is not true or false",
        "DRKIT_ALLOW_SMALLER_BACKUP | maybe | DRKIT_ALLOW_SMALLER_BACKUP: 'maybe' is not true or false",
        "DRKIT_PARALLELISM | 0 | DRKIT_PARALLELISM: 0 is out of range 1..64",
        "DRKIT_PARALLELISM | two | DRKIT_PARALLELISM: 'two' is not a whole number",
        "DRKIT_STEP_TIMEOUT | 2 hours | DRKIT_STEP_TIMEOUT: '2 hours' is not a duration",
        "DRKIT_STARTUP_WAIT | forever | DRKIT_STARTUP_WAIT: 'forever' is not a duration",
        "DRKIT_SYNC_WAIT | PT-1M | DRKIT_SYNC_WAIT: must not be negative",
        "DRKIT_POLL_INTERVAL | -5s | DRKIT_POLL_INTERVAL: '-5s' is not a duration",
        "DRKIT_CONSISTENT | app | DRKIT_CONSISTENT: restore sets: unknown grouping 'app': use namespace or label=KEY",
        "DRKIT_CONSISTENT | label=not a key | DRKIT_CONSISTENT: restore sets: 'not a key' is not a Kubernetes label key",
        "DRKIT_CONSISTENCY_WINDOW | 400d | DRKIT_CONSISTENCY_WINDOW: must be positive and at most",
        "DRKIT_CONSISTENCY_WINDOW | 4h | DRKIT_CONSISTENCY_WINDOW needs restore sets: also give DRKIT_CONSISTENT=",
        "DRKIT_CONSISTENT_STRICT | true | DRKIT_CONSISTENT_STRICT needs restore sets",
        "DRKIT_ON_ANOMALY | ignore | DRKIT_ON_ANOMALY: 'ignore' is not one of warn, previous, hold, off",
        "DRKIT_ANOMALY_FLOOR | 0 | DRKIT_ANOMALY_FLOOR: 0 is out of range (0, 1]",
        "DRKIT_ANOMALY_FACTOR | 0.5 | DRKIT_ANOMALY_FACTOR: 0.5 is out of range [1, 1000]",
        "DRKIT_ANOMALY_MAD | -1 | DRKIT_ANOMALY_MAD: -1 is out of range [0, 1000]",
        "DRKIT_ANOMALY_HISTORY | 0 | DRKIT_ANOMALY_HISTORY: 0 is out of range 1..1000",
        "DRKIT_SELECTOR | data-tier=critical | unknown configuration key DRKIT_SELECTOR (known: DRKIT_MODE,",
    })
    void aMalformedValueIsRefusedWithAMessageNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> RestoreJobConfig.fromEnvironment(Map.of(key, value)))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(message);
    }

    @Test
    void allCannotBeCombinedWithTheDefaultSelectorAndTheMessageSaysHowToClearIt() {
        assertThatThrownBy(() -> RestoreJobConfig.fromEnvironment(Map.of("DRKIT_ALL", "true")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("DRKIT_ALL=true selects every claim and cannot be combined with DRKIT_PVC_SELECTOR "
                        + "(set DRKIT_PVC_SELECTOR to an empty string)");
        assertThatThrownBy(() -> RestoreJobConfig.fromEnvironment(Map.of("DRKIT_PVC_SELECTOR", "")))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("the selection is empty: set DRKIT_PVC_SELECTOR");
    }

    @ParameterizedTest(name = "''{0}'' = {1}")
    @CsvSource({"90s, PT1M30S", "5m, PT5M", "2h, PT2H", "1h30m, PT1H30M", "7d, PT168H", "500ms, PT0.5S", "PT2H, PT2H",
        "p7d, PT168H", "1d12h, PT36H"})
    void durationsAreReadInGoStyleOrIso8601(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @Test
    void onlyTheBackupTargetSecretKeysArePassedOnAndNoValueIsEverPrinted() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "very-secret-value");
        env.put("AWS_ENDPOINTS", "https://minio.example:9000");
        env.put("HOME", "/home/job");
        env.put("DRKIT_BACKUPSTORE", "s3://backups@us-east-1/dr/");

        RestoreJobConfig c = RestoreJobConfig.fromEnvironment(env);

        assertThat(c.settings().env()).containsOnlyKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINTS");
        assertThat(c.settings().backupstore()).contains("s3://backups@us-east-1/dr/");
        assertThat(c.toString()).contains("AWS_SECRET_ACCESS_KEY").doesNotContain("very-secret-value")
                .doesNotContain("AKIAEXAMPLE");
        // credentials in the target URL itself are refused, without echoing them (they belong in the Secret)
        env.put("DRKIT_BACKUPSTORE", "s3://backups@us-east-1/?token=abc123secret");
        assertThatThrownBy(() -> RestoreJobConfig.fromEnvironment(env)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must not carry credentials").hasMessageNotContaining("abc123secret");
    }

    @ParameterizedTest(name = "backupstore ''{0}'', target ''{1}'': lookup needed {2}, fills {3}")
    @CsvSource({"'', '', true, DRKIT_BACKUPSTORE", "s3://b@r/, '', false, ", "/mnt/nfs, '', true, DRKIT_TARGET_URL",
        "/mnt/nfs, nfs://nas:/export, false, "})
    void longhornsBackupTargetFillsAnEmptyStoreOrTheTargetOfAMountedDirectory(String store, String targetUrl,
                                                                               boolean lookup, String key) {
        RestoreJobConfig c = RestoreJobConfig.fromEnvironment(Map.of("DRKIT_BACKUPSTORE", store, "DRKIT_TARGET_URL", targetUrl));

        assertThat(c.needsBackupTargetUrl()).isEqualTo(lookup);
        if (lookup) {
            assertThat(c.keyFilledByBackupTarget().key()).contains(key);
        }
    }

    @Test
    void theLookedUpUrlBecomesTheStoreOrTheDirectorysTargetUrl() {
        RestoreJobConfig empty = RestoreJobConfig.fromEnvironment(Map.of());
        RestoreJobConfig dir = RestoreJobConfig.fromEnvironment(Map.of("DRKIT_BACKUPSTORE", "/mnt/nfs"));

        assertThat(empty.withLonghornTargetUrl("s3://backups@us-east-1/").settings().backupstore())
                .contains("s3://backups@us-east-1/");
        assertThat(dir.withLonghornTargetUrl("nfs://nas:/export").settings().targetUrl()).contains("nfs://nas:/export");
        assertThat(dir.withLonghornTargetUrl("nfs://nas:/export").needsBackupTargetUrl()).isFalse();
        assertThatThrownBy(() -> empty.withLonghornTargetUrl("nfs://nas:/export"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("DRKIT_BACKUPSTORE is empty and Longhorn's backup target is nfs://nas:/export");
        assertThat(RestoreJobConfig.fromEnvironment(Map.of("DRKIT_SOURCE", "longhorn-crds")).needsBackupTargetUrl()).isFalse();
    }
}

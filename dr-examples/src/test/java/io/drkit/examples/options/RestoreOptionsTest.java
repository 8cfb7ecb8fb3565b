package io.drkit.examples.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.catalog.ChangeRateRule;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.AnomalyPolicy;
import io.drkit.core.plan.Consistency;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping from options to the pipeline: flags and keys agree, the precedence, and errors naming what was used. */
class RestoreOptionsTest {
    /** A value for every option that both the CLI and the Job read (and a few CLI-only ones, given as flags only). */
    private static final Map<DrOption<?>, String> SAMPLE = new LinkedHashMap<>();

    static {
        SAMPLE.put(DrOptions.BACKUPSTORE, "/mnt/backups");
        SAMPLE.put(DrOptions.TARGET_URL, "nfs://nas:/export/longhorn");
        SAMPLE.put(DrOptions.PVC_SELECTOR, "tier in (gold,silver)");
        SAMPLE.put(DrOptions.GROUPS, "critical,default");
        SAMPLE.put(DrOptions.NAMESPACES, "shop,media");
        SAMPLE.put(DrOptions.PVCS, "shop/db,media/photos");
        SAMPLE.put(DrOptions.ALL, "false");
        SAMPLE.put(DrOptions.AS_OF, "2026-09-20T18:13:20Z");
        SAMPLE.put(DrOptions.MAX_AGE, "36h");
        SAMPLE.put(DrOptions.VOLUME_NAME, "restored-{pvc}");
        SAMPLE.put(DrOptions.PV_NAME, "pv-{namespace}-{pvc}");
        SAMPLE.put(DrOptions.CREATE_PVC, "true");
        SAMPLE.put(DrOptions.ALLOW_SMALLER_BACKUP, "true");
        SAMPLE.put(DrOptions.PARALLELISM, "8");
        SAMPLE.put(DrOptions.STEP_TIMEOUT, "1h30m");
        SAMPLE.put(DrOptions.POLL_INTERVAL, "500ms");
        SAMPLE.put(DrOptions.LONGHORN_NAMESPACE, "storage");
        SAMPLE.put(DrOptions.BACKUP_TARGET, "offsite");
        SAMPLE.put(DrOptions.SYNC_WAIT, "0s");
        SAMPLE.put(DrOptions.CONSISTENT, "label=app.kubernetes.io/instance");
        SAMPLE.put(DrOptions.CONSISTENCY_WINDOW, "45m");
        SAMPLE.put(DrOptions.CONSISTENT_STRICT, "true");
        SAMPLE.put(DrOptions.ON_ANOMALY, "hold");
        SAMPLE.put(DrOptions.ANOMALY_FLOOR, "0.3");
        SAMPLE.put(DrOptions.ANOMALY_FACTOR, "5");
        SAMPLE.put(DrOptions.ANOMALY_MAD, "4");
        SAMPLE.put(DrOptions.ANOMALY_HISTORY, "20");
    }

    private static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");

    /** Flags as picocli hands them over: a list option's values one per repeated flag. */
    private static Map<DrOption<?>, List<String>> flags(Map<DrOption<?>, String> values) {
        Map<DrOption<?>, List<String>> flags = new LinkedHashMap<>();
        values.forEach((o, v) -> flags.put(o, o.arity() == DrOption.Arity.LIST ? Arrays.asList(v.split(",")) : List.of(v)));
        return flags;
    }

    private static Map<String, String> keys(Map<DrOption<?>, String> values) {
        Map<String, String> env = new HashMap<>();
        values.forEach((o, v) -> env.put(o.key().orElseThrow(), v));
        return env;
    }

    private static OptionValues cliFlags(Map<DrOption<?>, String> values) {
        return OptionValues.cli(flags(values), Map.of());
    }

    @Test
    void theSameOptionsAsFlagsAsKeysForDrAndAsKeysForTheJobGiveTheSameRequestAndSettings() {
        List<DrOption<?>> onBoth = DrOptions.all().stream().filter(o -> o.readOn(Surface.CLI) && o.readOn(Surface.JOB))
                .toList();
        assertThat(SAMPLE.keySet()).as("the sample gives every option both read").containsExactlyInAnyOrderElementsOf(onBoth);

        OptionValues flags = cliFlags(SAMPLE);
        OptionValues cliKeys = OptionValues.cli(Map.of(), keys(SAMPLE));
        OptionValues job = OptionValues.job(keys(SAMPLE));

        RestoreRequest request = RestoreOptions.request(flags);
        assertThat(RestoreOptions.request(cliKeys)).isEqualTo(request);
        assertThat(RestoreOptions.request(job)).isEqualTo(request);
        assertThat(request.pvcs()).containsExactly(PvcRef.of("media", "photos"), PvcRef.of("shop", "db"));
        assertThat(request.allowSmallerBackup()).isTrue();
        assertThat(request.consistency()).isEqualTo(Consistency.byLabel("app.kubernetes.io/instance")
                .withWindow(Duration.ofMinutes(45)).withStrict(true));
        assertThat(request.onAnomaly()).isEqualTo(AnomalyPolicy.HOLD);
        assertThat(request.changeRateRule()).isEqualTo(new ChangeRateRule(20, 3, 0.3, 5, 4));

        ExecutorSettings executor = RestoreOptions.executor(flags);
        assertThat(RestoreOptions.executor(cliKeys)).isEqualTo(executor);
        assertThat(RestoreOptions.executor(job)).isEqualTo(executor);
        assertThat(executor).isEqualTo(new ExecutorSettings(Connections.Via.KUBERNETES, 8, Duration.ofMinutes(90),
                Duration.ofMillis(500)));

        Connections.Settings source = RestoreOptions.source(flags, CREDENTIALS);
        assertThat(RestoreOptions.source(cliKeys, CREDENTIALS)).isEqualTo(source);
        assertThat(RestoreOptions.source(job, CREDENTIALS)).isEqualTo(source);
        assertThat(source.backupstore()).contains("/mnt/backups");
        assertThat(source.longhornNamespace()).isEqualTo("storage");
        assertThat(source.syncWait()).isZero();
    }

    @Test
    void aFlagWinsOverItsKeyWhichWinsOverTheDefault() {
        Map<String, String> env = Map.of("DRKIT_PARALLELISM", "5", "DRKIT_STEP_TIMEOUT", "3h");

        OptionValues flagAndKey = OptionValues.cli(Map.of(DrOptions.PARALLELISM, List.of("3")), env);
        OptionValues keyOnly = OptionValues.cli(Map.of(), env);
        OptionValues neither = OptionValues.cli(Map.of(), Map.of());

        assertThat(flagAndKey.get(DrOptions.PARALLELISM)).isEqualTo(3);
        assertThat(flagAndKey.get(DrOptions.STEP_TIMEOUT)).as("another option's key still applies").hasHours(3);
        assertThat(keyOnly.get(DrOptions.PARALLELISM)).isEqualTo(5);
        assertThat(neither.get(DrOptions.PARALLELISM)).isEqualTo(2);
        assertThat(neither.get(DrOptions.STEP_TIMEOUT)).hasHours(2);
        assertThat(OptionValues.cli(Map.of(), Map.of("DRKIT_PARALLELISM", "  ")).get(DrOptions.PARALLELISM))
                .as("an empty key is not set").isEqualTo(2);
    }

    @Test
    void aSelectionFlagReplacesEverySelectionKeyAndASourceFlagEverySourceKey() {
        Map<String, String> env = Map.of("DRKIT_PVC_SELECTOR", "data-tier=critical", "DRKIT_GROUPS", "critical",
                "DRKIT_ALL", "false", "DRKIT_BACKUPSTORE", "/mnt/backups", "DRKIT_TARGET_URL", "nfs://nas:/export",
                "DRKIT_PARALLELISM", "4");
        OptionValues v = OptionValues.cli(Map.of(DrOptions.PVCS, List.of("shop/db"),
                DrOptions.LONGHORN, List.of("http://longhorn:9500")), env);

        RestoreRequest r = RestoreOptions.request(v);
        Connections.Settings s = RestoreOptions.source(v, Map.of());

        assertThat(r.pvcs()).containsExactly(PvcRef.of("shop", "db"));
        assertThat(r.pvcSelector()).isEmpty();
        assertThat(r.groups()).isEmpty();
        assertThat(s.backupstore()).isEmpty();
        assertThat(s.targetUrl()).isEmpty();
        assertThat(s.longhorn()).contains("http://longhorn:9500");
        assertThat(RestoreOptions.executor(v).parallelism()).as("keys outside the groups still apply").isEqualTo(4);
        // without a selection flag, the keys select
        assertThat(RestoreOptions.request(OptionValues.cli(Map.of(), env)).groups()).containsExactly("critical");
    }

    @Test
    void aBooleanSetByAKeyIsTurnedOffByItsFlagAndAnEmptySelectorKeyMeansNoSelector() {
        Map<String, String> env = Map.of("DRKIT_CREATE_PVC", "true", "DRKIT_PVCS", "shop/db");

        assertThat(RestoreOptions.request(OptionValues.cli(Map.of(), env)).createPvc()).isTrue();
        assertThat(RestoreOptions.request(OptionValues.cli(Map.of(DrOptions.CREATE_PVC, List.of("false")), env))
                .createPvc()).isFalse();
        assertThat(OptionValues.job(Map.of("DRKIT_PVC_SELECTOR", "")).find(DrOptions.PVC_SELECTOR)).isEmpty();
        assertThat(OptionValues.job(Map.of()).find(DrOptions.PVC_SELECTOR)).map(Object::toString)
                .contains("data-tier=critical");
        assertThat(OptionValues.cli(Map.of(), Map.of()).find(DrOptions.PVC_SELECTOR)).as("no default in dr").isEmpty();
    }

    @Test
    void errorsNameTheFlagOrTheKeyTheValueCameFrom() {
        assertThatThrownBy(() -> RestoreOptions.executor(cliFlags(Map.of(DrOptions.PARALLELISM, "0"))))
                .isInstanceOf(InvalidInputException.class).hasMessage("--parallelism: 0 is out of range 1..64");
        assertThatThrownBy(() -> RestoreOptions.executor(OptionValues.cli(Map.of(), Map.of("DRKIT_PARALLELISM", "0"))))
                .isInstanceOf(InvalidInputException.class).hasMessage("DRKIT_PARALLELISM: 0 is out of range 1..64");
        assertThatThrownBy(() -> OptionValues.cli(Map.of(DrOptions.VIA, List.of("grpc")), Map.of()).get(DrOptions.VIA))
                .hasMessage("--via: 'grpc' is not one of kubernetes, longhorn");
        assertThat(cliFlags(Map.of(DrOptions.VIA, "rest")).get(DrOptions.VIA)).isEqualTo(Connections.Via.LONGHORN);
    }

    @Test
    void aMalformedKeyOnlyMattersToTheCommandsThatReadIt() {
        OptionValues v = OptionValues.cli(Map.of(DrOptions.ALL, List.of("true")), Map.of("DRKIT_STEP_TIMEOUT", "soon"));

        assertThat(RestoreOptions.request(v).selectAll()).isTrue();
        assertThatThrownBy(() -> RestoreOptions.executor(v)).hasMessageStartingWith("DRKIT_STEP_TIMEOUT: 'soon' is not a duration");
    }

    @Test
    void drIgnoresUnknownKeysTheJobRefusesThem() {
        Map<String, String> env = Map.of("DRKIT_SELECTR", "x", "DRKIT_CONNECT_TIMEOUT", "9s");

        assertThat(OptionValues.cli(Map.of(), env).get(DrOptions.CONNECT_TIMEOUT)).hasSeconds(9);
        assertThatThrownBy(() -> OptionValues.job(env)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("unknown configuration keys DRKIT_CONNECT_TIMEOUT, DRKIT_SELECTR (known: DRKIT_MODE,");
    }

    @Test
    void selectionErrorsNameTheFlagsOnTheCommandLine() {
        assertThatThrownBy(() -> RestoreOptions.request(cliFlags(Map.of(DrOptions.ALL, "true", DrOptions.PVCS, "a/b"))))
                .hasMessage("--all selects every claim and cannot be combined with --pvc");
        assertThatThrownBy(() -> RestoreOptions.request(cliFlags(Map.of())))
                .hasMessage("the selection is empty: give --selector, --group, --namespace, --pvc or --all");
        assertThatThrownBy(() -> RestoreOptions.request(OptionValues.cli(Map.of(), Map.of("DRKIT_ALL", "true",
                "DRKIT_NAMESPACES", "shop"))))
                .hasMessage("DRKIT_ALL=true selects every claim and cannot be combined with DRKIT_NAMESPACES");
    }

    @Test
    void aShareThatMustBeMountedIsRefusedWithTheWayOutOfEachSurface() {
        assertThatThrownBy(() -> RestoreOptions.source(cliFlags(Map.of(DrOptions.BACKUPSTORE, "nfs://nas:/export")), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("--backupstore: nfs:// targets are read from a mounted directory: mount the share, then use "
                        + "--backupstore /mount/point and --target-url nfs://nas:/export (or read Longhorn's view with "
                        + "--longhorn URL or --kubernetes)");
        assertThatThrownBy(() -> RestoreOptions.source(OptionValues.job(Map.of("DRKIT_BACKUPSTORE", "nfs://nas:/export")),
                Map.of()))
                .hasMessage("DRKIT_BACKUPSTORE: nfs:// targets are read from a mounted directory: mount the share, then "
                        + "use DRKIT_BACKUPSTORE=/mount/point and DRKIT_TARGET_URL=nfs://nas:/export (or set "
                        + "DRKIT_SOURCE=longhorn-crds)");
    }

    @Test
    void theConnectTimeoutComesFromTheFlagElseTheKeyElseTheDefaultAndIsBounded() {
        Map<String, String> env = Map.of("DRKIT_CONNECT_TIMEOUT", "9s");

        assertThat(OptionValues.cli(Map.of(DrOptions.CONNECT_TIMEOUT, List.of("2s")), env).get(DrOptions.CONNECT_TIMEOUT))
                .hasSeconds(2);
        assertThat(OptionValues.cli(Map.of(), Map.of("DRKIT_CONNECT_TIMEOUT", "1500ms")).get(DrOptions.CONNECT_TIMEOUT))
                .hasMillis(1500);
        assertThat(OptionValues.cli(Map.of(), Map.of()).get(DrOptions.CONNECT_TIMEOUT)).isEqualTo(Preflight.DEFAULT_TIMEOUT)
                .hasSeconds(5);
        assertThatThrownBy(() -> OptionValues.cli(Map.of(), Map.of("DRKIT_CONNECT_TIMEOUT", "five")).get(DrOptions.CONNECT_TIMEOUT))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("DRKIT_CONNECT_TIMEOUT: ");
        assertThatThrownBy(() -> cliFlags(Map.of(DrOptions.CONNECT_TIMEOUT, "0s")).get(DrOptions.CONNECT_TIMEOUT))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("--connect-timeout: ");
        assertThatThrownBy(() -> cliFlags(Map.of(DrOptions.CONNECT_TIMEOUT, "1h")).get(DrOptions.CONNECT_TIMEOUT))
                .isInstanceOf(InvalidInputException.class).hasMessage("--connect-timeout: must be positive and at most 5m, not 1h");
    }
}

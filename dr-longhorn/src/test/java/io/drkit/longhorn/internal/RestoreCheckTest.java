package io.drkit.longhorn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.KubernetesStatus;
import io.drkit.longhorn.LonghornVolume;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The completion rule of the reference note §4.2, as a table. */
class RestoreCheckTest {

    @ParameterizedTest(name = "state={0} robustness={1} restoreRequired={2} restoreInitiated={3} reason={4} pv={5} -> {6}")
    @CsvSource({
        // freshly created: no state yet, restoreRequired still false: NOT done
        "'',        '',        false, false, '',                '',      NOT_INITIATED",
        "'',        '',        false, n/a,   '',                '',      NOT_INITIATED",
        "creating,  unknown,   true,  true,  '',                '',      NOT_INITIATED",
        "creating,  unknown,   true,  n/a,   '',                '',      NOT_INITIATED",
        // restoreInitiated=false where the API reports it (1.5+): not initiated even if detached
        "detached,  unknown,   false, false, '',                '',      NOT_INITIATED",
        "attaching, unknown,   true,  true,  '',                '',      RESTORING",
        "attached,  healthy,   true,  true,  RestoreInProgress, '',      RESTORING",
        "attached,  degraded,  true,  n/a,   RestoreInProgress, '',      RESTORING",
        // restore finished but still attached by the restore ticket: wait for the detach
        "attached,  healthy,   false, true,  '',                '',      RESTORING",
        "detaching, healthy,   false, true,  '',                '',      RESTORING",
        "detached,  unknown,   false, true,  '',                '',      DONE",
        "detached,  unknown,   false, n/a,   '',                '',      DONE",
        // adopted and in use by a workload
        "attached,  healthy,   false, true,  '',                Bound,   DONE",
        "detached,  faulted,   true,  true,  RestoreFailure,    '',      FAILED",
        "detached,  unknown,   true,  true,  RestoreFailure,    '',      FAILED",
        "attached,  faulted,   false, true,  '',                '',      FAILED"
    })
    void decidesWhetherARestoreIsDone(String state, String robustness, boolean restoreRequired, String initiated,
                                      String reason, String pvStatus, RestoreCheck.Phase expected) {
        Optional<Boolean> init = initiated.equals("n/a") ? Optional.empty() : Optional.of(Boolean.parseBoolean(initiated));
        Map<String, LonghornVolume.Condition> conditions = reason.isEmpty() ? Map.of()
                : Map.of("Restore", new LonghornVolume.Condition("Restore", "False", reason, "", ""));
        LonghornVolume v = new LonghornVolume("vol", 1L << 30, state, robustness, false, restoreRequired, init, false,
                "s3://b@r/?backup=backup-1&volume=v", "rwo", 3, 2880, Optional.of("v1"), Optional.empty(), "blockdev",
                Optional.empty(), List.of(), List.of(), conditions,
                new KubernetesStatus(pvStatus.isEmpty() ? "" : "vol", pvStatus, "", "", "", List.of(), ""), Set.of());

        assertThat(RestoreCheck.evaluate(v).phase()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'', '', ''", "'disk full', '', ''", "'disk full', 'disk full', 'disk full'"})
    void reportsReplicaErrorsOnlyWhenEveryReplicaHasOne(String e1, String e2, String expectedFragment) {
        List<LonghornVolume.RestoreStatus> rs = List.of(
                new LonghornVolume.RestoreStatus("r1", true, "", 10, "in_progress", e1, "", ""),
                new LonghornVolume.RestoreStatus("r2", true, "", 30, "in_progress", e2, "", ""));
        LonghornVolume v = new LonghornVolume("vol", 1, "attached", "healthy", false, true, Optional.of(true), false,
                "u", "rwo", 2, 2880, Optional.empty(), Optional.empty(), "", Optional.empty(), rs, List.of(), Map.of(),
                null, Set.of());

        RestoreCheck.Result r = RestoreCheck.evaluate(v);

        assertThat(r.fraction()).isEqualTo(0.2);
        assertThat(r.replicaError()).contains(expectedFragment);
        assertThat(r.replicaError().isEmpty()).isEqualTo(expectedFragment.isEmpty());
    }
}

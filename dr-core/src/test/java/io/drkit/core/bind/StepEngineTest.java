package io.drkit.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.CancelledException;
import io.drkit.core.Cancellation;
import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.bind.StepState.PvFinding;
import io.drkit.core.bind.StepState.VolumeFinding;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one step engine over scripted operations: which operations it calls for which state, the phases it reports,
 * its action log, and the outcome rule. The operations' own behaviour per backend is {@code StepOperationsContractTest}.
 */
class StepEngineTest {
    private static final PvcRef PVC = PvcRef.of("shop", "db-data");

    /** A state the test chooses. */
    record Fake(String conflictReason, VolumeFinding volume, PvFinding pv, boolean claimExists) implements StepState {
        @Override
        public Optional<String> conflict() {
            return conflictReason.isEmpty() ? Optional.empty() : Optional.of(conflictReason);
        }

        @Override
        public String describe() {
            return "volume " + volume + ", PV " + pv + ", claim " + (claimExists ? "present" : "missing");
        }
    }

    /** Operations that record their calls and answer as scripted. */
    static final class Ops implements StepOperations<Fake> {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        Fake state = new Fake("", VolumeFinding.ABSENT, PvFinding.ABSENT, false);
        boolean volumeFoundConcurrently;
        boolean pvReserved = true;
        List<String> adoptChanges = List.of();
        Runnable duringCreateVolume = () -> { };

        @Override
        public String describe() {
            return "scripted operations";
        }

        @Override
        public Class<Fake> stateType() {
            return Fake.class;
        }

        @Override
        public Fake read(RestoreStep step) {
            calls.add("read");
            return state;
        }

        @Override
        public void ensureBackupKnown(RestoreStep step, BindContext ctx) {
            calls.add("ensureBackupKnown");
        }

        @Override
        public Creation createVolume(RestoreStep step, BindContext ctx) {
            calls.add("createVolume");
            duringCreateVolume.run();
            return volumeFoundConcurrently ? Creation.foundConcurrently() : Creation.createdNow();
        }

        @Override
        public List<String> adoptVolume(RestoreStep step, Fake s, BindContext ctx) {
            calls.add("adoptVolume");
            return adoptChanges;
        }

        @Override
        public Fake awaitRestore(RestoreStep step, Fake s, BindContext ctx) {
            calls.add("awaitRestore");
            return new Fake("", VolumeFinding.RESTORED, s.pv(), s.claimExists());
        }

        @Override
        public Creation createPv(RestoreStep step, Fake s, BindContext ctx) {
            calls.add("createPv");
            return Creation.createdNow("pre-bound");
        }

        @Override
        public boolean preparePv(RestoreStep step, Fake s, BindContext ctx) {
            calls.add("preparePv");
            return pvReserved;
        }

        @Override
        public Creation createPvc(RestoreStep step, Fake s, BindContext ctx) {
            calls.add("createPvc");
            return Creation.createdNow();
        }

        @Override
        public void close() {
        }
    }

    private static RestoreStep step(boolean createPvc) {
        Backup b = Backup.builder("backup-0000000000000001", "pvc-src").snapshotCreatedAt(Instant.parse("2026-11-01T00:00:00Z"))
                .completedAt(Instant.parse("2026-11-01T00:01:00Z")).volumeSize(1L << 30)
                .url(BackupUrl.parse("s3://backups@us-east-1/?backup=backup-0000000000000001&volume=pvc-src")).build();
        return RestoreStep.builder(PVC, b).volumeName("restored-db").pvName("restored-db").sizeBytes(1L << 30)
                .storageClassName("longhorn").recurringJobGroups(Set.of("critical")).createPvc(createPvc).build();
    }

    private static BindContext ctx(RestoreStep s, Cancellation c, List<BindPhase> phases) {
        return BindContext.create(s, Duration.ofSeconds(30), c, new BindListener() {
            @Override
            public void phase(RestoreStep step, BindPhase phase, String detail) {
                phases.add(phase);
            }
        });
    }

    private static BindContext ctx(RestoreStep s) {
        return ctx(s, Cancellation.create(), new ArrayList<>());
    }

    @Test
    void aFreshStepCreatesEverythingInOrderAndIsRestored() {
        Ops ops = new Ops();
        RestoreStep s = step(true);
        List<BindPhase> phases = new ArrayList<>();

        BindResult r = ops.bind(s, ctx(s, Cancellation.create(), phases));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(r.pvcCreated()).isTrue();
        assertThat(ops.calls).containsExactly("read", "ensureBackupKnown", "createVolume", "awaitRestore", "createPv",
                "createPvc");
        assertThat(phases).containsExactly(BindPhase.PREFLIGHT, BindPhase.CREATE_VOLUME, BindPhase.RESTORING,
                BindPhase.CREATE_PV, BindPhase.CREATE_PVC, BindPhase.DONE);
        assertThat(r.actions()).containsExactly("created volume restored-db from backup backup-0000000000000001",
                "restored volume restored-db", "created PV restored-db for shop/db-data (pre-bound)",
                "created claim shop/db-data bound to PV restored-db");
    }

    @Test
    void aCompleteStepIsAdoptedWithoutCallingAnyWriteOrWait() {
        Ops ops = new Ops();
        ops.state = new Fake("", VolumeFinding.RESTORED, PvFinding.READY, true);
        RestoreStep s = step(true);

        BindResult r = ops.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(StepOutcome.ADOPTED);
        assertThat(r.pvcCreated()).isFalse();
        assertThat(ops.calls).containsExactly("read", "adoptVolume");
        assertThat(r.actions()).containsExactly("adopted volume restored-db", "adopted PV restored-db",
                "adopted claim shop/db-data");
        assertThat(StepInspection.of(s, ops.state).state()).isEqualTo(StepInspection.State.COMPLETE);
    }

    /** The outcome rule, for each way a step can find its volume and PV. */
    @ParameterizedTest(name = "volume {0}, PV {1}, volume found concurrently {2}, PV reserved {3}, adoption changes {4} -> {5}")
    @CsvSource({
        "ABSENT,    ABSENT,    false, true,  false, RESTORED",
        "ABSENT,    ABSENT,    true,  true,  false, RESUMED",
        "RESTORING, ABSENT,    false, true,  false, RESUMED",
        "RESTORED,  ABSENT,    false, true,  false, RESUMED",
        "RESTORED,  NOT_READY, false, true,  false, RESUMED",
        "RESTORED,  NOT_READY, false, false, false, ADOPTED",
        "RESTORED,  READY,     false, true,  false, ADOPTED",
        "RESTORED,  READY,     false, true,  true,  RESUMED",
        "RESTORING, READY,     false, true,  false, ADOPTED",
    })
    void decidesTheOutcomeByOneRule(VolumeFinding volume, PvFinding pv, boolean foundConcurrently, boolean reserved,
                                    boolean adoptChanges, StepOutcome expected) {
        Ops ops = new Ops();
        ops.state = new Fake("", volume, pv, false);
        ops.volumeFoundConcurrently = foundConcurrently;
        ops.pvReserved = reserved;
        ops.adoptChanges = adoptChanges ? List.of("added recurring group critical to volume restored-db") : List.of();
        RestoreStep s = step(false);

        BindResult r = ops.bind(s, ctx(s));

        assertThat(r.outcome()).isEqualTo(expected);
        assertThat(ops.calls.contains("awaitRestore")).isEqualTo(volume != VolumeFinding.RESTORED);
        assertThat(ops.calls.contains("createVolume")).isEqualTo(volume == VolumeFinding.ABSENT);
        assertThat(ops.calls.contains("createPv")).isEqualTo(pv == PvFinding.ABSENT);
        assertThat(ops.calls.contains("preparePv")).isEqualTo(pv == PvFinding.NOT_READY);
        assertThat(ops.calls).doesNotContain("createPvc");
    }

    @Test
    void aConflictIsRefusedBeforeAnyOperation() {
        Ops ops = new Ops();
        ops.state = new Fake("Longhorn volume restored-db exists and was not restored from a backup",
                VolumeFinding.RESTORED, PvFinding.ABSENT, false);
        RestoreStep s = step(false);

        assertThat(ops.inspect(s).state()).isEqualTo(StepInspection.State.CONFLICT);
        assertThatThrownBy(() -> ops.bind(s, ctx(s))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("shop/db-data: Longhorn volume restored-db exists")
                .hasMessageContaining("nothing was changed");
        assertThat(ops.calls).containsOnly("read");
    }

    @Test
    void aStepThatBreaksThePlanRulesIsInvalidInputAndNothingIsRead() {
        Ops ops = new Ops();
        RestoreStep s = step(false).toBuilder().volumeName("Not_A_Longhorn_Name").build();

        assertThatThrownBy(() -> ops.bind(s, ctx(s))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Not_A_Longhorn_Name");
        assertThat(ops.calls).isEmpty();
    }

    @Test
    void aStateReadByAnotherBinderIsRefused() {
        Ops ops = new Ops();
        RestoreStep s = step(false);
        StepState foreign = new StepState() {
            @Override
            public Optional<String> conflict() {
                return Optional.empty();
            }

            @Override
            public VolumeFinding volume() {
                return VolumeFinding.ABSENT;
            }

            @Override
            public PvFinding pv() {
                return PvFinding.ABSENT;
            }

            @Override
            public boolean claimExists() {
                return false;
            }

            @Override
            public String describe() {
                return "";
            }
        };
        assertThatThrownBy(() -> ops.bind(s, foreign, ctx(s))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the state handed to scripted operations was not read by it");
        assertThat(ops.calls).isEmpty();
    }

    @Test
    void cancellationBetweenPhasesStopsTheStepBeforeTheNextOperation() {
        Ops ops = new Ops();
        RestoreStep s = step(false);
        Cancellation c = Cancellation.create();
        ops.duringCreateVolume = c::cancel;

        assertThatThrownBy(() -> ops.bind(s, ctx(s, c, new ArrayList<>()))).isInstanceOf(CancelledException.class);
        assertThat(ops.calls).contains("createVolume").doesNotContain("createPv");
    }

    @Test
    void theInspectionFollowsTheStateByOneRule() {
        RestoreStep withClaim = step(true);
        assertThat(StepInspection.of(withClaim, new Fake("", VolumeFinding.ABSENT, PvFinding.ABSENT, true)).state())
                .isEqualTo(StepInspection.State.NOT_STARTED);
        assertThat(StepInspection.of(withClaim, new Fake("", VolumeFinding.RESTORED, PvFinding.READY, false)).state())
                .as("the step creates the claim, which is missing").isEqualTo(StepInspection.State.PARTIAL);
        assertThat(StepInspection.of(withClaim, new Fake("", VolumeFinding.RESTORED, PvFinding.NOT_READY, true)).state())
                .isEqualTo(StepInspection.State.PARTIAL);
        assertThat(StepInspection.of(step(false), new Fake("", VolumeFinding.RESTORED, PvFinding.READY, false)).state())
                .isEqualTo(StepInspection.State.COMPLETE);
    }
}

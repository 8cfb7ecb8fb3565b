package io.drkit.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.ConflictException;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindPhase;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.Creation;
import io.drkit.core.bind.StepOperations;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.bind.StepState;
import io.drkit.core.bind.StepInspection;
import io.drkit.core.Cancellation;
import io.drkit.core.execute.ExecutionReport;
import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.core.plan.RestoreStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every backend's {@link StepOperations} must have, one operation at a time, and the behaviour of the
 * step engine over them, start to end. A backend's test subclasses it and provides an {@link Environment}: its binder
 * over a backend it controls (WireMock playing Longhorn, the fabric8 mock server with a simulated Longhorn controller,
 * ...), plus ways to arrange and observe that backend.
 */
public abstract class StepOperationsContractTest {

    /** A backend the test controls, and its binder. */
    public interface Environment extends AutoCloseable {
        /** The binder under test: a backend's step operations (and the engine over them). */
        StepOperations<?> binder();

        /**
         * Makes a complete backup of volume {@code volumeName} (belonging to {@code pvc}) known to the backend, so that
         * a volume can be restored from it, and returns it with a URL usable as {@code fromBackup}.
         */
        Backup publishBackup(String volumeName, String backupName, PvcRef pvc, long volumeSize);

        /** Creates a Longhorn volume named {@code name} that was not restored from any of the published backups. */
        void createForeignVolume(String name);

        /** Creates claim {@code pvc}, bound to PV {@code pvName} of another volume. */
        void createPvcBoundElsewhere(PvcRef pvc, String pvName);

        /** Whether volume {@code volumeName} exists, restored from exactly {@code backup}, restore finished. */
        boolean volumeRestoredFrom(String volumeName, Backup backup);

        /** The claim PV {@code pvName} is reserved for, if the PV exists (empty optional inside if it has none). */
        Optional<Optional<PvcRef>> pvClaimRef(String pvName);

        /** Whether claim {@code pvc} exists. */
        boolean pvcExists(PvcRef pvc);

        /** The recurring-job group labels on volume {@code volumeName} ({@code recurring-job-group.longhorn.io/x}). */
        Set<String> volumeGroups(String volumeName);

        @Override
        default void close() throws Exception {
        }
    }

    /** Creates a fresh environment (one per test). */
    protected abstract Environment createEnvironment() throws Exception;

    /** The per-step timeout the tests use; raise it for slow simulated backends. */
    protected Duration stepTimeout() {
        return Duration.ofSeconds(30);
    }

    /**
     * Whether the binder reserves the PV for the claim with a {@code claimRef} (the Kubernetes binder does; Longhorn's
     * REST {@code pvCreate} cannot, so the REST binder overrides this with {@code false} and binds through
     * {@code pvcCreate} or a claim that names the PV).
     */
    protected boolean preBindsPvToClaim() {
        return true;
    }

    protected Environment env;

    @BeforeEach
    void openEnvironment() throws Exception {
        env = createEnvironment();
    }

    @AfterEach
    void closeEnvironment() throws Exception {
        if (env != null) {
            env.binder().close();
            env.close();
        }
    }

    /** A step restoring {@code backup} for {@code pvc} into a volume and PV named {@code name}. */
    protected RestoreStep step(PvcRef pvc, Backup backup, String name, boolean createPvc) {
        return RestoreStep.builder(pvc, backup).volumeName(name).pvName(name).sizeBytes(backup.volumeSize())
                .storageClassName("longhorn").accessModes(List.of(AccessMode.READ_WRITE_ONCE)).replicas(1)
                .recurringJobGroups(Set.of("critical")).createPvc(createPvc).reason("contract test").build();
    }

    private BindContext ctx(RestoreStep s, BindListener l) {
        return BindContext.create(s, stepTimeout(), Cancellation.create(), l);
    }

    // ---------------------------------------------------------------- the operations, one at a time

    @Test
    void readsNothingForAFreshStepAndChangesNothing() {
        PvcRef pvc = PvcRef.of("shop", "db-data");
        Backup b = env.publishBackup("pvc-src8", "backup-8888000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "fresh-db", false);

        StepState state = env.binder().read(s);

        assertThat(state.conflict()).isEmpty();
        assertThat(state.volume()).isEqualTo(StepState.VolumeFinding.ABSENT);
        assertThat(state.pv()).isEqualTo(StepState.PvFinding.ABSENT);
        assertThat(state.claimExists()).isFalse();
        assertThat(env.volumeRestoredFrom("fresh-db", b)).isFalse();
        assertThat(env.pvClaimRef("fresh-db")).isEmpty();
    }

    @Test
    void readsAForeignVolumeOrABoundClaimAsAConflictNamingIt() {
        PvcRef pvc = PvcRef.of("media", "library");
        Backup b = env.publishBackup("pvc-src9", "backup-9999000000000001", pvc, 1L << 30);
        env.createForeignVolume("foreign-vol");
        assertThat(env.binder().read(step(pvc, b, "foreign-vol", false)).conflict()).hasValueSatisfying(
                c -> assertThat(c).contains("foreign-vol"));

        env.createPvcBoundElsewhere(pvc, "some-other-pv");
        assertThat(env.binder().read(step(pvc, b, "restored-lib9", false)).conflict()).isPresent();
    }

    @Test
    void eachOperationDoesItsPartAndCreatingTwiceFindsTheFirst() {
        operationsOneByOne(env.binder());
    }

    private <S extends StepState> void operationsOneByOne(StepOperations<S> ops) {
        PvcRef pvc = PvcRef.of("wiki", "pages");
        Backup b = env.publishBackup("pvc-srca", "backup-aaaa000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "restored-pages", true);
        BindContext ctx = ctx(s, BindListener.NONE);

        ops.ensureBackupKnown(s, ctx);
        Creation first = ops.createVolume(s, ctx);
        assertThat(first.created()).isTrue();
        Creation second = ops.createVolume(s, ctx);
        assertThat(second.created()).as("an identical volume already exists").isFalse();
        S state = ops.read(s);
        assertThat(state.conflict()).isEmpty();
        assertThat(state.volume()).isNotEqualTo(StepState.VolumeFinding.ABSENT);

        S restored = ops.awaitRestore(s, state, ctx);
        assertThat(restored.volume()).isEqualTo(StepState.VolumeFinding.RESTORED);
        assertThat(env.volumeRestoredFrom("restored-pages", b)).isTrue();
        assertThat(env.volumeGroups("restored-pages")).contains("critical");

        assertThat(ops.createPv(s, restored, ctx).created()).isTrue();
        S withPv = ops.read(s);
        assertThat(withPv.volume()).isEqualTo(StepState.VolumeFinding.RESTORED);
        assertThat(withPv.pv()).isEqualTo(StepState.PvFinding.READY);
        assertThat(env.pvClaimRef("restored-pages")).contains(preBindsPvToClaim() ? Optional.of(pvc) : Optional.empty());

        assertThat(ops.createPvc(s, withPv, ctx).created()).isTrue();
        assertThat(env.pvcExists(pvc)).isTrue();
        S done = ops.read(s);
        assertThat(done.claimExists()).isTrue();
        assertThat(StepInspection.of(s, done).state()).isEqualTo(StepInspection.State.COMPLETE);
    }

    // ---------------------------------------------------------------- the engine over them, start to end

    @Test
    void restoresTheVolumeAndCreatesAPvPreBoundToTheClaim() {
        PvcRef pvc = PvcRef.of("shop", "db-data");
        Backup b = env.publishBackup("pvc-src1", "backup-1111000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "restored-db", false);

        assertThat(env.binder().inspect(s).state()).isEqualTo(StepInspection.State.NOT_STARTED);
        BindResult r = env.binder().bind(s, ctx(s, BindListener.NONE));

        assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
        assertThat(r.volumeName()).isEqualTo("restored-db");
        assertThat(env.volumeRestoredFrom("restored-db", b)).isTrue();
        assertThat(env.pvClaimRef("restored-db")).contains(preBindsPvToClaim() ? Optional.of(pvc) : Optional.empty());
        assertThat(env.volumeGroups("restored-db")).contains("critical");
        assertThat(env.pvcExists(pvc)).isFalse();
    }

    @Test
    void bindingAgainAdoptsWithoutChangingAnything() {
        PvcRef pvc = PvcRef.of("shop", "db-data");
        Backup b = env.publishBackup("pvc-src2", "backup-2222000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "restored-db2", false);
        env.binder().bind(s, ctx(s, BindListener.NONE));

        assertThat(env.binder().inspect(s).state()).isEqualTo(StepInspection.State.COMPLETE);
        BindResult again = env.binder().bind(s, ctx(s, BindListener.NONE));
        assertThat(again.outcome()).isEqualTo(StepOutcome.ADOPTED);
        assertThat(env.volumeRestoredFrom("restored-db2", b)).isTrue();
    }

    @Test
    void refusesAVolumeOfTheSameNameFromAnotherSourceAndCreatesNothing() {
        PvcRef pvc = PvcRef.of("shop", "uploads");
        Backup b = env.publishBackup("pvc-src3", "backup-3333000000000001", pvc, 1L << 30);
        env.createForeignVolume("taken-name");
        RestoreStep s = step(pvc, b, "taken-name", false);

        assertThat(env.binder().inspect(s).state()).isEqualTo(StepInspection.State.CONFLICT);
        assertThatThrownBy(() -> env.binder().bind(s, ctx(s, BindListener.NONE)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("taken-name");
        assertThat(env.pvClaimRef("taken-name")).isEmpty();
        assertThat(env.volumeRestoredFrom("taken-name", b)).isFalse();
    }

    @Test
    void refusesAClaimBoundToAnotherVolume() {
        PvcRef pvc = PvcRef.of("media", "library");
        Backup b = env.publishBackup("pvc-src4", "backup-4444000000000001", pvc, 1L << 30);
        env.createPvcBoundElsewhere(pvc, "some-other-pv");
        RestoreStep s = step(pvc, b, "restored-lib", false);

        assertThat(env.binder().inspect(s).state()).isEqualTo(StepInspection.State.CONFLICT);
        assertThatThrownBy(() -> env.binder().bind(s, ctx(s, BindListener.NONE))).isInstanceOf(ConflictException.class);
        assertThat(env.volumeRestoredFrom("restored-lib", b)).isFalse();
    }

    @Test
    void createsTheClaimWhenTheStepAsks() {
        PvcRef pvc = PvcRef.of("wiki", "data");
        Backup b = env.publishBackup("pvc-src5", "backup-5555000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "restored-wiki", true);
        BindResult r = env.binder().bind(s, ctx(s, BindListener.NONE));
        assertThat(r.pvcCreated()).isTrue();
        assertThat(env.pvcExists(pvc)).isTrue();
    }

    @Test
    void reportsPhasesInOrder() {
        PvcRef pvc = PvcRef.of("shop", "db-data");
        Backup b = env.publishBackup("pvc-src6", "backup-6666000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "restored-db6", false);
        List<BindPhase> phases = Collections.synchronizedList(new ArrayList<>());
        env.binder().bind(s, ctx(s, new BindListener() {
            @Override
            public void phase(RestoreStep step, BindPhase phase, String detail) {
                if (phases.isEmpty() || phases.get(phases.size() - 1) != phase) {
                    phases.add(phase);
                }
            }
        }));
        assertThat(phases).containsSubsequence(BindPhase.CREATE_VOLUME, BindPhase.RESTORING, BindPhase.CREATE_PV, BindPhase.DONE);
        assertThat(phases.get(phases.size() - 1)).isEqualTo(BindPhase.DONE);
        assertThat(phases).isSortedAccordingTo(Enum::compareTo);
    }

    @Test
    void runsAPlanThroughTheExecutorAndAgainIdempotently() {
        PvcRef pvc = PvcRef.of("shop", "db-data");
        Backup b = env.publishBackup("pvc-src7", "backup-7777000000000001", pvc, 1L << 30);
        RestoreStep s = step(pvc, b, "restored-db7", false);
        RestorePlan plan = new RestorePlan(RestorePlan.SCHEMA_VERSION, Instant.now(), "contract", false,
                RestoreRequest.of(pvc), List.of(s), List.of(), List.of());
        RestoreExecutor executor = RestoreExecutor.builder().binder(env.binder()).stepTimeout(stepTimeout()).build();

        ExecutionReport first = executor.execute(plan);
        assertThat(first.results()).extracting(r -> r.outcome()).containsExactly(StepOutcome.RESTORED);
        ExecutionReport second = executor.execute(plan);
        assertThat(second.results()).extracting(r -> r.outcome()).containsExactly(StepOutcome.ADOPTED);
        assertThat(env.volumeRestoredFrom("restored-db7", b)).isTrue();
    }
}

package io.drkit.longhorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.Cancellation;
import io.drkit.core.bind.BindContext;
import io.drkit.core.bind.BindListener;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.contract.StepOperationsContractTest;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestoreStep;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * dr-core's binder contract against the Longhorn simulator, for each simulated Longhorn version. Longhorn's REST
 * {@code pvCreate} never sets a {@code claimRef} (the API cannot), so the contract checks an unclaimed PV here; the
 * extra test pins down the rest of what {@code pvCreate} produces.
 */
class LonghornVolumeBinderContractTest {

    abstract static class Base extends StepOperationsContractTest {
        abstract LonghornVersion version();

        @Override
        protected Environment createEnvironment() {
            return new SimulatedLonghorn(version());
        }

        @Override
        protected boolean preBindsPvToClaim() {
            return false;
        }

        @Test
        void pvCreateMakesARetainedPvForTheVolumeWithTheStepsStorageClass() {
            PvcRef pvc = PvcRef.of("shop", "db-data");
            Backup b = env.publishBackup("pvc-src1", "backup-1111000000000001", pvc, 1L << 30);
            RestoreStep s = step(pvc, b, "restored-db", false);

            BindResult r = env.binder().bind(s, BindContext.create(s, stepTimeout(), Cancellation.create(), BindListener.NONE));

            assertThat(r.outcome()).isEqualTo(StepOutcome.RESTORED);
            LonghornSimulator.SimPv pv = ((SimulatedLonghorn) env).sim.pv("restored-db").orElseThrow();
            assertThat(pv.volumeHandle()).isEqualTo("restored-db");
            assertThat(pv.reclaimPolicy()).isEqualTo("Retain");
            assertThat(pv.claimRef()).as("REST pvCreate sets no claimRef").isEmpty();
            assertThat(pv.storageClassName()).isEqualTo(version() == LonghornVersion.V1_4 ? "longhorn-static" : "longhorn");
        }
    }

    @Nested
    class OnLonghorn14 extends Base {
        @Override
        LonghornVersion version() {
            return LonghornVersion.V1_4;
        }
    }

    @Nested
    class OnLonghorn17 extends Base {
        @Override
        LonghornVersion version() {
            return LonghornVersion.V1_7;
        }
    }

    @Nested
    class OnLonghorn19 extends Base {
        @Override
        LonghornVersion version() {
            return LonghornVersion.V1_9;
        }
    }
}

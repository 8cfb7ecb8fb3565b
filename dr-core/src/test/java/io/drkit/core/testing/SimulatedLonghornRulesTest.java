package io.drkit.core.testing;

import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.ATTACHING;
import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.CREATING;
import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.DETACHED;
import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.DETACHING;
import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.FAULTED;
import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.NEW;
import static io.drkit.core.testing.SimulatedLonghornRules.VolumePhase.RESTORING;
import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.core.testing.SimulatedLonghornRules.BindDecision;
import io.drkit.core.testing.SimulatedLonghornRules.ClaimView;
import io.drkit.core.testing.SimulatedLonghornRules.PvView;
import io.drkit.core.testing.SimulatedLonghornRules.VolumePhase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared rules of the Longhorn simulators, on their own. */
class SimulatedLonghornRulesTest {
    private static final PvcRef DB = PvcRef.of("shop", "db");

    @Test
    void aRestoreWalksCreatingAttachingRestoringDetachingDetached() {
        List<VolumePhase> seen = new ArrayList<>();
        VolumePhase p = NEW;
        for (int poll = 0; poll < 8; poll++) {
            seen.add(p);
            p = p.next(poll >= 4, false);
        }
        assertThat(seen).containsExactly(NEW, CREATING, ATTACHING, RESTORING, RESTORING, DETACHING, DETACHED, DETACHED);
        assertThat(seen.stream().map(VolumePhase::state).toList()).containsExactly("", "creating", "attaching",
                "attached", "attached", "detaching", "detached", "detached");
        assertThat(seen.stream().map(VolumePhase::restoreRequired).toList())
                .containsExactly(false, true, true, true, true, false, false, false);
        assertThat(DETACHED.ready()).isTrue();
        assertThat(RESTORING.ready()).isFalse();
        assertThat(RESTORING.restoreCondition("").orElseThrow().reason()).isEqualTo("RestoreInProgress");
        assertThat(DETACHED.restoreCondition("").orElseThrow().status()).isEqualTo("False");
        assertThat(NEW.restoreCondition("")).isEmpty();
    }

    @Test
    void aFailedRestoreIsFaultedDetachedAndStillRequiresItsRestore() {
        VolumePhase p = RESTORING.next(false, true);
        assertThat(p).isEqualTo(FAULTED);
        assertThat(p.next(true, false)).isEqualTo(FAULTED);
        assertThat(p.state()).isEqualTo("detached");
        assertThat(p.robustness()).isEqualTo("faulted");
        assertThat(p.restoreRequired()).isTrue();
        assertThat(p.ready()).isFalse();
        var c = p.restoreCondition(SimulatedLonghornRules.RESTORE_FAILURE_MESSAGE).orElseThrow();
        assertThat(c).isEqualTo(new SimulatedLonghornRules.Condition("Restore", "False", "RestoreFailure",
                "All replica restore failed and the volume became Faulted"));
    }

    @Test
    void progressIsBoundedPercent() {
        assertThat(SimulatedLonghornRules.percent(1, 4)).isEqualTo(25);
        assertThat(SimulatedLonghornRules.percent(3, 4)).isEqualTo(75);
        assertThat(SimulatedLonghornRules.percent(9, 4)).isEqualTo(100);
        assertThat(SimulatedLonghornRules.percent(1, 0)).isEqualTo(100);
    }

    @Test
    void theWebhookFillsInReplicasAccessModeAndLabels() {
        assertThat(SimulatedLonghornRules.replicas(0, 3)).isEqualTo(3);
        assertThat(SimulatedLonghornRules.replicas(2, 3)).isEqualTo(2);
        assertThat(SimulatedLonghornRules.restoredAccessMode("", Map.of(LonghornLabels.VOLUME_ACCESS_MODE, "rwx")))
                .isEqualTo("rwx");
        assertThat(SimulatedLonghornRules.restoredAccessMode(null, Map.of())).isEqualTo("rwo");
        assertThat(SimulatedLonghornRules.restoredAccessMode("rwo", Map.of(LonghornLabels.VOLUME_ACCESS_MODE, "rwx")))
                .isEqualTo("rwo");

        Map<String, String> none = new LinkedHashMap<>();
        SimulatedLonghornRules.addRestoredVolumeLabels(none, "pvc-src");
        assertThat(none).containsExactly(Map.entry("backup-volume", "pvc-src"),
                Map.entry("recurring-job-group.longhorn.io/default", "enabled"));
        Map<String, String> own = new LinkedHashMap<>(Map.of("recurring-job.longhorn.io/nightly", "enabled"));
        SimulatedLonghornRules.addRestoredVolumeLabels(own, "pvc-src");
        assertThat(own).doesNotContainKey("recurring-job-group.longhorn.io/default").containsEntry("backup-volume", "pvc-src");
    }

    @Test
    void backupVolumesAreNamedByVolumeBefore18AndHashedFrom19On() {
        // the example of longhorn-api.md, computed there with sha256sum
        assertThat(SimulatedLonghornRules.backupVolumeName("pvc-0123", "default", true)).isEqualTo("pvc-0123-a07f930d");
        assertThat(SimulatedLonghornRules.backupVolumeName("pvc-0123", "default", false)).isEqualTo("pvc-0123");
    }

    @Test
    void aPreBoundPvBindsItsClaimWhenItFits() {
        PvView pv = pv(Optional.of(DB), "", "longhorn", 1L << 30);
        ClaimView fits = claim(DB, "uid-1", Optional.empty(), false, "longhorn", 1L << 30);
        assertThat(SimulatedLonghornRules.decideBinding(pv, List.of(fits), true)).isEqualTo(new BindDecision.Bind(fits));

        ClaimView tooBig = claim(DB, "uid-1", Optional.empty(), false, "longhorn", 2L << 30);
        assertThat(SimulatedLonghornRules.decideBinding(pv, List.of(tooBig), true))
                .isEqualTo(new BindDecision.Misfit(tooBig, "capacity 1073741824 < requested 2147483648"));
        // a simulator that does not check the fit binds it anyway
        assertThat(SimulatedLonghornRules.decideBinding(pv, List.of(tooBig), false))
                .isEqualTo(new BindDecision.Bind(tooBig));

        ClaimView otherClass = claim(DB, "uid-1", Optional.empty(), false, "fast", 1L << 30);
        assertThat(SimulatedLonghornRules.misfit(pv, otherClass)).hasValue("storage class 'longhorn' != claim's 'fast'");
    }

    @Test
    void aClaimNamingThePvBindsAPvWithoutClaimRef() {
        PvView pv = pv(Optional.empty(), "", "longhorn", 1L << 30);
        ClaimView naming = claim(DB, "", Optional.of("pv-1"), false, "longhorn", 1L << 30);
        ClaimView other = claim(PvcRef.of("shop", "web"), "", Optional.empty(), false, "longhorn", 1L << 30);
        assertThat(SimulatedLonghornRules.decideBinding(pv, List.of(other, naming), true))
                .isEqualTo(new BindDecision.Bind(naming));
        assertThat(SimulatedLonghornRules.decideBinding(pv, List.of(other), true)).isEqualTo(new BindDecision.Wait());
    }

    @Test
    void boundClaimsClaimsOfOtherPvsAndEarlierClaimsAreLeftAlone() {
        PvView pv = pv(Optional.of(DB), "", "longhorn", 1L << 30);
        assertThat(SimulatedLonghornRules.decideBinding(pv,
                List.of(claim(DB, "", Optional.of("pv-1"), true, "longhorn", 0)), true)).isEqualTo(new BindDecision.Wait());
        assertThat(SimulatedLonghornRules.decideBinding(pv,
                List.of(claim(DB, "", Optional.of("pv-2"), false, "longhorn", 0)), true)).isEqualTo(new BindDecision.Wait());
        assertThat(SimulatedLonghornRules.decideBinding(pv, List.of(), true)).isEqualTo(new BindDecision.Wait());

        PvView reserved = pv(Optional.of(DB), "uid-old", "longhorn", 1L << 30);
        assertThat(SimulatedLonghornRules.decideBinding(reserved,
                List.of(claim(DB, "uid-new", Optional.empty(), false, "longhorn", 0)), true))
                .isEqualTo(new BindDecision.ReservedForEarlierClaim(DB));
    }

    private static PvView pv(Optional<PvcRef> claimRef, String uid, String sc, long capacity) {
        return new PvView("pv-1", claimRef, uid, sc, capacity, List.of("ReadWriteOnce"), "Filesystem");
    }

    private static ClaimView claim(PvcRef ref, String uid, Optional<String> volumeName, boolean bound, String sc,
                                   long requested) {
        return new ClaimView(ref, uid, volumeName, bound, sc, requested, List.of("ReadWriteOnce"), "Filesystem");
    }
}

package io.drkit.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidBackupDataException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelParsingTest {

    private static final String KS = "{\"pvName\":\"pvc-3f1c\",\"pvStatus\":\"Bound\",\"namespace\":\"shop\","
            + "\"pvcName\":\"data-db-0\",\"lastPVCRefAt\":\"\",\"workloadsStatus\":[{\"podName\":\"db-0\","
            + "\"podStatus\":\"Running\",\"workloadName\":\"db\",\"workloadType\":\"StatefulSet\"}],\"lastPodRefAt\":\"\"}";

    @Test
    void parsesKubernetesStatusAsLonghornWritesIt() {
        KubernetesStatus ks = KubernetesStatus.parse(KS);
        assertThat(ks.pvc()).contains(PvcRef.of("shop", "data-db-0"));
        assertThat(ks.pvcBoundAtBackup()).isTrue();
        assertThat(ks.workloads()).containsExactly(new KubernetesStatus.Workload("db-0", "Running", "db", "StatefulSet"));
        assertThat(KubernetesStatus.parse(ks.toLabelValue())).isEqualTo(ks);
        assertThat(ks.toLabelValue()).isEqualTo(KS);
    }

    @Test
    void historicAndUnboundStatusesAreRecognised() {
        KubernetesStatus historic = KubernetesStatus.parse("{\"pvName\":\"\",\"pvStatus\":\"Released\",\"namespace\":\"shop\","
                + "\"pvcName\":\"old\",\"lastPVCRefAt\":\"2025-01-01T00:00:00Z\",\"workloadsStatus\":null,\"lastPodRefAt\":\"\"}");
        assertThat(historic.pvc()).contains(PvcRef.of("shop", "old"));
        assertThat(historic.pvcBoundAtBackup()).isFalse();
        KubernetesStatus never = KubernetesStatus.parse("{\"pvName\":\"\",\"pvStatus\":\"\",\"namespace\":\"\",\"pvcName\":\"\"}");
        assertThat(never.pvc()).isEmpty();
        assertThat(KubernetesStatus.fromLabels(Map.of("other", "x"))).isEmpty();
    }

    @Test
    void malformedKubernetesStatusIsATypedErrorNamingTheLabel() {
        assertThatThrownBy(() -> KubernetesStatus.fromLabels(Map.of(LonghornLabels.KUBERNETES_STATUS, "{not json")))
                .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("KubernetesStatus");
        assertThatThrownBy(() -> KubernetesStatus.parse("[1,2]")).isInstanceOf(InvalidBackupDataException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void parsesRecurringJobInfoFromLonghornsLabels() {
        String info = "{\"c-jaim49\":{\"jobSpec\":{\"name\":\"c-jaim49\",\"task\":\"backup\",\"cron\":\"0/1 * * * *\","
                + "\"retain\":3,\"concurrency\":1},\"fromGroup\":null,\"fromJob\":true},"
                + "\"c-qakbzx\":{\"jobSpec\":{\"name\":\"c-qakbzx\",\"groups\":[\"default\"],\"task\":\"backup\","
                + "\"cron\":\"0 0 * * *\",\"retain\":5,\"concurrency\":1},\"fromGroup\":[\"default\"],\"fromJob\":false}}";
        RecurringJobInfo r = RecurringJobInfo.fromLabels(Map.of(LonghornLabels.RECURRING_JOB, "c-jaim49",
                LonghornLabels.VOLUME_RECURRING_JOB_INFO, info));
        assertThat(r.job()).contains("c-jaim49");
        assertThat(r.groups()).containsExactly("default");
        assertThat(r.directJobs()).containsExactly("c-jaim49");
        assertThat(r.producingJob().map(RecurringJobInfo.VolumeJob::retain)).contains(3);
        assertThat(r.belongsToGroup("default")).isTrue();
        assertThat(r.belongsToGroup("critical")).isFalse();
        assertThat(RecurringJobInfo.fromLabels(r.toLabels())).isEqualTo(r);
    }

    @Test
    void producingJobsGroupsCountForGroupMembership() {
        RecurringJobInfo r = new RecurringJobInfo(Optional.of("critical-backup"), Map.of("critical-backup",
                new RecurringJobInfo.VolumeJob("critical-backup", "backup", "0 3 * * *", 7, List.of("critical"), List.of(), true)));
        assertThat(r.groups()).isEmpty();
        assertThat(r.belongsToGroup("critical")).isTrue();
    }

    @Test
    void emptyAndMalformedRecurringJobInfo() {
        assertThat(RecurringJobInfo.fromLabels(Map.of()).isEmpty()).isTrue();
        assertThat(RecurringJobInfo.fromLabels(Map.of(LonghornLabels.VOLUME_RECURRING_JOB_INFO, "{}")).groups()).isEmpty();
        assertThatThrownBy(() -> RecurringJobInfo.fromLabels(Map.of(LonghornLabels.VOLUME_RECURRING_JOB_INFO, "nope")))
                .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("VolumeRecurringJobInfo");
    }
}

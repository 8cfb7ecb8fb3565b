package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageClassLintTest {
    private static final String PINNED = "s3://backups@us-east-1/?backup=backup-0a1b2c3d4e5f6789&volume=pvc-1b2c";

    private static StorageClass sc(String name, String provisioner, String fromBackup, boolean isDefault) {
        StorageClassBuilder b = new StorageClassBuilder().withNewMetadata().withName(name).endMetadata()
                .withProvisioner(provisioner).addToParameters("numberOfReplicas", "3");
        if (!fromBackup.isEmpty()) {
            b.addToParameters("fromBackup", fromBackup);
        }
        if (isDefault) {
            b.editMetadata().addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata();
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}: {4}")
    @CsvSource(delimiter = '|', value = {
        "longhorn|driver.longhorn.io||false|none",
        "restore-db|driver.longhorn.io|" + PINNED + "|false|WARNING",
        "longhorn-pinned|driver.longhorn.io|" + PINNED + "|true|ERROR",
        "legacy|rancher.io/longhorn|" + PINNED + "|false|WARNING",
        "nfs|nfs.csi.k8s.io|" + PINNED + "|false|none",
        "blank|driver.longhorn.io|'  '|false|none"})
    void flagsLonghornClassesThatPinABackup(String name, String provisioner, String fromBackup, boolean isDefault, String expected) {
        List<StorageClassLint.Finding> findings = StorageClassLint.lint(List.of(sc(name, provisioner,
                fromBackup == null ? "" : fromBackup, isDefault)));
        if (expected.equals("none")) {
            assertThat(findings).isEmpty();
        } else {
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.storageClass()).isEqualTo(name);
                assertThat(f.severity()).isEqualTo(StorageClassLint.Severity.valueOf(expected));
                assertThat(f.defaultClass()).isEqualTo(isDefault);
                assertThat(f.fromBackup()).contains("backup=backup-0a1b2c3d4e5f6789");
                assertThat(f.risk()).contains("every PersistentVolumeClaim provisioned from StorageClass " + name)
                        .contains("backup backup-0a1b2c3d4e5f6789 of volume pvc-1b2c");
                assertThat(f.replacement()).contains("pre-bound").contains("delete " + name);
            });
        }
    }

    @Test
    void readsTheClassesOfTheClusterSortedByName() {
        try (MockCluster cluster = MockCluster.start()) {
            for (StorageClass s : List.of(sc("zeta", "driver.longhorn.io", PINNED, false), sc("longhorn", "driver.longhorn.io", "", true),
                    sc("alpha", "driver.longhorn.io", PINNED, true))) {
                cluster.admin().storage().v1().storageClasses().resource(s).create();
            }
            List<StorageClassLint.Finding> findings = StorageClassLint.lint(cluster.client());
            assertThat(findings).extracting(StorageClassLint.Finding::storageClass).containsExactly("alpha", "zeta");
            assertThat(findings.get(0).risk()).contains("it is the default class");
            assertThat(cluster.libraryCalls()).extracting(MockCluster.Call::path)
                    .containsExactly("/apis/storage.k8s.io/v1/storageclasses");
        }
    }

    @Test
    void masksSecretsThatAnUrlMightCarry() {
        StorageClass s = sc("nfs-pinned", "driver.longhorn.io",
                "cifs://nas/backups?backup=backup-1&cifsOptions=password%3Dhunter2&volume=v", false);
        assertThat(StorageClassLint.lint(List.of(s))).singleElement().satisfies(f -> {
            assertThat(f.fromBackup()).doesNotContain("hunter2");
            assertThat(f.risk() + f.replacement()).doesNotContain("hunter2");
        });
    }
}

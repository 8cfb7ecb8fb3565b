package io.drkit.kubernetes.testing;

import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The Longhorn CustomResourceDefinitions this library touches ({@code volumes}, {@code engines}, {@code backups},
 * {@code backupvolumes}, {@code backuptargets}, {@code recurringjobs}, {@code settings} in {@code longhorn.io}),
 * for registering in a test or simulated API server. Group, version, kind, plural, short name, namespaced scope and
 * the {@code status} subresource are as in Longhorn's {@code deploy/longhorn.yaml} (1.9); the schemas are left open
 * ({@code x-kubernetes-preserve-unknown-fields}) instead of copying Longhorn's validation. In the fabric8 mock server
 * the status subresource and discovery only behave once the CRDs exist.
 */
public final class LonghornCrds {
    private LonghornCrds() {
    }

    /** Kind, plural, singular, short name of each CRD. */
    private static final String[][] KINDS = {
        {"Volume", "volumes", "volume", "lhv"},
        {"Engine", "engines", "engine", "lhe"},
        {"Backup", "backups", "backup", "lhb"},
        {"BackupVolume", "backupvolumes", "backupvolume", "lhbv"},
        {"BackupTarget", "backuptargets", "backuptarget", "lhbt"},
        {"RecurringJob", "recurringjobs", "recurringjob", "lhrj"},
        {"Setting", "settings", "setting", "lhs"},
    };

    /** The CRD objects. */
    public static List<CustomResourceDefinition> definitions() {
        List<CustomResourceDefinition> out = new ArrayList<>();
        for (String[] k : KINDS) {
            out.add(new CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(k[1] + "." + Longhorn.GROUP)
                    .addToLabels("app.kubernetes.io/name", "longhorn").endMetadata()
                    .withNewSpec().withGroup(Longhorn.GROUP).withScope("Namespaced")
                    .withNewNames().withKind(k[0]).withListKind(k[0] + "List").withPlural(k[1]).withSingular(k[2])
                    .withShortNames(k[3]).endNames()
                    .addNewVersion().withName(Longhorn.VERSION).withServed(true).withStorage(true)
                    .withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
                            .withXKubernetesPreserveUnknownFields(true).build()).endSchema()
                    .withNewSubresources().withNewStatus().endStatus().endSubresources()
                    .endVersion().endSpec().build());
        }
        return out;
    }

    /** Creates the CRDs that do not exist yet; idempotent. */
    public static void register(KubernetesClient client) {
        for (CustomResourceDefinition crd : definitions()) {
            var op = client.apiextensions().v1().customResourceDefinitions();
            String name = crd.getMetadata().getName();
            if (KubeErrors.call("get CRD " + name, () -> op.withName(name).get()) == null) {
                KubeErrors.call("create CRD " + name, () -> op.resource(crd).create());
            }
        }
    }
}

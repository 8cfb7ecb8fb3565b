package io.drkit.examples.cli;

import io.drkit.core.plan.ReclaimPolicy;
import io.drkit.core.plan.RestoreRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What to restore and how: the options of {@code dr plan} and {@code dr restore}. */
public final class RequestOptions {
    @Option(names = "--pvc", paramLabel = "NS/NAME", description = "A claim to restore (repeatable).")
    List<String> pvcs = new ArrayList<>();

    @Option(names = "--namespace", paramLabel = "NS", description = "Restore the claims of a namespace (repeatable).")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--selector", paramLabel = "KEY=VALUE",
            description = "Label selector on the live claims, e.g. data-tier=critical (needs the cluster).")
    String selector;

    @Option(names = "--group", paramLabel = "NAME",
            description = "Recurring-job group recorded in the backups, e.g. critical (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(names = "--all", description = "Every backup volume that maps to a claim.")
    boolean all;

    @Option(names = "--as-of", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Newest complete backup at or before this ISO-8601 time, e.g. 2026-09-20T18:13:20Z.")
    Instant asOf;

    @Option(names = "--max-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Skip claims whose chosen backup is older than this (e.g. 48h, 7d).")
    Duration maxAge;

    @Option(names = "--offline", description = "Plan from the backups alone; do not read the cluster.")
    boolean offline;

    @Option(names = "--volume-name", paramLabel = "TEMPLATE", defaultValue = "{volume}",
            description = "Name of the restored Longhorn volume; placeholders {volume} {pvc} {namespace} {backup}. "
                    + "Default: ${DEFAULT-VALUE} (keep the original name).")
    String volumeName;

    @Option(names = "--pv-name", paramLabel = "TEMPLATE", defaultValue = "{volume}",
            description = "Name of the PV (same placeholders). Default: ${DEFAULT-VALUE}.")
    String pvName;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "0",
            description = "Longhorn replica count; 0 = Longhorn's default-replica-count. Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(names = "--reclaim-policy", paramLabel = "Retain|Delete", defaultValue = "Retain",
            description = "Reclaim policy of the PVs. Default: ${DEFAULT-VALUE}.")
    String reclaimPolicy;

    @Option(names = "--storage-class", paramLabel = "NAME",
            description = "Storage class of the PVs (default: the claim's, else the one recorded in the backup).")
    String storageClass;

    @Option(names = "--fs-type", paramLabel = "TYPE", defaultValue = "ext4", description = "Default: ${DEFAULT-VALUE}.")
    String fsType;

    @Option(names = "--create-pvc", description = "Also create claims that do not exist (default: pre-bind the PV and "
            + "let GitOps create the claim).")
    boolean createPvc;

    @Option(names = "--allow-smaller-backup",
            description = "Disable the data-loss guard (which plans the previous backup when the newest is far smaller).")
    boolean allowSmallerBackup;

    @Option(names = "--data-loss-ratio", paramLabel = "R", defaultValue = "0.5",
            description = "The guard trips below this fraction of the previous backup's size. Default: ${DEFAULT-VALUE}.")
    double dataLossRatio;

    /** The request these options describe. */
    RestoreRequest request() {
        RestoreRequest.Builder b = RestoreRequest.builder();
        if (all) {
            b.all();
        }
        pvcs.forEach(b::pvc);
        namespaces.forEach(b::namespace);
        if (selector != null) {
            b.pvcSelector(selector);
        }
        groups.forEach(b::group);
        if (asOf != null) {
            b.asOf(asOf);
        }
        if (maxAge != null) {
            b.maxAge(maxAge);
        }
        return b.volumeName(volumeName).pvName(pvName).replicas(replicas)
                .reclaimPolicy(ReclaimPolicy.parse(reclaimPolicy)).storageClass(storageClass).fsType(fsType)
                .createPvc(createPvc).allowSmallerBackup(allowSmallerBackup).dataLossRatio(dataLossRatio).build();
    }
}

package io.drkit.longhorn;

import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of {@code POST /v1/volumes} for a volume restored from a backup. Build it with {@link #restoreOf} (which
 * takes the URL and size from the backup, as Longhorn's UI does) or {@link #builder(String)}.
 *
 * <p>{@link LonghornClient#createVolume} adapts it to the server: {@code dataEngine} is sent only where Longhorn knows
 * it (1.6+; as {@code backendStoreDriver} on 1.5; omitted on 1.4, where only {@code v1} exists).
 *
 * @param name                 the new volume's name: a DNS label of at most 40 characters
 * @param fromBackup           the backup's {@code url}, verbatim
 * @param size                 size in bytes (Longhorn replaces it by the backup's volume size anyway); 0 to omit
 * @param numberOfReplicas     replica count; 0 means Longhorn's {@code default-replica-count} setting
 * @param accessMode           {@code rwo} or {@code rwx}; empty means the backup's recorded access mode
 * @param dataEngine           {@code v1} or {@code v2}; empty means Longhorn's default ({@code v1})
 * @param staleReplicaTimeout  minutes before a failed replica is cleaned up (0 = never; Longhorn's default 2880)
 * @param recurringJobSelector recurring jobs and groups for the new volume; empty means Longhorn adds the
 *                             {@code default} group
 * @param backupTargetName     where the new volume's own backups go (1.8+); empty to let Longhorn decide
 */
public record VolumeCreateRequest(String name, String fromBackup, long size, int numberOfReplicas, String accessMode,
                                  String dataEngine, int staleReplicaTimeout,
                                  List<RecurringJobSelector> recurringJobSelector, Optional<String> backupTargetName) {

    /** Longhorn's schema default for {@code staleReplicaTimeout}, in minutes. */
    public static final int DEFAULT_STALE_REPLICA_TIMEOUT = 2880;

    /** Validates and copies. */
    public VolumeCreateRequest {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || name.length() > 40) {
            throw new InvalidInputException("invalid Longhorn volume name '" + name
                    + "': Longhorn wants a DNS label of at most 40 characters");
        }
        fromBackup = Objects.requireNonNullElse(fromBackup, "");
        if (size < 0 || numberOfReplicas < 0 || staleReplicaTimeout < 0) {
            throw new InvalidInputException("volume " + name + ": size, replicas and stale replica timeout must not be negative");
        }
        accessMode = Objects.requireNonNullElse(accessMode, "");
        dataEngine = Objects.requireNonNullElse(dataEngine, "");
        recurringJobSelector = List.copyOf(Objects.requireNonNullElse(recurringJobSelector, List.of()));
        backupTargetName = Objects.requireNonNullElse(backupTargetName, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    /** A request restoring {@code backup} into a volume named {@code name}: URL verbatim, size from the backup. */
    public static Builder restoreOf(String name, LonghornBackup backup) {
        return builder(name)
                .fromBackup(backup.url().orElseThrow(() -> new InvalidInputException("backup " + backup.name()
                        + " of volume " + backup.volumeName() + " has no URL (state '" + backup.state()
                        + "'): only completed backups can be restored")))
                .size(backup.volumeSize());
    }

    /** A builder for a volume named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Masks password-like URL options. */
    @Override
    public String toString() {
        return "VolumeCreateRequest[name=" + name + ", fromBackup=" + Redaction.url(fromBackup) + ", size=" + size
                + ", numberOfReplicas=" + numberOfReplicas + ", accessMode=" + accessMode + ", dataEngine=" + dataEngine
                + ", staleReplicaTimeout=" + staleReplicaTimeout + ", recurringJobSelector=" + recurringJobSelector
                + ", backupTargetName=" + backupTargetName.orElse("") + "]";
    }

    /** Builds {@link VolumeCreateRequest}s. */
    public static final class Builder {
        private final String name;
        private String fromBackup = "";
        private long size;
        private int numberOfReplicas;
        private String accessMode = "";
        private String dataEngine = "";
        private int staleReplicaTimeout = DEFAULT_STALE_REPLICA_TIMEOUT;
        private final List<RecurringJobSelector> selector = new ArrayList<>();
        private String backupTargetName;

        private Builder(String name) {
            this.name = name;
        }

        /** The backup URL, verbatim. */
        public Builder fromBackup(String url) {
            this.fromBackup = url;
            return this;
        }

        /** Size in bytes. */
        public Builder size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** Replica count (0 = Longhorn's default). */
        public Builder numberOfReplicas(int n) {
            this.numberOfReplicas = n;
            return this;
        }

        /** {@code rwo} or {@code rwx}. */
        public Builder accessMode(String mode) {
            this.accessMode = mode;
            return this;
        }

        /** {@code v1} or {@code v2}. */
        public Builder dataEngine(String engine) {
            this.dataEngine = engine;
            return this;
        }

        /** Minutes (default {@value #DEFAULT_STALE_REPLICA_TIMEOUT}). */
        public Builder staleReplicaTimeout(int minutes) {
            this.staleReplicaTimeout = minutes;
            return this;
        }

        /** Adds a recurring job or group. */
        public Builder recurringJob(RecurringJobSelector s) {
            this.selector.add(s);
            return this;
        }

        /** Adds recurring jobs and groups. */
        public Builder recurringJobs(List<RecurringJobSelector> s) {
            this.selector.addAll(s);
            return this;
        }

        /** Where the new volume's backups go (Longhorn 1.8+). */
        public Builder backupTargetName(String t) {
            this.backupTargetName = t;
            return this;
        }

        /** Builds the request. */
        public VolumeCreateRequest build() {
            return new VolumeCreateRequest(name, fromBackup, size, numberOfReplicas, accessMode, dataEngine,
                    staleReplicaTimeout, selector, Optional.ofNullable(backupTargetName));
        }
    }
}

package io.drkit.s3.testing;

import io.drkit.core.model.CompressionMethod;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the fixture writer wrote for one backup.
 *
 * @param volumeName    volume
 * @param name          backup name
 * @param cfgKey        object key of the cfg
 * @param url           Longhorn backup URL
 * @param complete      false for an in-progress cfg
 * @param snapshotAt    {@code SnapshotCreatedAt}
 * @param completedAt   {@code CreatedTime} (empty while in progress)
 * @param blockSize     block size
 * @param compression   codec of its blocks
 * @param volumeSize    volume size recorded with it
 * @param blocks        offset to checksum (the cfg's {@code Blocks}; empty for synthetic large cfgs)
 * @param cfgBytes      size of the cfg text
 * @param image         the image a restore must produce (empty for in-progress and metadata-only backups)
 */
public record WrittenBackup(String volumeName, String name, String cfgKey, String url, boolean complete,
                            Instant snapshotAt, Optional<Instant> completedAt, int blockSize,
                            CompressionMethod compression, long volumeSize, SortedMap<Long, String> blocks,
                            long cfgBytes, Optional<ExpectedImage> image) {
    /** Copies. */
    public WrittenBackup {
        Objects.requireNonNull(name, "name");
        blocks = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNullElse(blocks, Map.of())));
        completedAt = Objects.requireNonNullElse(completedAt, Optional.empty());
        image = Objects.requireNonNullElse(image, Optional.empty());
    }
}

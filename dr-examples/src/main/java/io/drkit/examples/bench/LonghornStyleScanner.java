package io.drkit.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectListing;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.ObjectStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark's baseline: reads a backupstore the way Longhorn's manager makes its engine binary read it on a
 * first sync (shared/reference/backupstore-format.md section 7), one request at a time, every cfg downloaded and
 * decoded completely ({@code Blocks} included, as Go's {@code json.Decoder} fills the {@code Backup} struct).
 *
 * <p>{@link Mode#LONGHORN}: each engine call starts with the driver's connection-test LIST; {@code backup ls
 * --volume-only} (LIST volumes level by level, HEAD every volume.cfg); per volume {@code backup ls --volume} (HEAD
 * volume.cfg, LIST backups/) and {@code inspect-volume} (HEAD + GET volume.cfg); per backup {@code backup inspect}
 * (HEAD + GET volume.cfg, HEAD + GET the cfg). Process start-up costs are not emulated.
 * {@link Mode#LEAN}: the same reads without the connection tests and without re-reading volume.cfg per backup: a
 * sequential scan a careful programmer would write, kept as a second, harder baseline.
 */
final class LonghornStyleScanner {
    private static final ObjectMapper JSON = io.drkit.core.JsonLimits.BACKUPSTORE_CFG.mapper(); // store JSON: one bound

    /** What a scan found. */
    record Result(int volumes, int backups, int complete, Map<String, String> newestComplete, long bytesRead) {
    }

    /** How faithfully to follow Longhorn. */
    enum Mode { LONGHORN, LEAN }

    private final ObjectSource source;
    private final BackupstoreLayout layout;
    private final Mode mode;
    private long bytes;

    LonghornStyleScanner(ObjectSource source, BackupstoreLayout layout, Mode mode) {
        this.source = source;
        this.layout = layout;
        this.mode = mode;
    }

    /** The driver's connection test at the start of every engine call: one LIST of the target's root. */
    private void connect() {
        if (mode == Mode.LONGHORN) {
            String root = layout.root();
            source.list(root.substring(0, root.length() - "backupstore/".length()), "/");
        }
    }

    Result scan() {
        connect();
        List<String> volumes = new ArrayList<>();
        for (String l1 : source.list(layout.volumesRoot(), "/").commonPrefixes()) {
            for (String l2 : source.list(l1, "/").commonPrefixes()) {
                for (String v : source.list(l2, "/").commonPrefixes()) {
                    String name = v.substring(l2.length(), v.length() - 1);
                    if (source.head(layout.volumeCfg(name)).isPresent()) {
                        volumes.add(name);
                    }
                }
            }
        }
        int backups = 0;
        int complete = 0;
        Map<String, String> newest = new TreeMap<>();
        for (String v : volumes) {
            connect(); // backup ls --volume
            source.head(layout.volumeCfg(v));
            ObjectListing l = source.list(layout.backupsDir(v), "/");
            connect(); // backup inspect-volume
            source.head(layout.volumeCfg(v));
            readWhole(layout.volumeCfg(v));
            Instant best = null;
            for (var o : l.objects()) {
                String name = BackupstoreLayout.backupNameOf(o.key()).orElse(null);
                if (name == null) {
                    continue;
                }
                if (mode == Mode.LONGHORN) { // backup inspect <backup URL>
                    connect();
                    source.head(layout.volumeCfg(v));
                    readWhole(layout.volumeCfg(v));
                }
                source.head(o.key());
                JsonNode cfg = readWhole(o.key());
                backups++;
                String created = cfg.path("CreatedTime").asText("");
                if (created.isEmpty()) {
                    continue;
                }
                complete++;
                Instant at = Instant.parse(cfg.path("SnapshotCreatedAt").asText());
                if (best == null || at.isAfter(best)) {
                    best = at;
                    newest.put(v, name);
                }
            }
        }
        return new Result(volumes.size(), backups, complete, newest, bytes);
    }

    private JsonNode readWhole(String key) {
        try (ObjectStream in = source.get(key)) {
            byte[] b = in.readAllBytes();
            bytes += b.length;
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

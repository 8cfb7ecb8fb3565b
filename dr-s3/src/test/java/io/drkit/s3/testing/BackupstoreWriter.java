package io.drkit.s3.testing;

import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.WritableObjectSource;
import io.drkit.s3.internal.BlockCodec;
import io.drkit.s3.internal.GoJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes Longhorn backupstores the way Longhorn does, for tests, drills and benchmarks: {@code volume.cfg} and
 * {@code backup_<name>.cfg} byte for byte as Go's {@code json.Marshal} writes them for the chosen release
 * ({@link CfgFormat}: field order, no whitespace, numbers as strings, double-encoded volume strings), block files
 * under their checksums with all three codecs, 2 and 16 MiB blocks, sparse volumes, explicit zero blocks,
 * incremental merging of block maps, in-progress cfgs, stale or empty last-backup pointers, and the junk real stores
 * contain.
 *
 * <p>The last-backup pointer traps every catalog must see through ({@code io.drkit.core.catalog.NewestBackupRule}):
 * a pointer that <em>lags</em> (names an existing, older complete backup: {@link Changes#pointerUpdateLost()} writes a
 * backup whose {@code volume.cfg} rewrite is lost, as when Longhorn fails between its two writes or a bucket is copied
 * while a backup finishes; {@link VolumeWriter#pointer(String)} sets any name afterwards), a pointer to a missing
 * backup ({@link VolumeWriter#deleteBackupCfg(String)}, or any name), to an in-progress one
 * ({@link VolumeWriter#inProgressBackup} then {@code pointer}), and an empty one. Catalogs tell a newer backup by the
 * listing's last-modified times; {@link #awaitLaterTimestamps()} makes the next objects' times later than the last
 * one's even on stores with one-second times. Content is deterministic from a seed; {@link WrittenBackup#image()} recomputes the exact image a restore
 * must produce. Different volumes may be written from different threads at once (one thread per volume); the
 * junk methods are not thread-safe.
 *
 * <pre>{@code
 * BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(dir), BackupTarget.directory(dir), 42);
 * BackupstoreWriter.VolumeWriter v = w.volume("pvc-1").size(64L << 20).compression(CompressionMethod.LZ4);
 * WrittenBackup b1 = v.backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"),
 *         d -> d.random(0).text(2L << 20).zero(4L << 20));
 * ExpectedImage image = b1.image().orElseThrow();
 * }</pre>
 */
public final class BackupstoreWriter {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private final WritableObjectSource sink;
    private final BackupTarget target;
    private final BackupstoreLayout layout;
    private final long seed;
    private final Map<String, VolumeWriter> volumes = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final List<String> keys = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong bytes = new AtomicLong();
    private long tmpCounter = 1_700_000_000_000_000_000L;
    private volatile String lastWritten;

    private BackupstoreWriter(WritableObjectSource sink, BackupTarget target, long seed) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.target = Objects.requireNonNull(target, "target");
        this.layout = BackupstoreLayout.of(target);
        this.seed = seed;
    }

    /** A writer storing into {@code sink}, with keys and URLs for {@code target}; {@code seed} drives all content. */
    public static BackupstoreWriter create(WritableObjectSource sink, BackupTarget target, long seed) {
        return new BackupstoreWriter(sink, target, seed);
    }

    /** The layout keys are written with. */
    public BackupstoreLayout layout() {
        return layout;
    }

    /** The target backup URLs name. */
    public BackupTarget target() {
        return target;
    }

    /** Every key written so far, in order. */
    public List<String> writtenKeys() {
        synchronized (keys) {
            return List.copyOf(keys);
        }
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return bytes.get();
    }

    /** The writer of volume {@code name} (created with defaults: 1 GiB, lz4, 2 MiB blocks, current cfg shape). */
    public VolumeWriter volume(String name) {
        if (!BackupstoreLayout.isValidName(name)) {
            throw new InvalidInputException("'" + name + "' is not a name Longhorn's backupstore accepts");
        }
        return volumes.computeIfAbsent(name, VolumeWriter::new);
    }

    /**
     * Waits until an object written now gets a later last-modified time than the last object written (S3 stores
     * keep whole seconds; file systems keep a coarse clock), by writing and removing a probe object: afterwards, the
     * next objects are listed as written after everything before. Returns at once when nothing was written yet.
     */
    public void awaitLaterTimestamps() {
        String last = lastWritten;
        if (last == null) {
            return;
        }
        java.time.Instant before = sink.head(last).map(io.drkit.s3.ObjectInfo::lastModified).orElse(java.time.Instant.MIN);
        String probe = layout.root() + ".drkit-clock-probe";
        try {
            while (true) {
                java.time.Instant now = sink.put(probe, new byte[] {0}).lastModified();
                java.time.Instant listed = sink.head(probe).map(io.drkit.s3.ObjectInfo::lastModified).orElse(now);
                if (listed.isAfter(before)) {
                    return;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.drkit.core.CancelledException("waiting for the store's clock was interrupted", e);
        } finally {
            sink.delete(probe);
        }
    }

    /** Writes raw bytes at {@code key} (for custom junk). */
    public void put(String key, byte[] data) {
        sink.put(key, data);
        lastWritten = key;
        keys.add(key);
        bytes.addAndGet(data.length);
    }

    private void put(String key, String text) {
        put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------- junk

    /** A macOS {@code .DS_Store} file directly under {@code volumes/} (breaks Longhorn's own listing). */
    public String dsStore() {
        String key = layout.volumesRoot() + ".DS_Store";
        put(key, new byte[] {0, 0, 0, 1, 'B', 'u', 'd', '1'});
        return key;
    }

    /** A volume directory with a one-character name (invalid for Longhorn), with a volume.cfg in it. */
    public String oneCharVolumeDir() {
        String h = BackupstoreLayout.volumeHash("x");
        String dir = layout.volumesRoot() + h.substring(0, 2) + "/" + h.substring(2, 4) + "/x/";
        put(dir + "volume.cfg", "{\"Name\":\"x\",\"Size\":\"2097152\"}");
        return dir;
    }

    /** A {@code backup_<n>.cfg.tmp.<nanos>} file in a volume's backups directory (interrupted NFS write). */
    public String tempFile(String volume) {
        String key = layout.backupsDir(volume) + "backup_backup-tmp0000000000001.cfg.tmp." + (tmpCounter++);
        put(key, "{\"Name\":\"backup-tmp0000000000001\"");
        return key;
    }

    /** The {@code BACKINGIMAGE} lock directory Longhorn's backing-image backups leave among volumes. */
    public String backingImageLockDir() {
        String key = layout.lockKey(BackupstoreLayout.BACKING_IMAGE_LOCK_VOLUME, "lock-" + hex16());
        put(key, "{\"Name\":\"" + key.substring(key.lastIndexOf('/') + 1, key.length() - 4) + "\",\"Type\":1,\"Acquired\":true}");
        return layout.volumeDir(BackupstoreLayout.BACKING_IMAGE_LOCK_VOLUME);
    }

    /** A Longhorn system backup ({@code system-backup.cfg} and its zip). Returns its directory. */
    public String systemBackup(String longhornVersion, String name, Instant at) {
        String cfg = layout.systemBackupCfg(longhornVersion, name);
        byte[] zip = {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        put(cfg.replace("system-backup.cfg", "system-backup.zip"), zip);
        put(cfg, new GoJson().begin().str("Name", name).str("LonghornVersion", longhornVersion)
                .str("LonghornGitCommit", "0000000").str("BackupTargetURL", target.baseUrl())
                .str("ManagerImage", "longhornio/longhorn-manager:" + longhornVersion)
                .str("EngineImage", "longhornio/longhorn-engine:" + longhornVersion)
                .str("CreatedAt", RFC3339.format(at)).str("Checksum", sha256Hex(zip)).end().toString());
        return cfg.substring(0, cfg.length() - "system-backup.cfg".length());
    }

    /** A backing-image backup (cfg plus one block in the shared pool). Returns its directory. */
    public String backingImage(String name, Instant at) {
        byte[] block = BlockContent.text(seed ^ name.hashCode()).bytes(2 << 20);
        String sum = BlockCodec.checksum(block);
        byte[] stored = BlockCodec.compress(CompressionMethod.LZ4, block);
        put(layout.backingImageBlockKey(sum), stored);
        String cfg = layout.backingImageCfg(name);
        put(cfg, new GoJson().begin().str("Name", name).int64Str("Size", block.length).int64Str("BlockCount", 1)
                .str("Checksum", BackupstoreLayout.sha512Prefix(block) + BackupstoreLayout.sha512Prefix(block))
                .nul("Labels").str("CompressionMethod", "lz4").str("CreatedTime", RFC3339.format(at))
                .str("CompleteTime", RFC3339.format(at.plusSeconds(30))).str("Secret", "").str("SecretNamespace", "")
                .raw("ProcessingBlocks", "{\"Blocks\":{}}")
                .raw("Blocks", "[{\"Offset\":0,\"BlockChecksum\":\"" + sum + "\"}]").end().toString());
        return cfg.substring(0, cfg.length() - "backing-image.cfg".length());
    }

    /** A volume directory with backups but no {@code volume.cfg} (a partly deleted volume). Returns the directory. */
    public String volumeDirWithoutCfg(String name) {
        put(layout.backupCfg(name, "backup-0rphan00000000001"), new GoJson().begin().str("Name", "backup-0rphan00000000001")
                .str("VolumeName", name).str("CreatedTime", "2026-01-01T00:00:00Z").end().toString());
        return layout.volumeDir(name);
    }

    /** A backup cfg that is not valid JSON. Returns its key. */
    public String invalidJsonBackup(String volume, String backupName) {
        String key = layout.backupCfg(volume, backupName);
        put(key, "{\"Name\":\"" + backupName + "\",\"VolumeName\":");
        return key;
    }

    /** A backup cfg file whose name Longhorn rejects ({@code backup_1234@failure.cfg}, #1410). Returns its key. */
    public String invalidBackupFileName(String volume) {
        String key = layout.backupsDir(volume) + "backup_1234@failure.cfg";
        put(key, "{}");
        return key;
    }

    /** A volume directory filed under the wrong hash directories. Returns the directory. */
    public String misplacedVolumeDir(String name) {
        String dir = layout.volumesRoot() + "00/00/" + name + "/";
        if (dir.equals(layout.volumeDir(name))) {
            dir = layout.volumesRoot() + "ff/ff/" + name + "/";
        }
        put(dir + "volume.cfg", new GoJson().begin().str("Name", name).int64Str("Size", 2 << 20).end().toString());
        return dir;
    }

    /** A lock file in a volume's {@code locks/} directory (type 1, acquired). Returns its key. */
    public String lock(String volume) {
        String name = "lock-" + hex16();
        String key = layout.lockKey(volume, name);
        put(key, "{\"Name\":\"" + name + "\",\"Type\":1,\"Acquired\":true}");
        return key;
    }

    private String hex16() {
        return String.format("%016x", new SplittableRandom(seed + tmpCounter++).nextLong());
    }

    private static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- volumes

    /**
     * Writes one volume's backups in order, the way Longhorn's backup code does: blocks uploaded once per checksum,
     * the new cfg's {@code Blocks} = previous map merged with the changed blocks, then {@code volume.cfg} rewritten
     * with the new pointer, size and labels.
     */
    public final class VolumeWriter {
        private final String name;
        private long size = 1L << 30;
        private CompressionMethod compression = CompressionMethod.LZ4;
        private int blockSize = (int) Backup.DEFAULT_BLOCK_SIZE;
        private CfgFormat format = CfgFormat.CURRENT;
        private Map<String, String> labels;
        private String storageClass = "";
        private String dataEngine = "v1";
        private String backingImageName = "";
        private String backingImageChecksum = "";
        private boolean writeBlocks = true;
        private boolean unsortedBlockLists;
        private Instant createdAt;
        private String lastBackupName = "";
        private String lastBackupAt = "";
        private long blockCount;
        private boolean started;
        private final TreeMap<Long, BlockContent> contents = new TreeMap<>();
        private final TreeMap<Long, String> checksums = new TreeMap<>();
        private final Set<String> uploaded = new HashSet<>();
        private final Map<String, WrittenBackup> backups = new LinkedHashMap<>();

        private VolumeWriter(String name) {
            this.name = name;
        }

        /** Volume name. */
        public String name() {
            return name;
        }

        /** Volume size in bytes (a multiple of the block size; default 1 GiB). */
        public VolumeWriter size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** Block codec (default lz4; pre-1.5 shapes are always gzip). */
        public VolumeWriter compression(CompressionMethod c) {
            this.compression = Objects.requireNonNull(c);
            return this;
        }

        /** Block size: 2 MiB (default) or 16 MiB; fixed once the first backup is written. */
        public VolumeWriter blockSize(long bytes) {
            if (started && bytes != blockSize) {
                throw new IllegalStateException("block size of " + name + " is fixed after its first backup");
            }
            this.blockSize = Math.toIntExact(bytes);
            return this;
        }

        /** The Longhorn release whose cfg shape to write (default current). */
        public VolumeWriter format(CfgFormat f) {
            this.format = Objects.requireNonNull(f);
            if (!f.hasCompression()) {
                this.compression = CompressionMethod.GZIP;
            }
            return this;
        }

        /** Replaces the labels recorded with the next backups (and copied into volume.cfg). */
        public VolumeWriter labels(Map<String, String> l) {
            this.labels = l == null ? null : new LinkedHashMap<>(l);
            return this;
        }

        /** Adds one label. */
        public VolumeWriter label(String k, String v) {
            if (labels == null) {
                labels = new LinkedHashMap<>();
            }
            labels.put(k, v);
            return this;
        }

        /** Records the volume as bound to PVC {@code namespace/name} (the {@code KubernetesStatus} label). */
        public VolumeWriter pvc(String ref) {
            PvcRef p = PvcRef.parse(ref);
            return label(LonghornLabels.KUBERNETES_STATUS, KubernetesStatus.bound(p, "pv-" + name).toLabelValue());
        }

        /** Storage class (Longhorn 1.5+). */
        public VolumeWriter storageClass(String sc) {
            this.storageClass = sc == null ? "" : sc;
            return this;
        }

        /** Data engine {@code v1}/{@code v2}. */
        public VolumeWriter dataEngine(String e) {
            this.dataEngine = e;
            return this;
        }

        /** Backing image name and checksum. */
        public VolumeWriter backingImage(String biName, String checksum) {
            this.backingImageName = biName == null ? "" : biName;
            this.backingImageChecksum = checksum == null ? "" : checksum;
            return this;
        }

        /**
         * Do not upload blocks (cfgs still list them, with checksums derived from their descriptors): fast stores for
         * catalog tests and benchmarks, which never read blocks.
         */
        public VolumeWriter metadataOnly() {
            this.writeBlocks = false;
            return this;
        }

        /**
         * Write the {@code Blocks} lists of the next backups in descending offset order (Longhorn always sorts them
         * ascending): for readers that must not rely on the order.
         */
        public VolumeWriter unsortedBlockLists() {
            this.unsortedBlockLists = true;
            return this;
        }

        /** When the backup volume was created (default: the first backup's time). */
        public VolumeWriter createdAt(Instant t) {
            this.createdAt = t;
            return this;
        }

        /** The labels the next backup records. */
        public Map<String, String> labels() {
            return labels == null ? Map.of() : Collections.unmodifiableMap(labels);
        }

        /** Writes {@code volume.cfg} now (a volume with no backups yet, or after changing the pointer). */
        public VolumeWriter writeVolumeCfg() {
            started = true;
            if (createdAt == null) {
                createdAt = Instant.parse("2026-01-01T00:00:00Z");
            }
            put(layout.volumeCfg(name), volumeJson());
            return this;
        }

        /** Sets the last-backup pointer (a stale name, or empty) and rewrites {@code volume.cfg}. */
        public VolumeWriter pointer(String backupName) {
            this.lastBackupName = backupName == null ? "" : backupName;
            if (lastBackupName.isEmpty()) {
                lastBackupAt = "";
            }
            return writeVolumeCfg();
        }

        /** Deletes a backup's cfg by hand (what leaves a stale pointer behind, #2798). */
        public VolumeWriter deleteBackupCfg(String backupName) {
            sink.delete(layout.backupCfg(name, backupName));
            backups.remove(backupName);
            return this;
        }

        /** What was written for each backup, in order. */
        public Map<String, WrittenBackup> backups() {
            return Collections.unmodifiableMap(backups);
        }

        /**
         * Writes a complete backup started at {@code at}, whose changed blocks {@code changes} describes.
         *
         * @return what was written, with the expected restore image
         */
        public WrittenBackup backup(String backupName, Instant at, Consumer<Changes> changes) {
            Changes c = new Changes(at);
            changes.accept(c);
            return writeBackup(backupName, at, c);
        }

        /** Writes the in-progress cfg of a backup that never finished (Longhorn's step 2). */
        public WrittenBackup inProgressBackup(String backupName, Instant at) {
            if (!started) {
                writeVolumeCfg();
            }
            GoJson j = new GoJson().begin().str("Name", backupName).str("VolumeName", name).str("SnapshotName", "")
                    .str("SnapshotCreatedAt", "").str("CreatedTime", "").int64Str("Size", 0).nul("Labels");
            if (format.hasParameters()) {
                j.nul("Parameters");
            }
            j.bool("IsIncremental", false);
            if (format.hasCompression()) {
                j.str("CompressionMethod", compression.wireName());
            }
            if (format.hasParameters()) {
                j.int64Str("NewlyUploadedDataSize", 0).int64Str("ReUploadedDataSize", 0);
            }
            if (format.hasCompression()) {
                j.nul("ProcessingBlocks");
            }
            j.raw("SingleFile", "{\"FilePath\":\"\"}").end();
            String key = layout.backupCfg(name, backupName);
            String text = j.toString();
            put(key, text);
            WrittenBackup w = new WrittenBackup(name, backupName, key, target.backupUrl(backupName, name).url(), false, at,
                    Optional.empty(), blockSize, compression, size, new TreeMap<>(), text.length(), Optional.empty());
            backups.put(backupName, w);
            return w;
        }

        /**
         * Writes a complete backup whose {@code Blocks} list has {@code blockCount} synthetic entries, streamed to a
         * temporary file and uploaded from it (cfgs of tens of MB for heap tests); blocks are not uploaded and the
         * volume's block map is not changed.
         */
        public WrittenBackup largeSyntheticBackup(String backupName, Instant at, int blockCount) {
            if (!started) {
                writeVolumeCfg();
            }
            Path tmp;
            try {
                tmp = Files.createTempFile("drkit-large-cfg", ".json");
            } catch (IOException e) {
                throw new UnavailableException("cannot create a temporary file", e);
            }
            try {
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    String head = header(backupName, at, at.plusSeconds(60), (long) blockCount * blockSize, labels, true, 0);
                    w.write(head);
                    w.write(",\"Blocks\":[");
                    SplittableRandom r = new SplittableRandom(seed ^ backupName.hashCode());
                    for (int i = 0; i < blockCount; i++) {
                        if (i > 0) {
                            w.write(',');
                        }
                        w.write("{\"Offset\":");
                        w.write(Long.toString((long) i * blockSize));
                        w.write(",\"BlockChecksum\":\"");
                        w.write(String.format("%016x%016x%016x%016x", r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong()));
                        w.write("\"}");
                    }
                    w.write("],\"SingleFile\":{\"FilePath\":\"\"}}");
                }
                String key = layout.backupCfg(name, backupName);
                sink.put(key, tmp);
                lastWritten = key;
                long len = Files.size(tmp);
                keys.add(key);
                bytes.addAndGet(len);
                lastBackupName = backupName;
                lastBackupAt = RFC3339.format(at);
                writeVolumeCfg();
                WrittenBackup wb = new WrittenBackup(name, backupName, key, target.backupUrl(backupName, name).url(), true, at,
                        Optional.of(at.plusSeconds(60)), blockSize, compression, size, new TreeMap<>(), len, Optional.empty());
                backups.put(backupName, wb);
                return wb;
            } catch (IOException e) {
                throw new UnavailableException("writing a large cfg through " + tmp + " failed", e);
            } finally {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }

        private WrittenBackup writeBackup(String backupName, Instant at, Changes c) {
            if (size % blockSize != 0) {
                throw new InvalidInputException("volume size " + size + " of " + name + " is not a multiple of the block size " + blockSize);
            }
            if (!started) {
                createdAt = createdAt == null ? at : createdAt;
            }
            boolean first = checksums.isEmpty() && backups.values().stream().noneMatch(WrittenBackup::complete);
            boolean incremental = !first && !c.full;
            TreeMap<Long, BlockContent> newContents = c.full ? new TreeMap<>() : new TreeMap<>(contents);
            TreeMap<Long, String> newSums = c.full ? new TreeMap<>() : new TreeMap<>(checksums);
            if (c.rewriteAll) {
                for (Long off : contents.keySet()) {
                    if (!c.blocks.containsKey(off)) {
                        c.random(off);
                    }
                }
            }
            if (c.full) {
                // a full backup re-reads every allocated block of the volume
                c.blocks.forEach(contents::put);
                c.blocks.clear();
                c.blocks.putAll(contents);
            }
            long newlyUploaded = 0;
            long reUploaded = 0;
            long newBlocks = 0;
            for (Map.Entry<Long, BlockContent> e : c.blocks.entrySet()) {
                long off = e.getKey();
                if (off % blockSize != 0 || off < 0 || off >= size) {
                    throw new InvalidInputException("block offset " + off + " is not a block boundary inside volume " + name);
                }
                String sum;
                if (writeBlocks) {
                    byte[] data = e.getValue().bytes(blockSize);
                    sum = BlockCodec.checksum(data);
                    boolean exists = uploaded.contains(sum);
                    if (!exists || c.full) {
                        byte[] stored = c.storedOverride != null && c.storedOverride.containsKey(off)
                                ? c.storedOverride.get(off) : BlockCodec.compress(compression, data);
                        put(layout.blockKey(name, sum), stored);
                        if (exists) {
                            reUploaded += stored.length;
                        } else {
                            newlyUploaded += stored.length;
                            newBlocks++;
                        }
                        uploaded.add(sum);
                    }
                } else {
                    sum = BackupstoreLayout.sha512Prefix((e.getValue().kind() + ":" + e.getValue().seed() + ":"
                            + (e.getValue().data() == null ? 0 : java.util.Arrays.hashCode(e.getValue().data())))
                            .getBytes(StandardCharsets.UTF_8));
                    if (uploaded.add(sum)) {
                        newBlocks++;
                        newlyUploaded += blockSize / 2;
                    }
                }
                newContents.put(off, e.getValue());
                newSums.put(off, sum);
            }
            contents.clear();
            contents.putAll(newContents);
            checksums.clear();
            checksums.putAll(newSums);
            Instant completed = c.completedAt != null ? c.completedAt : at.plusSeconds(60);
            StringBuilder sb = new StringBuilder(newSums.size() * 110 + 1024);
            sb.append(header(backupName, at, completed, (long) newSums.size() * blockSize,
                    c.labels != null ? c.labels : labels, !incremental, newlyUploaded, reUploaded, incremental, c.full));
            if (!newSums.isEmpty()) {
                sb.append(",\"Blocks\":[");
                boolean comma = false;
                for (Map.Entry<Long, String> e : unsortedBlockLists ? newSums.descendingMap().entrySet()
                        : newSums.entrySet()) {
                    if (comma) {
                        sb.append(',');
                    }
                    comma = true;
                    sb.append("{\"Offset\":").append(e.getKey()).append(",\"BlockChecksum\":\"").append(e.getValue()).append("\"}");
                }
                sb.append(']');
            }
            sb.append(",\"SingleFile\":{\"FilePath\":\"\"}}");
            String key = layout.backupCfg(name, backupName);
            put(key, sb.toString());
            if (c.labels != null) {
                labels = new LinkedHashMap<>(c.labels);
            }
            if (!c.pointerUpdateLost) {
                // step 5: volume.cfg
                lastBackupName = backupName;
                lastBackupAt = RFC3339.format(at.truncatedTo(ChronoUnit.SECONDS));
                blockCount += newBlocks;
                writeVolumeCfg();
            }
            Optional<ExpectedImage> image = writeBlocks
                    ? Optional.of(new ExpectedImage(size, blockSize, newContents, newSums)) : Optional.empty();
            WrittenBackup w = new WrittenBackup(name, backupName, key, target.backupUrl(backupName, name).url(), true, at,
                    Optional.of(completed), blockSize, compression, size, newSums, sb.length(), image);
            backups.put(backupName, w);
            return w;
        }

        private String header(String backupName, Instant at, Instant completed, long dataSize, Map<String, String> l,
                              boolean processingBlocksSet, long newly) {
            return header(backupName, at, completed, dataSize, l, processingBlocksSet, newly, 0, !processingBlocksSet, false);
        }

        private String header(String backupName, Instant at, Instant completed, long dataSize, Map<String, String> l,
                              boolean processingBlocksSet, long newly, long reup, boolean incremental, boolean fullMode) {
            GoJson j = new GoJson().begin().str("Name", backupName).str("VolumeName", name)
                    .str("SnapshotName", "snap-" + backupName.substring(Math.max(0, backupName.length() - 8)))
                    .str("SnapshotCreatedAt", RFC3339.format(at.truncatedTo(ChronoUnit.SECONDS)))
                    .str("CreatedTime", RFC3339.format(completed.truncatedTo(ChronoUnit.SECONDS)))
                    .int64Str("Size", dataSize).map("Labels", l);
            if (format.hasParameters()) {
                Map<String, String> params = new LinkedHashMap<>();
                // the requested mode (the manager's default is incremental, also for a first backup)
                params.put("backup-mode", fullMode ? "full" : "incremental");
                params.put("backup-block-size", Integer.toString(blockSize));
                j.map("Parameters", params);
            }
            j.bool("IsIncremental", incremental);
            if (format.hasCompression()) {
                j.str("CompressionMethod", compression.wireName());
            }
            if (format.hasParameters()) {
                j.int64Str("NewlyUploadedDataSize", newly).int64Str("ReUploadedDataSize", reup);
            }
            if (format.hasCompression()) {
                if (processingBlocksSet) {
                    j.raw("ProcessingBlocks", "{}");
                } else {
                    j.nul("ProcessingBlocks");
                }
            }
            String s = j.toString();
            return s; // object left open: Blocks and SingleFile follow
        }

        private String volumeJson() {
            GoJson j = new GoJson().begin().str("Name", name).int64Str("Size", size);
            if (format.hasVolumeLabels()) {
                j.map("Labels", labels);
            }
            j.str("CreatedTime", createdAt == null ? "" : RFC3339.format(createdAt.truncatedTo(ChronoUnit.SECONDS)))
                    .str("LastBackupName", lastBackupName).str("LastBackupAt", lastBackupAt)
                    .int64Str("BlockCount", blockCount);
            switch (format) {
                case V1_0 -> { }
                case V1_1_1 -> j.doubleStr("BackingImageName", backingImageName).doubleStr("BackingImageURL", "");
                case V1_2 -> j.doubleStr("BackingImageName", backingImageName).doubleStr("BackingImageChecksum", backingImageChecksum);
                case V1_5 -> j.doubleStr("BackingImageName", backingImageName).doubleStr("BackingImageChecksum", backingImageChecksum)
                        .doubleStr("CompressionMethod", compression.wireName()).doubleStr("StorageClassName", storageClass);
                case V1_6, CURRENT -> j.doubleStr("BackingImageName", backingImageName)
                        .doubleStr("BackingImageChecksum", backingImageChecksum)
                        .doubleStr("CompressionMethod", compression.wireName()).doubleStr("StorageClassName", storageClass)
                        .doubleStr("DataEngine", dataEngine);
            }
            return j.end().toString();
        }
    }

    /** The blocks one backup changed, and its per-backup options. Offsets must be block boundaries. */
    public final class Changes {
        private final Instant at;
        private final TreeMap<Long, BlockContent> blocks = new TreeMap<>();
        private Map<Long, byte[]> storedOverride;
        private Map<String, String> labels;
        private Instant completedAt;
        private boolean full;
        private boolean pointerUpdateLost;
        private boolean rewriteAll;

        private Changes(Instant at) {
            this.at = at;
        }

        /** The block at {@code offset} now holds {@code content}. */
        public Changes block(long offset, BlockContent content) {
            blocks.put(offset, Objects.requireNonNull(content));
            return this;
        }

        /** Random (incompressible) data at {@code offset}, seeded from the writer's seed and the offset. */
        public Changes random(long offset) {
            return block(offset, BlockContent.random(seed * 31 + offset * 7 + at.getEpochSecond()));
        }

        /** Compressible text at {@code offset}. */
        public Changes text(long offset) {
            return block(offset, BlockContent.text(seed * 31 + offset * 7 + at.getEpochSecond()));
        }

        /** Half random, half text at {@code offset}. */
        public Changes mixed(long offset) {
            return block(offset, BlockContent.mixed(seed * 31 + offset * 7 + at.getEpochSecond()));
        }

        /** An explicit zero block at {@code offset} (stored, unlike a hole). */
        public Changes zero(long offset) {
            return block(offset, BlockContent.zero());
        }

        /**
         * Every block the previous backup listed now holds new random content (what ransomware encrypting the volume
         * in place, or a wipe and refill, leaves behind); combine with other changes as usual.
         */
        public Changes rewriteAll() {
            this.rewriteAll = true;
            return this;
        }

        /** {@code count} blocks of mixed kinds at deterministic offsets spread over the volume. */
        public Changes spread(int count, long volumeSize, int blockSize) {
            SplittableRandom r = new SplittableRandom(seed ^ at.getEpochSecond());
            long slots = volumeSize / blockSize;
            for (int i = 0; i < count && i < slots; i++) {
                long off = r.nextLong(slots) * blockSize;
                switch (i % 3) {
                    case 0 -> random(off);
                    case 1 -> text(off);
                    default -> mixed(off);
                }
            }
            return this;
        }

        /** Store these exact bytes for the block at {@code offset} instead of the codec's output (corruption tests). */
        public Changes storedBytes(long offset, byte[] stored) {
            if (storedOverride == null) {
                storedOverride = new TreeMap<>();
            }
            storedOverride.put(offset, stored.clone());
            return this;
        }

        /** Labels recorded with this backup (and copied to volume.cfg). */
        public Changes labels(Map<String, String> l) {
            this.labels = l == null ? null : new LinkedHashMap<>(l);
            return this;
        }

        /** Completion time (default: 60 s after the start). */
        public Changes completedAt(Instant t) {
            this.completedAt = t;
            return this;
        }

        /** A full backup ({@code backup-mode=full}): every allocated block re-uploaded, not incremental. */
        public Changes full() {
            this.full = true;
            return this;
        }

        /**
         * The backup completes (its cfg is written) but the {@code volume.cfg} rewrite that follows is lost (Longhorn
         * failed between the two writes, or the bucket was copied in between): the last-backup pointer keeps naming
         * the previous backup, which exists and is older. The trap of a lagging pointer.
         */
        public Changes pointerUpdateLost() {
            this.pointerUpdateLost = true;
            return this;
        }

    }
}

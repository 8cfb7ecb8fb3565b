package io.drkit.s3.internal;

import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a backupstore catalog skipped, and every call to its listeners: each skipped location is recorded once for the
 * catalog's life ({@code BackupstoreCatalog.skippedEntries()}), logged once (DEBUG for in-progress backups and entries
 * that are not volume backups, WARN for the rest) and told once to the catalog's listener; a {@link Scan} also collects
 * what one full scan met and tells that scan's listener, with its progress. A listener that throws is logged and
 * ignored. Thread-safe.
 */
public final class SkipRegistry {
    /** The catalog's logger: skips are logged under the class users configure. */
    private static final Logger LOG = LoggerFactory.getLogger("io.drkit.s3.BackupstoreCatalog");

    private final CatalogListener listener;
    private final Map<String, SkippedEntry> skipped = Collections.synchronizedMap(new LinkedHashMap<>());

    /** A registry telling {@code listener} (never null) about each skipped location once. */
    public SkipRegistry(CatalogListener listener) {
        this.listener = listener;
    }

    /** Records a skipped entry; {@code scan} (null outside a full scan) collects it too. */
    public void skip(String location, SkippedEntry.Reason reason, String detail, Scan scan) {
        skip(new SkippedEntry(location, reason, detail), scan);
    }

    /** Records {@code s}; {@code scan} (null outside a full scan) collects it too. */
    public void skip(SkippedEntry s, Scan scan) {
        boolean first;
        synchronized (skipped) {
            first = skipped.putIfAbsent(s.location(), s) == null;
        }
        if (first) {
            if (s.reason() == SkippedEntry.Reason.IN_PROGRESS || s.reason() == SkippedEntry.Reason.NOT_A_VOLUME_BACKUP) {
                LOG.debug("skipped {}", s);
            } else {
                LOG.warn("skipped {}", s);
            }
            safely(() -> listener.entrySkipped(s));
        }
        if (scan != null) {
            scan.add(s);
        }
    }

    /** Whether {@code location} was skipped before. */
    public boolean contains(String location) {
        return skipped.containsKey(location);
    }

    /** Every entry skipped so far, in the order first met. */
    public List<SkippedEntry> entries() {
        synchronized (skipped) {
            return List.copyOf(skipped.values());
        }
    }

    /** Calls a listener; what it throws is logged and ignored. */
    static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("catalog listener threw; ignored", e);
        }
    }

    /** One full scan: the entries it met (each once) and its progress, told to the scan's listener. */
    public static final class Scan {
        private final CatalogListener listener;
        private final Map<String, SkippedEntry> skipped = new LinkedHashMap<>();
        private final AtomicInteger volumesDone = new AtomicInteger();
        private volatile int total;

        /** A scan reporting to {@code listener} (null: none). */
        public Scan(CatalogListener listener) {
            this.listener = listener == null ? CatalogListener.NONE : listener;
        }

        void add(SkippedEntry s) {
            boolean first;
            synchronized (skipped) {
                first = skipped.putIfAbsent(s.location(), s) == null;
            }
            if (first) {
                safely(() -> listener.entrySkipped(s));
            }
        }

        /** The scan found {@code volumes} volume directories. */
        public void started(int volumes) {
            total = volumes;
            safely(() -> listener.scanStarted(volumes));
        }

        /** Every entry of {@code volume} is read (or it was skipped). */
        public void volumeDone(String volume) {
            int n = volumesDone.incrementAndGet();
            int of = total;
            safely(() -> listener.volumeScanned(volume, n, of));
        }

        /** The scan's answer is ready. */
        public void finished(CatalogScan result) {
            safely(() -> listener.scanFinished(result.volumes().size(), result.backupCount(), result.skipped().size()));
        }

        /** The entries this scan met, in the order first met. */
        public List<SkippedEntry> skipped() {
            synchronized (skipped) {
                return new ArrayList<>(skipped.values());
            }
        }
    }
}

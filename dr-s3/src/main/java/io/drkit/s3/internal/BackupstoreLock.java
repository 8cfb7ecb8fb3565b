package io.drkit.s3.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.NotFoundException;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectInfo;
import io.drkit.s3.ObjectStream;
import io.drkit.s3.WritableObjectSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backupstore file lock that Longhorn honours, taken the way Longhorn's {@code lock.go} takes it: write
 * {@code locks/lock-<16 hex>.lck} ({@code {"Name":..,"Type":1,"Acquired":false}}), wait, read every lock of the
 * volume, give up if an unexpired lock of another type has priority (acquired first, then the older server time,
 * then the smaller name), otherwise rewrite it with {@code "Acquired":true}, rewrite it periodically so that it never
 * looks expired (Longhorn: older than 150 s by its server time), and delete it when closed.
 *
 * <p>Type 1 is Longhorn's backup and restore lock: holding it makes Longhorn's backup deletion (and its block garbage
 * collection) refuse to start on this volume, while Longhorn's own backups and restores carry on. Server times are the
 * objects' modification times at second precision (what Longhorn's S3 driver sees through HEAD); a lock we write is
 * HEADed afterwards because an S3 PUT does not return the server's time.
 */
public final class BackupstoreLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupstoreLock.class);
    /** Longhorn's {@code BACKUP_LOCK} and {@code RESTORE_LOCK}. */
    public static final int BACKUP_OR_RESTORE = 1;
    /** Longhorn's {@code DELETION_LOCK}. */
    public static final int DELETION = 2;
    /** Longhorn's {@code LOCK_DURATION}: a lock whose server time is older is ignored. */
    public static final Duration EXPIRY = Duration.ofSeconds(150);
    /** Longhorn's {@code LOCK_REFRESH_INTERVAL}. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    /** Longhorn's {@code LOCK_CHECK_WAIT_TIME}. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);

    private final WritableObjectSource store;
    private final String volume;
    private final String name;
    private final String key;
    private final int type;
    private final Clock clock;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicReference<Instant> lastWrite = new AtomicReference<>();
    private final AtomicReference<String> refreshProblem = new AtomicReference<>();
    private volatile ScheduledExecutorService refresher;

    /**
     * A lock as Longhorn stores it, with its server time.
     *
     * @param name       {@code lock-<16 hex>}
     * @param type       1 backup/restore, 2 deletion
     * @param acquired   whether its owner acquired it
     * @param serverTime the object's modification time, whole seconds
     * @param key        its object key
     */
    public record LockFile(String name, int type, boolean acquired, Instant serverTime, String key) {

        /** Longhorn's {@code compareLocks}: negative when this lock has priority over {@code other}. */
        public int compareTo(LockFile other) {
            if (acquired != other.acquired) {
                return acquired ? -1 : 1;
            }
            int c = serverTime.compareTo(other.serverTime);
            return c != 0 ? c : name.compareTo(other.name);
        }

        /**
         * Longhorn's {@code canAcquire} for one lock: whether this lock, found in the store, stops {@code candidate}
         * from being acquired at {@code now}: it is of another type, has priority and has not expired.
         */
        public boolean blocks(LockFile candidate, Instant now) {
            return type != candidate.type && compareTo(candidate) < 0 && !expiredAt(now);
        }

        /** Longhorn's {@code isExpired}: older than 150 s at {@code now}. */
        public boolean expiredAt(Instant now) {
            return Duration.between(serverTime, now).compareTo(EXPIRY) > 0;
        }
    }

    private BackupstoreLock(WritableObjectSource store, BackupstoreLayout layout, String volume, int type, Clock clock) {
        this.store = store;
        this.volume = volume;
        this.type = type;
        this.clock = clock;
        this.name = "lock-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        this.key = layout.lockKey(volume, name);
    }

    /**
     * Takes a lock of {@code type} on {@code volume}.
     *
     * @param settle  how long to wait between writing the lock and reading the others (Longhorn: 2 s)
     * @param refresh how often to rewrite it while held (Longhorn: 60 s; must stay well below 150 s)
     * @throws ConflictException when an unexpired lock of another type has priority; our lock file is removed again
     * @throws CancelledException when cancelled during the wait; our lock file is removed again
     */
    public static BackupstoreLock acquire(WritableObjectSource store, BackupstoreLayout layout, String volume, int type,
                                          Duration settle, Duration refresh, Clock clock, Cancellation cancel) {
        BackupstoreLock lock = new BackupstoreLock(store, layout, volume, type, clock);
        lock.acquire(layout, settle, refresh, cancel);
        return lock;
    }

    private void acquire(BackupstoreLayout layout, Duration settle, Duration refresh, Cancellation cancel) {
        LockFile ours = write(false);
        try {
            sleep(settle, cancel);
            Instant now = clock.instant();
            for (LockFile other : readLocks(store, layout, volume)) {
                if (other.name().equals(name)) {
                    continue;
                }
                if (other.blocks(ours, now)) {
                    throw new ConflictException("backupstore lock on volume " + volume + " refused: Longhorn holds "
                            + describe(other) + " (" + other.key() + ", written " + other.serverTime() + ")");
                }
            }
            write(true);
        } catch (RuntimeException e) {
            deleteQuietly();
            throw e;
        }
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drkit-lock-refresh-" + volume);
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, refresh.toMillis());
        s.scheduleWithFixedDelay(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
        refresher = s;
        LOG.debug("acquired backupstore lock {} (type {})", key, type);
    }

    private static String describe(LockFile l) {
        String kind = l.type() == DELETION ? "deletion lock" : l.type() == BACKUP_OR_RESTORE ? "backup/restore lock"
                : "lock of type " + l.type();
        return (l.acquired() ? "an acquired " : "a pending ") + kind;
    }

    private void refresh() {
        if (released.get()) {
            return;
        }
        try {
            write(true);
            refreshProblem.set(null);
        } catch (DrException e) {
            refreshProblem.set(e.getMessage());
            LOG.warn("refreshing backupstore lock {} failed (it expires {} after its last write at {}): {}", key, EXPIRY,
                    lastWrite.get(), e.getMessage());
        }
    }

    private LockFile write(boolean acquired) {
        String json = "{\"Name\":\"" + name + "\",\"Type\":" + type + ",\"Acquired\":" + acquired + "}";
        store.put(key, json.getBytes(StandardCharsets.UTF_8));
        Instant written = clock.instant();
        // an S3 PUT does not return the server's time: ask for it, as Longhorn's FileTime does
        ObjectInfo info = store.head(key).orElseThrow(() -> new NotFoundException("lock " + key
                + " vanished right after it was written"));
        lastWrite.set(written);
        return new LockFile(name, type, acquired, info.lastModified().truncatedTo(ChronoUnit.SECONDS), key);
    }

    /**
     * Every lock of {@code volume} that can be read, with server times from the listing. Unreadable lock files are
     * skipped, as Longhorn skips them.
     */
    public static List<LockFile> readLocks(WritableObjectSource store, BackupstoreLayout layout, String volume) {
        String dir = layout.locksDir(volume);
        List<LockFile> out = new ArrayList<>();
        for (ObjectInfo o : store.list(dir, "/").objects()) {
            String file = o.key().substring(dir.length());
            if (!file.endsWith(".lck")) {
                continue;
            }
            parse(store, o).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<LockFile> parse(WritableObjectSource store, ObjectInfo o) {
        try {
            return ReadRetry.DEFAULT.call("reading lock " + o.key(), Cancellation.none(), () -> parseOnce(store, o));
        } catch (DrException e) {
            LOG.warn("skipped unreadable backupstore lock {}: {}", o.key(), e.getMessage());
            return Optional.empty();
        }
    }

    /** One attempt; an unreadable lock is skipped as Longhorn skips it, a failed read is thrown to be retried. */
    private static Optional<LockFile> parseOnce(WritableObjectSource store, ObjectInfo o) {
        String fileName = o.name().substring(0, o.name().length() - ".lck".length());
        try (ObjectStream in = store.get(o.key()); JsonParser p = CfgParser.JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                LOG.warn("skipped unreadable backupstore lock {}: not a JSON object", o.key());
                return Optional.empty();
            }
            String lockName = fileName;
            int lockType = 0;
            boolean acquired = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName().toLowerCase(Locale.ROOT);
                JsonToken v = p.nextToken();
                switch (f) {
                    case "name" -> lockName = v == JsonToken.VALUE_STRING ? p.getText() : lockName;
                    case "type" -> lockType = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                    case "acquired" -> acquired = v == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            return Optional.of(new LockFile(lockName, lockType, acquired,
                    o.lastModified().truncatedTo(ChronoUnit.SECONDS), o.key()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("skipped unreadable backupstore lock {}: {}", o.key(), e.getOriginalMessage());
            return Optional.empty();
        } catch (IOException e) {
            throw CfgParser.unreadable(e, o.key());
        }
    }

    private static void sleep(Duration d, Cancellation cancel) {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (true) {
                cancel.throwIfCancelled("waiting for the backupstore lock");
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("waiting for the backupstore lock was interrupted", e);
        }
    }

    /** The lock's name, {@code lock-<16 hex>}. */
    public String name() {
        return name;
    }

    /** The lock's object key. */
    public String key() {
        return key;
    }

    /**
     * Whether the lock may have lapsed: its last successful write is older than Longhorn's expiry (refreshes failed),
     * so Longhorn may have started a deletion meanwhile.
     */
    public boolean lapsed() {
        Instant w = lastWrite.get();
        return w != null && Duration.between(w, clock.instant()).compareTo(EXPIRY) > 0;
    }

    /** The error of the last refresh, if it failed. */
    public Optional<String> refreshProblem() {
        return Optional.ofNullable(refreshProblem.get());
    }

    /** Stops refreshing and deletes the lock file; idempotent; never throws (a leftover lock expires after 150 s). */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        ScheduledExecutorService s = refresher;
        if (s != null) {
            s.shutdown(); // a refresh in flight finishes first, so it cannot recreate the file after the delete
            try {
                s.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteQuietly();
        LOG.debug("released backupstore lock {}", key);
    }

    private void deleteQuietly() {
        try {
            store.delete(key);
        } catch (DrException e) {
            LOG.warn("removing backupstore lock {} failed; it expires {} after its last write: {}", key, EXPIRY,
                    e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "BackupstoreLock[" + key + ", type " + type + "]";
    }
}

package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.UnavailableException;
import io.drkit.s3.ObjectSource;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The {@code Blocks} list of one backup, read and checked in one streaming pass and kept in a compact temporary file
 * (40 bytes per block) for the restore workers to consume. Spooling decouples the restore from the cfg download: a
 * slow restore of a large volume never holds an S3 connection open for hours, and a malformed list fails the restore
 * before any image byte is written. {@link #close()} deletes the file.
 */
public final class BlockListSpool implements AutoCloseable {
    private static final int ENTRY = 8 + Checksums.LENGTH;
    private final Path file;
    private final long count;
    private final BitSet listed;
    private final boolean sorted;
    private DataInputStream in;
    private long read;

    private BlockListSpool(Path file, long count, BitSet listed, boolean sorted) {
        this.file = file;
        this.count = count;
        this.listed = listed;
        this.sorted = sorted;
    }

    /**
     * Reads the {@code Blocks} of the cfg at {@code cfgKey} into a spool, with the default read retry.
     *
     * @throws io.drkit.core.InvalidBackupDataException when an entry is malformed (see {@link BlockEntryCheck})
     * @throws io.drkit.core.NotFoundException          when the cfg is gone
     */
    public static BlockListSpool read(ObjectSource source, String cfgKey, long volumeSize, int blockSize,
                                      Cancellation cancel) {
        return read(source, ReadRetry.DEFAULT, cfgKey, volumeSize, blockSize, cancel);
    }

    /**
     * Reads the {@code Blocks} of the cfg at {@code cfgKey} into a spool; a read that fails transiently (the body cut
     * short or stalled) starts over, by {@code retry}.
     *
     * @throws io.drkit.core.InvalidBackupDataException when an entry is malformed (see {@link BlockEntryCheck})
     * @throws io.drkit.core.NotFoundException          when the cfg is gone
     */
    public static BlockListSpool read(ObjectSource source, ReadRetry retry, String cfgKey, long volumeSize, int blockSize,
                                      Cancellation cancel) {
        new BlockEntryCheck(volumeSize, blockSize, cfgKey); // sizes checked before any file is created
        Path file;
        try {
            file = Files.createTempFile("drkit-blocks-", ".spool");
        } catch (IOException e) {
            throw new UnavailableException("cannot create a temporary file for the block list of " + cfgKey + ": "
                    + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            BlockEntryCheck check = retry.call("reading the block list of " + cfgKey, cancel,
                    () -> spool(source, cfgKey, volumeSize, blockSize, file, cancel));
            ok = true;
            return new BlockListSpool(file, check.count(), check.listed(), check.sorted());
        } finally {
            if (!ok) {
                deleteQuietly(file);
            }
        }
    }

    /** One attempt: streams the list into {@code file} from its start. */
    private static BlockEntryCheck spool(ObjectSource source, String cfgKey, long volumeSize, int blockSize, Path file,
                                         Cancellation cancel) {
        BlockEntryCheck check = new BlockEntryCheck(volumeSize, blockSize, cfgKey);
        try (BlocksReader r = BlocksReader.open(source.get(cfgKey), cfgKey);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            while (r.hasNext()) {
                BlockMapping m = r.next();
                byte[] sum = check.check(m);
                out.writeLong(m.offset());
                out.write(sum);
                if ((check.count() & 0xfff) == 0) {
                    cancel.throwIfCancelled("reading the block list of " + cfgKey);
                }
            }
        } catch (IOException e) {
            throw new UnavailableException("writing the block list of " + cfgKey + " to " + file + " failed: "
                    + e.getMessage(), e);
        }
        return check;
    }

    /** Entries in the list. */
    public long count() {
        return count;
    }

    /** Listed block slots ({@code offset / blockSize}); unlisted slots are holes. */
    public BitSet listed() {
        return listed;
    }

    /** Whether the offsets were in ascending order. */
    public boolean sorted() {
        return sorted;
    }

    /**
     * The next entry, from any thread: fills {@code checksum} (32 bytes) and returns the offset, or -1 at the end.
     */
    public synchronized long next(byte[] checksum) {
        if (read >= count) {
            return -1;
        }
        try {
            if (in == null) {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            }
            long offset = in.readLong();
            in.readFully(checksum, 0, Checksums.LENGTH);
            read++;
            return offset;
        } catch (EOFException e) {
            throw new UnavailableException("block list spool " + file + " ended early", e);
        } catch (IOException e) {
            throw new UnavailableException("reading block list spool " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Starts reading from the first entry again (a list compared twice: with the backup after it and before it). */
    public synchronized void rewind() {
        closeReader();
        read = 0;
    }

    private void closeReader() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // reopened or deleted anyway
            }
            in = null;
        }
    }

    @Override
    public synchronized void close() {
        closeReader();
        deleteQuietly(file);
    }

    /** Deletes a temporary file, ignoring a failure (nothing else can be done about it). */
    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary file; nothing else to do
        }
    }

    @Override
    public String toString() {
        return "BlockListSpool[" + count + " entries, " + count * ENTRY + " bytes]";
    }
}

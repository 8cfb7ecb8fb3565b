package io.drkit.s3.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The distinct blocks a verification looks at, keyed by checksum, with a dense id per block and per-block state in
 * parallel arrays: 50 to 100 bytes per block instead of several hundred for a {@code HashMap<String, ...>}, so that a
 * volume with a million distinct blocks costs tens of MB. Adding is single-threaded; afterwards workers may update
 * the state of distinct ids concurrently.
 */
public final class BlockTable {
    /** State: not looked at yet. */
    public static final byte UNCHECKED = 0;
    /** State: the object exists (presence check). */
    public static final byte PRESENT = 1;
    /** State: downloaded, decoded and verified. */
    public static final byte INTACT = 2;
    /** State: intact, but only readable through another codec than recorded. */
    public static final byte FALLBACK = 3;
    /** State: the object does not exist. */
    public static final byte MISSING = 4;
    /** State: the object does not hold the block. */
    public static final byte CORRUPT = 5;

    private long[] keys = new long[0];      // 4 longs per id
    private int[] slots = new int[16];      // open addressing: id + 1, 0 = empty
    private int size;
    private byte[] state = new byte[0];
    private byte[] codec = new byte[0];
    private int[] blockSize = new int[0];
    private int[] firstUser = new int[0];
    private boolean[] sampled = new boolean[0];

    /**
     * The id of {@code checksum} (32 bytes), adding it with these attributes when new.
     *
     * @param user an index of the first backup that references it (for attributing downloads)
     */
    public int add(byte[] checksum, int size0, byte codecOrdinal, int user, boolean inSample) {
        int found = find(checksum);
        if (found >= 0) {
            return found;
        }
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        if (size == state.length) {
            int n = Math.max(64, size * 2);
            keys = Arrays.copyOf(keys, n * 4);
            state = Arrays.copyOf(state, n);
            codec = Arrays.copyOf(codec, n);
            blockSize = Arrays.copyOf(blockSize, n);
            firstUser = Arrays.copyOf(firstUser, n);
            sampled = Arrays.copyOf(sampled, n);
        }
        int id = size++;
        ByteBuffer b = ByteBuffer.wrap(checksum);
        for (int i = 0; i < 4; i++) {
            keys[id * 4 + i] = b.getLong(i * 8);
        }
        codec[id] = codecOrdinal;
        blockSize[id] = size0;
        firstUser[id] = user;
        sampled[id] = inSample;
        insert(id);
        return id;
    }

    /** The id of {@code checksum}, or -1. */
    public int find(byte[] checksum) {
        ByteBuffer b = ByteBuffer.wrap(checksum);
        long k0 = b.getLong(0);
        long k1 = b.getLong(8);
        long k2 = b.getLong(16);
        long k3 = b.getLong(24);
        int mask = slots.length - 1;
        for (int i = index(k0, mask); ; i = (i + 1) & mask) {
            int v = slots[i];
            if (v == 0) {
                return -1;
            }
            int id = v - 1;
            if (keys[id * 4] == k0 && keys[id * 4 + 1] == k1 && keys[id * 4 + 2] == k2 && keys[id * 4 + 3] == k3) {
                return id;
            }
        }
    }

    private static int index(long k0, int mask) {
        return (int) (k0 ^ (k0 >>> 32)) & mask; // checksums are uniformly distributed already
    }

    private void insert(int id) {
        int mask = slots.length - 1;
        int i = index(keys[id * 4], mask);
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = id + 1;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        for (int id = 0; id < size; id++) {
            insert(id);
        }
    }

    /** Number of distinct blocks. */
    public int size() {
        return size;
    }

    /** Copies the checksum of {@code id} into {@code out} (32 bytes). */
    public void checksum(int id, byte[] out) {
        ByteBuffer b = ByteBuffer.wrap(out);
        for (int i = 0; i < 4; i++) {
            b.putLong(i * 8, keys[id * 4 + i]);
        }
    }

    /** The hex checksum of {@code id}. */
    public String hex(int id) {
        byte[] b = new byte[Checksums.LENGTH];
        checksum(id, b);
        return Checksums.hex(b, 0);
    }

    /** The state of {@code id}. */
    public byte state(int id) {
        return state[id];
    }

    /** Sets the state of {@code id}. */
    public void state(int id, byte s) {
        state[id] = s;
    }

    /** Ordinal of the codec the first referencing backup records. */
    public byte codec(int id) {
        return codec[id];
    }

    /** Block size of the first referencing backup. */
    public int blockSize(int id) {
        return blockSize[id];
    }

    /** Index of the first referencing backup. */
    public int firstUser(int id) {
        return firstUser[id];
    }

    /** Whether the block is in the content sample. */
    public boolean sampled(int id) {
        return sampled[id];
    }

    /** Whether the state is missing or corrupt. */
    public boolean bad(int id) {
        return state[id] == MISSING || state[id] == CORRUPT;
    }
}

package io.drkit.s3.testing;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic content of one volume block in a fixture: regenerated on demand from a kind and a seed, so that a
 * fixture of gigabytes needs no memory and a test can recompute every byte the writer stored.
 *
 * @param kind the kind of data
 * @param seed what varies the bytes (ignored for {@link Kind#ZERO})
 * @param data exact bytes for {@link Kind#EXACT}, else null
 */
public record BlockContent(Kind kind, long seed, byte[] data) {

    /** Kinds of block data. */
    public enum Kind {
        /** Random bytes: incompressible. */
        RANDOM,
        /** Repetitive text: compresses well. */
        TEXT,
        /** Half random, half text. */
        MIXED,
        /** All zeros, stored explicitly (a written zero block, not a hole). */
        ZERO,
        /** Exact bytes given by the test (shorter data is zero-padded to the block size). */
        EXACT
    }

    /** Validates. */
    public BlockContent {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.EXACT) {
            Objects.requireNonNull(data, "data");
            data = data.clone();
        }
    }

    /** Random, incompressible bytes from {@code seed}. */
    public static BlockContent random(long seed) {
        return new BlockContent(Kind.RANDOM, seed, null);
    }

    /** Compressible text from {@code seed}. */
    public static BlockContent text(long seed) {
        return new BlockContent(Kind.TEXT, seed, null);
    }

    /** Half random, half text. */
    public static BlockContent mixed(long seed) {
        return new BlockContent(Kind.MIXED, seed, null);
    }

    /** An explicit all-zero block. */
    public static BlockContent zero() {
        return new BlockContent(Kind.ZERO, 0, null);
    }

    /** Exactly these bytes (zero-padded to the block size). */
    public static BlockContent exact(byte[] data) {
        return new BlockContent(Kind.EXACT, 0, data);
    }

    /** The bytes of a block of {@code blockSize}. */
    public byte[] bytes(int blockSize) {
        byte[] b = new byte[blockSize];
        switch (kind) {
            case ZERO -> { }
            case EXACT -> System.arraycopy(data, 0, b, 0, Math.min(data.length, blockSize));
            case RANDOM -> new SplittableRandom(seed).nextBytes(b);
            case TEXT -> text(b, 0, blockSize, seed);
            case MIXED -> {
                byte[] r = new byte[blockSize / 2];
                new SplittableRandom(seed).nextBytes(r);
                System.arraycopy(r, 0, b, 0, r.length);
                text(b, r.length, blockSize - r.length, seed);
            }
        }
        return b;
    }

    private static final byte[][] WORDS = java.util.stream.Stream.of("longhorn ", "backup ", "volume ", "replica ",
            "snapshot ", "engine ", "restore ", "block ", "kubernetes ", "persistent ", "claim ", "cluster\n")
            .map(w -> w.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    private static void text(byte[] b, int from, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int i = from;
        int end = from + len;
        while (i < end) {
            byte[] w = WORDS[r.nextInt(WORDS.length)];
            int n = Math.min(w.length, end - i);
            System.arraycopy(w, 0, b, i, n);
            i += n;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockContent c && c.kind == kind && c.seed == seed && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, seed, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.ZERO || kind == Kind.EXACT ? "" : "(" + seed + ")");
    }
}

package io.drkit.s3;

import io.drkit.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One of {@code count} disjoint parts of a store's volumes, so that a large store can be verified by several
 * processes at once (a Kubernetes Indexed Job, one shard per pod): volume {@code v} belongs to shard
 * {@code SHA-256(UTF-8 bytes of v)}, first 8 bytes as an unsigned big-endian number, modulo {@code count}. The
 * assignment depends on the name alone, never on listing order, {@link String#hashCode()} or the JVM, so it is the
 * same on every run and every machine; the shards of one count are disjoint and together hold every volume.
 *
 * @param index this shard, from 0 to {@code count - 1}
 * @param count the number of shards, 1 to {@value #MAX_COUNT}
 */
public record VerifyShard(int index, int count) {
    /** The most shards a store can be split into. */
    public static final int MAX_COUNT = 10_000;

    /** Validates. */
    public VerifyShard {
        if (count < 1 || count > MAX_COUNT) {
            throw new InvalidInputException("shard count must be 1 to " + MAX_COUNT + ", not " + count);
        }
        if (index < 0 || index >= count) {
            throw new InvalidInputException("shard index must be 0 to " + (count - 1) + " for " + count + " shards, not "
                    + index);
        }
    }

    /** Shard {@code index} of {@code count}. */
    public static VerifyShard of(int index, int count) {
        return new VerifyShard(index, count);
    }

    /** The single shard holding every volume ({@code 0/1}). */
    public static VerifyShard all() {
        return new VerifyShard(0, 1);
    }

    /**
     * Parses {@code I/N} ({@code 0/3}, {@code 2/3}).
     *
     * @throws InvalidInputException naming the text when it is not two numbers with {@code 0 <= I < N}
     */
    public static VerifyShard parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new InvalidInputException("a shard is INDEX/COUNT (e.g. 0/3), not '" + text + "'");
        }
        try {
            return new VerifyShard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("a shard is INDEX/COUNT with two numbers (e.g. 0/3), not '" + text + "'", e);
        }
    }

    /** The shard (of {@code count}) that holds {@code volumeName}. */
    public static int shardOf(String volumeName, int count) {
        if (count < 1) {
            throw new InvalidInputException("shard count must be at least 1, not " + count);
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(volumeName.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest).getLong(), count);
    }

    /** Whether this shard holds {@code volumeName}. */
    public boolean contains(String volumeName) {
        return count == 1 || shardOf(volumeName, count) == index;
    }

    /** {@code I/N}. */
    @Override
    public String toString() {
        return index + "/" + count;
    }
}

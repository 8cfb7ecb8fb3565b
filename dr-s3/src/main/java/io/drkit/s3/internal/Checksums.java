package io.drkit.s3.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Block checksums as bytes: Longhorn names a block by the first 64 hex digits (32 bytes) of the SHA-512 of its
 * uncompressed content. Comparing and storing them as bytes keeps verification cheap; the hex form only appears in
 * keys and messages. Also knows the checksum of an all-zero block, whose content therefore needs no download.
 */
public final class Checksums {
    /** Bytes in a block checksum (64 hex digits). */
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();
    private static final Map<Integer, byte[]> ZERO = new ConcurrentHashMap<>();

    private Checksums() {
    }

    /** Whether {@code s} is 64 lower-case hex digits, the only form Longhorn writes. */
    public static boolean isValid(String s) {
        if (s == null || s.length() != 2 * LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The 32 bytes of a valid checksum. */
    public static byte[] parse(String hex) {
        return HEX.parseHex(hex);
    }

    /** The hex form of 32 checksum bytes at {@code off}. */
    public static String hex(byte[] b, int off) {
        return HEX.formatHex(b, off, off + LENGTH);
    }

    /**
     * The checksum of an all-zero block of {@code blockSize} bytes (computed once per size, from a small buffer: no
     * block-sized allocation outside the workers' budget).
     */
    public static byte[] zeroBlock(int blockSize) {
        return ZERO.computeIfAbsent(blockSize, n -> {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-512");
                byte[] zeros = new byte[64 << 10];
                for (long done = 0; done < n; done += zeros.length) {
                    md.update(zeros, 0, (int) Math.min(zeros.length, n - done));
                }
                return Arrays.copyOf(md.digest(), LENGTH);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-512 is missing from this JVM", e);
            }
        });
    }
}

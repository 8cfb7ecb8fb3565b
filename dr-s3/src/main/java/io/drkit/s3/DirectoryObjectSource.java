package io.drkit.s3;

import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectSource} over a local directory: an NFS or CIFS backup target mounted by the user, or a copy of
 * the bucket. Keys are paths relative to the root, with {@code /}. Entity tags are derived from size and
 * modification time (so they change when a file is rewritten). Writes go to {@code <file>.tmp.<nanos>} and are
 * renamed into place, the way Longhorn's file drivers write. Listing pages are counted as S3 would need them
 * (1,000 entries per request). Thread-safe.
 */
public final class DirectoryObjectSource implements WritableObjectSource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryObjectSource.class);
    private static final int PAGE = 1000;

    private final Path root;

    private DirectoryObjectSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** A source reading (and, through {@link WritableObjectSource}, writing) below {@code root}. */
    public static DirectoryObjectSource of(Path root) {
        return new DirectoryObjectSource(Objects.requireNonNull(root, "root"));
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    @Override
    public int list(String prefix, String delimiter, ListingVisitor visitor) {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null ? "" : delimiter;
        TreeMap<String, ObjectInfo> objects = new TreeMap<>();
        TreeSet<String> prefixes = new TreeSet<>();
        int slash = p.lastIndexOf('/');
        String startKey = slash < 0 ? "" : p.substring(0, slash + 1);
        Path start = resolveDir(startKey);
        LOG.debug("LIST {} prefix={} delimiter={}", root, p, d);
        if (Files.isDirectory(start)) {
            try {
                walk(start, startKey, p, d, objects, prefixes);
            } catch (IOException e) {
                throw new UnavailableException("listing " + start + " failed: " + e.getMessage(), e);
            }
        }
        objects.values().forEach(visitor::object);
        prefixes.forEach(visitor::commonPrefix);
        int entries = objects.size() + prefixes.size();
        return Math.max(1, (entries + PAGE - 1) / PAGE);
    }

    private void walk(Path dir, String dirKey, String prefix, String delimiter, TreeMap<String, ObjectInfo> objects,
                      TreeSet<String> prefixes) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path child : children) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(child, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            }
            String name = child.getFileName().toString();
            boolean isDir = a.isDirectory();
            String key = dirKey + name + (isDir ? "/" : "");
            if (!key.startsWith(prefix) && !(isDir && prefix.startsWith(key))) {
                continue;
            }
            if (key.startsWith(prefix) && !delimiter.isEmpty()) {
                int at = key.indexOf(delimiter, prefix.length());
                if (at >= 0) {
                    prefixes.add(key.substring(0, at + delimiter.length()));
                    continue;
                }
            }
            if (isDir) {
                walk(child, key, prefix, delimiter, objects, prefixes);
            } else if (a.isRegularFile()) {
                objects.put(key, info(key, a));
            }
        }
    }

    @Override
    public ObjectStream get(String key) {
        return getRange(key, 0, Long.MAX_VALUE);
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        Path f = resolveFile(key);
        LOG.debug("GET {} offset={} length={}", f, offset, length);
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new NotFoundException("object " + key + " not found in " + describe() + " (not a regular file)");
            }
            SeekableByteChannel ch = Files.newByteChannel(f, StandardOpenOption.READ);
            long start = Math.min(Math.max(0, offset), a.size());
            ch.position(start);
            long n = Math.min(length, a.size() - start);
            InputStream in = new BoundedInputStream(Channels.newInputStream(ch), n);
            return new ObjectStream(in, info(key, a), start);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("object " + key + " not found in " + describe(), e);
        } catch (IOException e) {
            throw new UnavailableException("reading " + f + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path f = resolveFile(key);
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(info(key, a)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UnavailableException("reading attributes of " + f + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ObjectInfo put(String key, byte[] data) {
        return write(key, tmp -> Files.write(tmp, data));
    }

    @Override
    public ObjectInfo put(String key, Path file) {
        return write(key, tmp -> Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    private ObjectInfo write(String key, Writer w) {
        Path f = resolveFile(key);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp." + System.nanoTime());
        try {
            Files.createDirectories(f.getParent());
            w.write(tmp);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            return info(key, Files.readAttributes(f, BasicFileAttributes.class));
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            throw new UnavailableException("writing " + f + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) {
        Path f = resolveFile(key);
        try {
            Files.deleteIfExists(f);
            // like Longhorn's file drivers: remove parent directories that became empty, up to the root
            Path dir = f.getParent();
            while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    if (ds.iterator().hasNext()) {
                        break;
                    }
                }
                Files.deleteIfExists(dir);
                dir = dir.getParent();
            }
        } catch (IOException e) {
            throw new UnavailableException("deleting " + f + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String toString() {
        return describe();
    }

    private static ObjectInfo info(String key, BasicFileAttributes a) {
        long nanos = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        String etag = Long.toHexString(a.size()) + "-" + Long.toHexString(nanos);
        return new ObjectInfo(key, a.size(), etag, Instant.ofEpochSecond(0, 0).plusNanos(nanos));
    }

    private Path resolveDir(String key) {
        return key.isEmpty() ? root : resolveFile(key.substring(0, key.length() - 1));
    }

    private Path resolveFile(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/")) {
            throw new InvalidInputException("invalid object key '" + key + "' for " + describe());
        }
        Path f = root.resolve(key).normalize();
        if (!f.startsWith(root) || f.equals(root)) {
            throw new InvalidInputException("object key '" + key + "' leaves " + describe());
        }
        if (Files.isSymbolicLink(f) && !Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotFoundException("object " + key + " is a dangling link in " + describe());
        }
        return f;
    }

    /** Limits a stream to {@code remaining} bytes. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, remaining));
            remaining -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }
    }
}

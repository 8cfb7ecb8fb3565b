package io.drkit.s3;

import io.drkit.core.InvalidBackupDataException;
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
 *
 * <p>Symbolic links never lead out of the store: an entry whose real path is outside the root, or that is a link
 * loop, is not listed (the listing reports it through {@link ListingVisitor#unreadable}), not read (it is
 * {@linkplain NotFoundException not found}: a block is then reported missing), never written through and never
 * deleted. Links that stay inside the root are followed (a directory once per listing). A key with a path component
 * longer than 255 bytes (the file-name limit of Linux file systems) is {@link InvalidInputException}.
 */
public final class DirectoryObjectSource implements WritableObjectSource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryObjectSource.class);
    private static final int PAGE = 1000;
    /** The longest file name Linux file systems allow (NAME_MAX), in bytes. */
    static final int MAX_NAME_BYTES = 255;

    private final Path root;
    private volatile Path realRoot;

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
        TreeMap<String, String> unreadable = new TreeMap<>();
        Optional<Path> realStart = startKey.isEmpty() ? realRoot() : realDirectory(start, startKey, unreadable);
        if (realStart.isPresent()) {
            try {
                walk(realStart.get(), startKey, p, d, objects, prefixes, unreadable, new java.util.HashSet<>());
            } catch (IOException e) {
                throw new UnavailableException("listing " + start + " failed: " + e.getMessage(), e);
            }
        }
        objects.values().forEach(visitor::object);
        prefixes.forEach(visitor::commonPrefix);
        unreadable.forEach((key, why) -> {
            if (key.startsWith(p) || p.startsWith(key)) {
                visitor.unreadable(key, why);
            }
        });
        int entries = objects.size() + prefixes.size() + unreadable.size();
        return Math.max(1, (entries + PAGE - 1) / PAGE);
    }

    private void walk(Path dir, String dirKey, String prefix, String delimiter, TreeMap<String, ObjectInfo> objects,
                      TreeSet<String> prefixes, TreeMap<String, String> unreadable, java.util.Set<Path> visited)
            throws IOException {
        if (!visited.add(dir)) {
            unreadable.put(dirKey, "a symbolic link leads back to a directory already listed (a cycle); not followed");
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path child : children) {
            BasicFileAttributes a;
            Path real = child;
            String name = child.getFileName().toString();
            try {
                a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    Optional<Path> target = followInside(child, dirKey + name, unreadable);
                    if (target.isEmpty()) {
                        continue;
                    }
                    real = target.get();
                    a = Files.readAttributes(real, BasicFileAttributes.class);
                }
            } catch (NoSuchFileException e) {
                continue;
            }
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
                walk(real, key, prefix, delimiter, objects, prefixes, unreadable, visited);
            } else if (a.isRegularFile()) {
                objects.put(key, info(key, a));
            }
        }
    }

    /**
     * The real path of a symbolic link inside the store; empty (and reported in {@code unreadable}) for a loop, a
     * link out of the store, or a dangling link (not reported: it names nothing).
     */
    private Optional<Path> followInside(Path link, String key, TreeMap<String, String> unreadable) throws IOException {
        Path real;
        try {
            real = link.toRealPath();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.file.FileSystemException e) {
            if (isLinkLoop(e)) {
                unreadable.put(key, "a symbolic link loop (" + e.getReason() + "); not followed");
                return Optional.empty();
            }
            throw e;
        }
        Optional<Path> inside = realRoot().filter(real::startsWith);
        if (inside.isEmpty()) {
            unreadable.put(key, "a symbolic link leading out of the store; not followed");
            return Optional.empty();
        }
        return Optional.of(real);
    }

    /** The real path of the directory a listing starts in, when it exists inside the store. */
    private Optional<Path> realDirectory(Path dir, String key, TreeMap<String, String> unreadable) {
        try {
            Path real = dir.toRealPath();
            if (realRoot().filter(real::startsWith).isEmpty()) {
                unreadable.put(key, "a symbolic link leading out of the store; not followed");
                return Optional.empty();
            }
            return Files.isDirectory(real) ? Optional.of(real) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.file.FileSystemException e) {
            if (isLinkLoop(e)) {
                unreadable.put(key, "a symbolic link loop (" + e.getReason() + "); not followed");
                return Optional.empty();
            }
            throw new UnavailableException("listing " + dir + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnavailableException("listing " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The real path of the root; empty while it does not exist. */
    private Optional<Path> realRoot() {
        Path r = realRoot;
        if (r != null) {
            return Optional.of(r);
        }
        try {
            r = root.toRealPath();
            realRoot = r;
            return Optional.of(r);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isLinkLoop(java.nio.file.FileSystemException e) {
        String why = String.valueOf(e.getReason()).toLowerCase(java.util.Locale.ROOT);
        return why.contains("symbolic link") || why.contains("eloop");
    }

    /**
     * The real path of the file or directory at {@code key}, checked to lie inside the store.
     *
     * @throws NotFoundException for a missing object, a link loop, or a link leading out of the store (not read)
     */
    private Path containedRealPath(String key, Path f) {
        Path real;
        try {
            real = f.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NotFoundException("object " + key + " not found in " + describe(), e);
        } catch (java.nio.file.FileSystemException e) {
            if (isLinkLoop(e)) {
                throw new NotFoundException("object " + key + " is reached through a symbolic link loop in " + describe()
                        + "; not read", e);
            }
            throw new UnavailableException("reading " + f + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnavailableException("reading " + f + " failed: " + e.getMessage(), e);
        }
        if (realRoot().filter(real::startsWith).isEmpty()) {
            throw new NotFoundException("object " + key + " is a symbolic link leading out of " + describe()
                    + "; not read");
        }
        return real;
    }

    @Override
    public ObjectStream get(String key) {
        return getRange(key, 0, Long.MAX_VALUE);
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        Path f = resolveFile(key);
        LOG.debug("GET {} offset={} length={}", f, offset, length);
        Path real = containedRealPath(key, f);
        try {
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw new NotFoundException("object " + key + " not found in " + describe() + " (not a regular file)");
            }
            SeekableByteChannel ch = Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
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
        Path real;
        try {
            real = containedRealPath(key, f);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
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
            createDirectoriesInside(key, f.getParent());
            if (Files.isSymbolicLink(f)) {
                throw new InvalidBackupDataException(key, "refusing to replace a symbolic link dr-s3 did not create in "
                        + describe());
            }
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
            if (!Files.exists(f.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            requireInside(key, f.getParent());
            if (Files.isSymbolicLink(f)) {
                throw new InvalidBackupDataException(key, "a symbolic link dr-s3 did not create in " + describe()
                        + ": not deleted");
            }
            Files.deleteIfExists(f);
            // like Longhorn's file drivers: remove parent directories that became empty, up to the root (never a link)
            Path dir = f.getParent();
            while (dir != null && dir.startsWith(root) && !dir.equals(root) && !Files.isSymbolicLink(dir)) {
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

    /**
     * Creates {@code dir} and its missing parents, after checking that the deepest existing one lies inside the store
     * (so that no directory is created, and nothing written, through a link leading out of it).
     */
    private void createDirectoriesInside(String key, Path dir) throws IOException {
        if (!Files.exists(root)) {
            Files.createDirectories(root); // a new store: its root is where the caller said, wherever that leads
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            requireInside(key, existing);
        }
        Files.createDirectories(dir);
        requireInside(key, dir);
    }

    /** Refuses a write or delete whose directory is reached through a symbolic link leading out of the store. */
    private void requireInside(String key, Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (java.nio.file.FileSystemException e) {
            if (isLinkLoop(e)) {
                throw new InvalidBackupDataException(key, "reached through a symbolic link loop in " + describe()
                        + ": refusing to write or delete there", e);
            }
            throw new UnavailableException("resolving " + dir + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnavailableException("resolving " + dir + " failed: " + e.getMessage(), e);
        }
        Path r = realRoot().orElse(root);
        if (!real.startsWith(r)) {
            throw new InvalidBackupDataException(key, "reached through a symbolic link leading out of " + describe()
                    + ": refusing to write or delete there");
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
        for (String part : key.split("/")) {
            int bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw new InvalidInputException("object key '" + key.substring(0, Math.min(key.length(), 120))
                        + "...' has a name of " + bytes + " bytes; file systems allow at most " + MAX_NAME_BYTES);
            }
        }
        Path f = root.resolve(key).normalize();
        if (!f.startsWith(root) || f.equals(root)) {
            throw new InvalidInputException("object key '" + key + "' leaves " + describe());
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

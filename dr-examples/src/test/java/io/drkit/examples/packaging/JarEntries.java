package io.drkit.examples.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the files a jar, or the class directory that stands for it before {@code package}, contains. Directory entries
 * are left out: an empty package directory left in {@code target/classes} by an earlier build (before a move) is no code.
 */
final class JarEntries {
    private JarEntries() {
    }

    /** The file entry names of {@code jarOrDirectory} ({@code a/b/C.class}, {@code META-INF/MANIFEST.MF}). */
    static List<String> of(Path jarOrDirectory) {
        try {
            if (Files.isDirectory(jarOrDirectory)) {
                try (Stream<Path> files = Files.walk(jarOrDirectory)) {
                    return files.filter(Files::isRegularFile)
                            .map(p -> jarOrDirectory.relativize(p).toString().replace('\\', '/')).toList();
                }
            }
            try (JarFile jar = new JarFile(jarOrDirectory.toFile())) {
                return jar.stream().filter(e -> !e.isDirectory()).map(e -> e.getName()).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jarOrDirectory, e);
        }
    }

    /** Where {@code type} was loaded from: its module's jar, or its {@code target/classes} directory. */
    static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entries of {@code entries} that start with one of {@code prefixes} or contain one of {@code parts}. */
    static List<String> matching(Collection<String> entries, List<String> prefixes, List<String> parts) {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            if (prefixes.stream().anyMatch(e::startsWith) || parts.stream().anyMatch(e::contains)) {
                out.add(e);
            }
        }
        return out;
    }
}

package io.drkit.examples.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the work directories of the drill and the benchmarks. */
public final class Trees {
    private Trees() {
    }

    /**
     * Deletes {@code root} and everything below it, deepest first; files that cannot be deleted are left. Nothing
     * happens when {@code root} does not exist.
     *
     * @throws IOException when the tree cannot be walked
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

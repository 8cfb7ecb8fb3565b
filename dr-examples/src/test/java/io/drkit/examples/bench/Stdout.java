package io.drkit.examples.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a benchmark's {@code main} prints: runs it with standard output captured, for the benchmarks' smoke tests. */
final class Stdout {
    private Stdout() {
    }

    /** A benchmark's {@code main} call. */
    @FunctionalInterface
    interface Main {
        /** Runs it. */
        void run() throws Exception;
    }

    /** Runs {@code main} and returns what it printed on standard output (UTF-8); standard output is restored. */
    static String of(Main main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package io.drkit.examples.bench;

import io.drkit.examples.drill.HomelabStore;
import io.drkit.examples.support.Trees;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark of the {@code dr} CLI's latency as an operator sees it: whole-process wall time of {@code dr --help},
 * {@code dr volumes --help} (both printed by {@code DrMain} from the pages recorded at build time, through the jar's
 * Main-Class as the {@code dr} launcher runs it) and {@code dr volumes} on the drill's store ({@link HomelabStore}, a directory store), each run as a fresh JVM, N runs
 * per variant after a warm-up, variants interleaved run by run (A B C A B C ...) so that a drifting machine affects
 * them alike; median, minimum and maximum, and the classes each command loads (total, and how many came from a
 * class-data-sharing archive), counted with {@code -Xlog:class+load}. Variants:
 * <ol>
 *   <li>no archive of dr's own: the JDK's default CDS of its own classes ({@code -Xshare:auto});</li>
 *   <li>with the archive the build makes ({@code -XX:SharedArchiveFile=dr-examples/target/dr.jsa});</li>
 *   <li>the archive plus the client-style JIT and GC a short command needs ({@code -XX:TieredStopAtLevel=1
 *       -XX:+UseSerialGC}).</li>
 * </ol>
 *
 * <p>Not a test: prints a Markdown table. Usage (defaults in brackets): {@code CliLatencyBenchmark
 * [--jar dr-examples/target/dr.jar] [--jsa <jar's directory>/dr.jsa] [--runs 10]}.
 */
public final class CliLatencyBenchmark {
    private CliLatencyBenchmark() {
    }

    /** A way to start the JVM. */
    private record Variant(String name, List<String> jvmArgs) {
    }

    /** Entry point. */
    public static void main(String... args) throws Exception {
        Path jar = Path.of(stringArg(args, "--jar", "dr-examples/target/dr.jar")).toAbsolutePath();
        Path jsa = Path.of(stringArg(args, "--jsa", jar.resolveSibling("dr.jsa").toString())).toAbsolutePath();
        int runs = Integer.parseInt(stringArg(args, "--runs", "10"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " does not exist: build it first (./mvnw -B -o -q package -DskipTests)");
        }
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("no dr archive (JDK default CDS)", List.of("-Xshare:auto")));
        if (Files.isRegularFile(jsa)) {
            variants.add(new Variant("dr.jsa", List.of("-XX:SharedArchiveFile=" + jsa, "-Xshare:auto")));
            variants.add(new Variant("dr.jsa + C1 only + Serial GC", List.of("-XX:SharedArchiveFile=" + jsa,
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")));
        } else {
            System.out.println("(no archive at " + jsa + ": only the first variant is measured)");
        }
        Path work = Files.createTempDirectory("drkit-cli-latency");
        try {
            Path store = work.resolve("store");
            HomelabStore.writeDirectory(store);
            Map<String, List<String>> commands = new LinkedHashMap<>();
            commands.put("dr --help", List.of("--help"));
            commands.put("dr volumes --help", List.of("volumes", "--help"));
            commands.put("dr volumes (the drill's store)", List.of("volumes", "--backupstore", store.toString()));
            System.out.printf(Locale.ROOT, "# dr CLI latency: %d runs per variant after 1 warm-up, %d cores, Java %s, "
                            + "jar %d MB%n%n", runs, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), Files.size(jar) / 1_000_000);
            System.out.println("| command | JVM | median wall | min | max | vs no archive | classes loaded "
                    + "(from an archive) |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                List<List<Double>> times = new ArrayList<>();
                variants.forEach(v -> times.add(new ArrayList<>()));
                for (int r = -1; r < runs; r++) {
                    for (int i = 0; i < variants.size(); i++) {
                        double s = run(jar, variants.get(i).jvmArgs(), c.getValue(), null);
                        if (r >= 0) {
                            times.get(i).add(s);
                        }
                    }
                }
                double base = median(times.get(0));
                for (int i = 0; i < variants.size(); i++) {
                    Path log = work.resolve("classes-" + i + ".log");
                    run(jar, variants.get(i).jvmArgs(), c.getValue(), log);
                    long[] classes = classes(log);
                    List<Double> t = times.get(i);
                    System.out.printf(Locale.ROOT, "| `%s` | %s | %.3f s | %.3f | %.3f | %.2f | %d (%d) |%n", c.getKey(),
                            variants.get(i).name(), median(t), t.stream().mapToDouble(Double::doubleValue).min()
                                    .orElse(0), t.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                            median(t) / base, classes[0], classes[1]);
                }
            }
            System.out.printf(Locale.ROOT, "%nRerun: java -cp dr-examples/target/dr-examples.jar %s --jar %s --jsa %s --runs %d%n",
                    CliLatencyBenchmark.class.getName(), jar, jsa, runs);
        } finally {
            Trees.delete(work);
        }
    }

    /** Runs {@code java <jvmArgs> -jar jar <args>} once; the wall seconds. With {@code classLog}, logs class loading. */
    private static double run(Path jar, List<String> jvmArgs, List<String> args, Path classLog) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        if (classLog != null) {
            cmd.add("-Xlog:class+load=info:file=" + classLog);
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null"));
        long t = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not end within 120 s");
        }
        double s = (System.nanoTime() - t) / 1e9;
        if (p.exitValue() != 0 && !args.contains("--help")) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
        }
        return s;
    }

    /** Classes loaded, and of those how many from a shared archive, from an {@code -Xlog:class+load} file. */
    private static long[] classes(Path log) throws Exception {
        long total = 0;
        long shared = 0;
        try (Stream<String> lines = Files.lines(log)) {
            for (String l : (Iterable<String>) lines::iterator) {
                if (l.contains("source:")) {
                    total++;
                    if (l.contains("shared objects file")) {
                        shared++;
                    }
                }
            }
        }
        return new long[] {total, shared};
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    private static String stringArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}

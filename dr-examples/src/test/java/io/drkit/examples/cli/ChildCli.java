package io.drkit.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code dr} commands the way {@code java -jar dr.jar} does ({@link DrCli#runProcess}), in a child JVM with its
 * own heap limit, environment and log level, and captures everything it writes to standard output and error (log
 * lines included).
 */
final class ChildCli {
    /** What one child JVM printed, and the exit code of each command it ran. */
    record Result(List<Integer> exitCodes, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exits " + exitCodes + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    private ChildCli() {
    }

    /**
     * Runs each command line in {@code commands} in one child JVM, in order.
     *
     * @param jvmArgs extra JVM options ({@code -Xmx256m}, {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug})
     * @param env     the child's environment (replaces the inherited one, except PATH and HOME)
     */
    static Result run(Path work, List<String> jvmArgs, Map<String, String> env, List<List<String>> commands)
            throws IOException, InterruptedException {
        Path script = work.resolve("commands-" + System.nanoTime() + ".txt");
        List<String> lines = new ArrayList<>();
        for (List<String> c : commands) {
            lines.add(String.join("\t", c));
        }
        Files.write(script, lines, StandardCharsets.UTF_8);
        Path out = work.resolve(script.getFileName() + ".out");
        Path err = work.resolve(script.getFileName() + ".err");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(ChildCli.class.getName());
        cmd.add(script.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> e = pb.environment();
        String path = e.get("PATH");
        String home = e.get("HOME");
        e.clear();
        if (path != null) {
            e.put("PATH", path);
        }
        if (home != null) {
            e.put("HOME", home);
        }
        e.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("child JVM did not finish");
        }
        String o = Files.readString(out, StandardCharsets.UTF_8);
        List<Integer> codes = new ArrayList<>();
        o.lines().filter(l -> l.startsWith("### exit ")).forEach(l -> codes.add(Integer.parseInt(l.substring(9))));
        return new Result(codes, o, Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** The child: runs every tab-separated command line of the file {@code args[0]}. */
    public static void main(String... args) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String[] argv = line.isEmpty() ? new String[0] : line.split("\t", -1);
            System.out.println("### command " + n++); // never the arguments: they carry the planted secrets
            int code;
            try {
                code = DrCli.runProcess(argv);
            } catch (Throwable t) {
                t.printStackTrace();
                code = -1;
            }
            System.out.flush();
            System.out.println("### exit " + code);
        }
        System.out.flush();
        System.err.flush();
    }
}

package io.drkit.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dr serve-nbd} in a child JVM (the test class path), as a user runs it: so that it can be stopped with real
 * signals and run with its own heap limit. Its standard output is scanned for the NBD URI; both streams are kept.
 */
final class ServeNbdProcess implements AutoCloseable {
    private static final Pattern URI = Pattern.compile("(nbd://[^\\s\"]+)");

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final BlockingQueue<String> uri = new LinkedBlockingQueue<>();
    private final Thread outPump;
    private final Thread errPump;

    private ServeNbdProcess(Process process) {
        this.process = process;
        this.outPump = pump(process.getInputStream(), out, true);
        this.errPump = pump(process.getErrorStream(), err, false);
    }

    /** Starts {@code java [jvmArgs] DrCli serve-nbd [args]} with extra environment variables. */
    static ServeNbdProcess start(List<String> jvmArgs, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DrCli.class.getName());
        cmd.add("serve-nbd");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        try {
            return new ServeNbdProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Thread pump(InputStream in, StringBuffer sink, boolean scan) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.append(line).append('\n');
                    Matcher m = URI.matcher(line);
                    if (scan && (line.contains(" on nbd://") || line.contains("\"uri\":\"nbd://")) && m.find()) {
                        uri.add(m.group(1));
                    }
                }
            } catch (IOException e) {
                sink.append("(stream failed: ").append(e).append(")\n");
            }
            if (scan) {
                uri.add(""); // the process ended (before serving, if no URI came first)
            }
        }, "serve-nbd-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The URI the server announced; fails with its output if it ended without serving. */
    String awaitUri() throws InterruptedException {
        String u = uri.poll(120, TimeUnit.SECONDS);
        if (u == null || u.isEmpty()) {
            throw new AssertionError("dr serve-nbd did not start serving:\n" + this);
        }
        return u;
    }

    /** Sends {@code signal} (INT, TERM) and returns the exit code. */
    int stop(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " failed");
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("dr serve-nbd did not stop on SIG" + signal + ":\n" + this);
        }
        return process.exitValue();
    }

    /** Waits for the process to end on its own; returns the exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError("dr serve-nbd did not end:\n" + this);
        }
        return process.exitValue();
    }

    /** Standard output: all of it once the process has ended. */
    String out() throws InterruptedException {
        if (!process.isAlive()) {
            outPump.join(30_000);
        }
        return out.toString();
    }

    /** Standard error: all of it once the process has ended. */
    String err() throws InterruptedException {
        if (!process.isAlive()) {
            errPump.join(30_000);
        }
        return err.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "--- stdout\n" + out + "--- stderr\n" + err;
    }
}

package io.drkit.s3.testing;

import io.drkit.core.DrTimeoutException;
import io.drkit.core.UnavailableException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The NBD clients from Debian that the NBD server is tested against ({@code nbdcopy}, {@code nbdinfo} from
 * {@code libnbd-bin}; {@code qemu-img} from {@code qemu-utils}): whether they are installed, and running them with a
 * time limit. Tests skip when a tool is missing, unless {@value #REQUIRE_ENV}{@code =1} is set (as CI does), in which
 * case they fail.
 */
public final class NbdTools {
    /** The environment variable that turns a missing tool from a skip into a failure. */
    public static final String REQUIRE_ENV = "DRKIT_REQUIRE_NBD_TOOLS";
    /** How to install them on Debian or Ubuntu. */
    public static final String INSTALL = "apt-get install -y libnbd-bin qemu-utils";

    /** The result of running a tool. */
    public record Result(int exitCode, String output) {
    }

    private NbdTools() {
    }

    /** The executable {@code tool} on the {@code PATH}, if any. */
    public static Optional<Path> find(String tool) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A message naming the tools that are not installed and how to install them, or empty when all are. */
    public static Optional<String> missing(String... tools) {
        List<String> absent = new ArrayList<>();
        for (String t : tools) {
            if (find(t).isEmpty()) {
                absent.add(t);
            }
        }
        if (absent.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", absent) + " not installed (" + INSTALL + "); set " + REQUIRE_ENV
                + "=1 to make this a failure instead of a skip");
    }

    /** Whether a missing tool must fail the test ({@value #REQUIRE_ENV}{@code =1}). */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /**
     * Runs {@code command} with stdout and stderr merged, waiting up to {@code timeout}.
     *
     * @throws DrTimeoutException  when it runs longer (it is killed)
     * @throws UnavailableException when it cannot be started
     */
    public static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), command);
    }

    /** {@link #run(Duration, String...)} with extra environment variables. */
    public static Result run(Duration timeout, Map<String, String> env, String... command) {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            p = pb.start();
        } catch (IOException e) {
            throw new UnavailableException("cannot run " + command[0] + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new DrTimeoutException(String.join(" ", command) + " did not finish within " + timeout, timeout);
            }
            return new Result(p.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new io.drkit.core.CancelledException("waiting for " + command[0] + " was interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Result(p.exitValue(), "(output lost: " + e + ")");
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            byte[] b = in.readNBytes(1 << 20); // enough for any tool's messages; the rest is discarded
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}

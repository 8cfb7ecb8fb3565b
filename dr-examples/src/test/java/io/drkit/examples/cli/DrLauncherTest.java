package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dr} launcher script the build puts next to {@code dr.jar} ({@code target/dr}, from {@code src/main/sh/dr}):
 * it runs the jar next to it (through a symbolic link too) and uses {@code dr.jsa} only when it exists.
 */
class DrLauncherTest {
    /** Where the build copies the launcher (process-resources, before the tests). */
    private static final Path LAUNCHER = Path.of("target", "dr");

    @TempDir
    Path dir;

    private record Run(int exit, String out) {
    }

    private Path install(Path into) throws IOException {
        Files.createDirectories(into);
        Path dr = into.resolve("dr");
        Files.copy(LAUNCHER, dr, StandardCopyOption.COPY_ATTRIBUTES);
        return dr;
    }

    private static Run run(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("DR_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theBuildInstallsAnExecutableLauncher() {
        assertThat(LAUNCHER).isRegularFile();
        assertThat(Files.isExecutable(LAUNCHER)).isTrue();
    }

    @Test
    void runsTheJarNextToItWithTheSharingArchiveOnlyWhenItExists() throws Exception {
        Path bin = install(dir.resolve("target"));
        Path jar = Files.createFile(dir.resolve("target/dr.jar"));
        Path jdk = dir.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Path fakeJava = Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());
        String real = jar.toRealPath().toString();

        Run plain = run(bin, env, "--version");
        assertThat(plain.exit()).as(plain.out()).isZero();
        assertThat(plain.out().lines()).containsExactly("-jar", real, "--version");

        Path jsa = Files.createFile(dir.resolve("target/dr.jsa"));
        Run cds = run(bin, env, "volumes", "--backupstore", "a dir");
        assertThat(cds.out().lines()).containsExactly("-XX:SharedArchiveFile=" + jsa.toRealPath(), "-Xshare:auto", "-jar",
                real, "volumes", "--backupstore", "a dir");

        Path link = Files.createDirectories(dir.resolve("bin")).resolve("dr");
        Files.createSymbolicLink(link, bin);
        assertThat(run(link, env, "--help").out().lines()).contains(real);
    }

    @Test
    void saysWhatIsMissingWithoutTheJar() throws Exception {
        Run r = run(install(dir.resolve("empty")), Map.of(), "--version");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("dr.jar is missing");
    }

    @Test
    void startsTheCliFromTheJarNextToIt() throws Exception {
        Path bin = install(dir.resolve("target"));
        writeLauncherJar(dir.resolve("target/dr.jar"));
        Files.write(dir.resolve("target/dr.jsa"), new byte[] {1, 2, 3}); // not an archive: the JVM goes on without it

        Run version = run(bin, Map.of("JAVA_HOME", System.getProperty("java.home")), "--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("dr (drkit)");
        Run help = run(bin, Map.of("JAVA_HOME", System.getProperty("java.home")), "--help");
        assertThat(help.exit()).as(help.out()).isZero();
        assertThat(help.out()).startsWith("Usage: dr").contains("completion");
    }

    /** A jar that starts {@link DrMain} with the test class path (what the shaded {@code dr.jar} holds itself). */
    private static void writeLauncherJar(Path jar) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String classPath = List.of(cp.split(File.pathSeparator)).stream().filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toUri().toString()).collect(Collectors.joining(" "));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, DrMain.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }
}

package io.drkit.examples.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two executable jars of dr-examples, listed after {@code package} built them (this runs in the surefire execution
 * {@code jar-entries}, bound to {@code package} after the shade and assembly plugins): the production {@code dr.jar}
 * (CLI and restore Job, the image's jar) carries no test server, mock server, simulator or fixture; the examples jar
 * {@code dr-examples.jar} carries the drill and everything it runs. Outside that execution (say, {@code -Dtest=} in the
 * {@code test} phase, before the jars exist) it is disabled.
 */
@EnabledIfSystemProperty(named = "drkit.productionJar", matches = ".+")
class ProductionJarIT {
    /** Packages of test servers, mock servers and what only they pull in. */
    private static final List<String> TEST_SERVER_PREFIXES = List.of(
            "org/gaul/",                               // S3Proxy (with its shaded Jetty and jclouds)
            "org/eclipse/jetty/",                      // Jetty
            "org/jclouds/",                            // jclouds (S3Proxy's blob stores)
            "jakarta/servlet/",                        // servlet API, for S3Proxy's Jetty
            "com/github/tomakehurst/wiremock/", "org/wiremock/", "wiremock/", // WireMock
            "io/fabric8/mockwebserver/",               // fabric8 mock web server
            "io/fabric8/kubernetes/client/server/mock/", // fabric8 Kubernetes mock server
            "io/vertx/",                               // Vert.x, under the mock server
            "io/netty/",                               // Netty, under Vert.x
            "org/junit/", "org/assertj/",              // test frameworks
            "io/drkit/examples/drill/",                // the drill
            "io/drkit/examples/bench/",                // the benchmarks
            "io/drkit/examples/support/InProcessKubernetes"); // the in-process Kubernetes API of the drill
    /** Test fixtures (io.drkit.*.testing: writers, embedded servers, simulators). */
    private static final List<String> FIXTURE_PARTS = List.of("/testing/");

    private static Path jar(String property) {
        String path = System.getProperty(property);
        assertThat(path).as("system property " + property + " (set by the jar-entries execution in pom.xml)").isNotNull();
        Path jar = Path.of(path);
        assertThat(jar).as("built by package").isRegularFile();
        return jar;
    }

    @Test
    void theProductionJarCarriesNoTestServerSimulatorOrFixture() {
        List<String> entries = JarEntries.of(jar("drkit.productionJar"));

        assertThat(entries).contains("io/drkit/examples/cli/DrCli.class", "io/drkit/examples/cli/DrMain.class",
                "io/drkit/examples/cli/help/index.tsv", "io/drkit/examples/job/RestoreJob.class",
                "io/drkit/s3/BackupstoreLayout.class", "io/drkit/kubernetes/KubernetesVolumeBinder.class",
                "io/drkit/longhorn/LonghornBackupCatalog.class", "io/drkit/core/DrException.class");
        assertThat(JarEntries.matching(entries, TEST_SERVER_PREFIXES, FIXTURE_PARTS)).as("test code in dr.jar").isEmpty();
    }

    @Test
    void theProductionJarRunsTheCliAndNamesTheExamplesJarForTheDrill(@TempDir Path work) throws Exception {
        Path jar = jar("drkit.productionJar");
        assertThat(mainClass(jar)).isEqualTo("io.drkit.examples.cli.DrMain");

        Run help = java(work, "-jar", jar.toString(), "--help");
        Run drill = java(work, "-jar", jar.toString(), "drill");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("drill", "restore", "backups");
        assertThat(drill.exit()).as(drill.output()).isEqualTo(2);
        assertThat(drill.output()).contains("dr-examples/target/dr-examples.jar").doesNotContain("Exception");
    }

    @Test
    void helpFromTheJarsRecordedPagesReadsExactlyLikeTheCliBuildingItsCommandTree(@TempDir Path work) throws Exception {
        Path jar = jar("drkit.productionJar");
        List<List<String>> requests = List.of(List.of(), List.of("--help"), List.of("help", "volumes"),
                List.of("policy", "apply", "-h"), List.of("--version"));

        for (List<String> request : requests) {
            List<String> fast = new ArrayList<>(List.of("-jar", jar.toString()));
            fast.addAll(request);
            List<String> full = new ArrayList<>(List.of("-cp", jar.toString(), "io.drkit.examples.cli.DrCli"));
            full.addAll(request);
            // a picocli.* system property makes DrMain leave the request to the CLI (it could print differently)
            List<String> fallback = new ArrayList<>(List.of("-Dpicocli.usage.width=80", "-jar", jar.toString()));
            fallback.addAll(request);

            Run page = java(work, fast.toArray(String[]::new));
            Run cli = java(work, full.toArray(String[]::new));
            Run left = java(work, fallback.toArray(String[]::new));

            assertThat(page.output()).as("dr " + request).isNotBlank().isEqualTo(cli.output()).isEqualTo(left.output());
            assertThat(page.exit()).as("dr " + request).isEqualTo(cli.exit()).isEqualTo(left.exit());
        }
    }

    @Test
    void helpFromTheJarLoadsNeitherPicocliNorTheCommandTree(@TempDir Path work) throws Exception {
        Path jar = jar("drkit.productionJar");
        Path log = work.resolve("classes.log");

        Run help = java(work, "-Xlog:class+load=info:file=" + log, "-jar", jar.toString(), "volumes", "--help");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: dr volumes");
        List<String> loaded = Files.readAllLines(log);
        assertThat(loaded).anyMatch(l -> l.contains("io.drkit.examples.cli.DrMain "))
                .noneMatch(l -> l.contains(" picocli.") || l.contains("io.drkit.examples.cli.DrCli ")
                        || l.contains("io.drkit.examples.options.") || l.contains("org.slf4j."));
    }

    @Test
    void theExamplesJarCarriesTheDrillAndWhatItRuns() throws IOException {
        Path jar = jar("drkit.examplesJar");
        List<String> entries = JarEntries.of(jar);

        assertThat(mainClass(jar)).isEqualTo("io.drkit.examples.cli.DrMain");
        assertThat(entries).contains("io/drkit/examples/drill/Drill.class", "io/drkit/examples/bench/RestoreBenchmark.class",
                "io/drkit/examples/support/InProcessKubernetes.class", "io/drkit/s3/testing/EmbeddedS3Server.class",
                "io/drkit/s3/testing/BackupstoreWriter.class", "io/drkit/kubernetes/testing/SimulatedLonghorn.class",
                "io/drkit/core/testing/InMemoryBackupCatalog.class", "org/gaul/s3proxy/S3Proxy.class",
                "io/drkit/examples/cli/DrCli.class", "io/drkit/examples/job/RestoreJob.class");
        // the ServiceLoader files of every jar are merged, not overwritten by the last one
        try (JarFile j = new JarFile(jar.toFile())) {
            String slf4j = new String(j.getInputStream(j.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(slf4j).contains("org.slf4j.simple.SimpleServiceProvider");
        }
        assertThat(entries).noneMatch(e -> e.startsWith("org/junit/") || e.startsWith("org/assertj/")
                || e.startsWith("com/github/tomakehurst/wiremock/"));
    }

    @Test
    void dependenciesOfTheDrillStayOutOfTheModulesOwnJarWhichTheJibImageUses() {
        Path moduleJar = jar("drkit.moduleJar");

        List<String> entries = JarEntries.of(moduleJar);

        assertThat(entries).contains("io/drkit/examples/job/RestoreJob.class");
        assertThat(JarEntries.matching(entries, TEST_SERVER_PREFIXES, FIXTURE_PARTS)).isEmpty();
    }

    private static String mainClass(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run java(Path work, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, "run", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("java " + String.join(" ", args) + " did not end");
        }
        return new Run(p.exitValue(), Files.readString(out));
    }
}

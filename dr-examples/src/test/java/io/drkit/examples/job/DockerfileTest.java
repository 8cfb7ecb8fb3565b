package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What can be checked of {@code dr-examples/Dockerfile}, {@code .dockerignore} and the Jib configuration without
 * Docker: a JDK stage builds from source with the Maven wrapper, the final stage is a pinned Temurin 17 JRE that gets
 * only the production jar the build produces, the main class it runs exists with a {@code main}, it runs as the
 * non-root user the Job's manifest expects, and Jib builds the same image (base, user, JVM flags, main class).
 */
class DockerfileTest {
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    /** An exact Temurin 17 release tag ({@code 17.0.15_6-jre-noble}), optionally with a digest. */
    private static final Pattern PINNED_TEMURIN =
            Pattern.compile("eclipse-temurin:(17\\.\\d+\\.\\d+_\\d+)-(jdk|jre)(-[\\w.]+)?(@sha256:[0-9a-f]{64})?");

    /** One {@code FROM} stage: its base image, its name and its instructions ({@code KEYWORD args}). */
    private record Stage(String image, String name, List<String> instructions) {
        List<String> args(String keyword) {
            List<String> out = new ArrayList<>();
            for (String i : instructions) {
                if (i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1)) {
                    out.add(i.substring(keyword.length() + 1).trim());
                }
            }
            return out;
        }
    }

    @Test
    void aJdkStageBuildsTheJarFromSourceWithTheMavenWrapper() throws IOException {
        List<Stage> stages = stages();
        Stage build = stages.get(0);

        assertThat(stages).hasSize(2);
        assertThat(build.name()).isEqualTo("build");
        assertThat(build.image()).matches(PINNED_TEMURIN).contains("-jdk");
        assertThat(build.args("COPY")).containsExactly(". .");
        assertThat(build.args("RUN")).singleElement()
                .satisfies(r -> assertThat(r).endsWith("./mvnw -B -q package -DskipTests -pl dr-examples -am"));
    }

    @Test
    void theFinalStageIsAPinnedTemurin17JreOfTheSameRelease() throws IOException {
        List<Stage> stages = stages();
        Matcher jdk = PINNED_TEMURIN.matcher(stages.get(0).image());
        Matcher jre = PINNED_TEMURIN.matcher(stages.get(1).image());

        assertThat(jre.matches()).as(stages.get(1).image()).isTrue();
        assertThat(jdk.matches()).isTrue();
        assertThat(jre.group(2)).isEqualTo("jre");
        assertThat(jre.group(1)).as("same Temurin release in both stages").isEqualTo(jdk.group(1));
    }

    @Test
    void itCopiesOnlyTheProductionJarTheBuildStageProduced() throws Exception {
        Stage build = stages().get(0);
        Stage image = stages().get(1);
        String workdir = build.args("WORKDIR").get(0);

        assertThat(image.args("COPY")).singleElement().satisfies(copy -> {
            String[] c = copy.split("\\s+");
            assertThat(c).hasSize(3);
            assertThat(c[0]).isEqualTo("--from=" + build.name());
            assertThat(c[1]).isEqualTo(workdir + "/dr-examples/target/" + shadedFinalName() + ".jar");
            assertThat(entrypoint()).containsSequence("-cp", c[2]);
        });
        assertThat(image.args("ADD")).isEmpty();
    }

    @Test
    void itsEntrypointRunsTheRestoreJobsMain() throws Exception {
        List<String> entrypoint = entrypoint();
        String mainClass = entrypoint.get(entrypoint.size() - 1);

        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(mainClass).isEqualTo(RestoreJob.class.getName());
        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(main.getModifiers())).isTrue();
        assertThat(main.getReturnType()).isEqualTo(void.class);
    }

    @Test
    void itRunsAsTheNonRootUserTheJobExpects() throws IOException {
        String user = stages().get(1).args("USER").get(0);
        Matcher m = Pattern.compile("(\\d+)(?::(\\d+))?").matcher(user);

        assertThat(m.matches()).as("numeric USER, so that Kubernetes can verify runAsNonRoot: " + user).isTrue();
        long uid = Long.parseLong(m.group(1));
        assertThat(uid).isPositive();
        Job job = new KubernetesSerialization().unmarshal(Files.readString(Path.of("deploy", "job.yaml")), Job.class);
        var security = job.getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(security.getRunAsUser()).isEqualTo(uid);
        if (m.group(2) != null) {
            assertThat(security.getRunAsGroup()).isEqualTo(Long.parseLong(m.group(2)));
        }
    }

    @Test
    void theBuildContextLeavesBuildOutputAndGitOut() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of("..", ".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

        assertThat(ignored).contains("**/target/", ".git/");
        assertThat(ignored).as("the build stage needs the sources, the poms and the wrapper")
                .noneMatch(l -> l.equals("*") || l.startsWith("dr-") || l.equals("mvnw") || l.equals(".mvn/")
                        || l.equals("pom.xml") || l.contains("src"));
    }

    @Test
    void jibBuildsTheSameImageAndIsBoundToNoPhase() throws Exception {
        Element jib = plugin("jib-maven-plugin");
        Stage image = stages().get(1);
        String[] copy = image.args("COPY").get(0).split("\\s+");
        NodeList args = ((Element) jib.getElementsByTagName("entrypoint").item(0)).getElementsByTagName("arg");
        List<String> entrypoint = new ArrayList<>();
        for (int i = 0; i < args.getLength(); i++) {
            entrypoint.add(args.item(i).getTextContent().trim());
        }
        Element extra = (Element) ((Element) jib.getElementsByTagName("extraDirectories").item(0))
                .getElementsByTagName("path").item(0);

        assertThat(jib.getElementsByTagName("executions").getLength()).as("jib goals run only when asked").isZero();
        assertThat(text(jib, "skip")).as("the parent skips Jib in every other module").isEqualTo("false");
        assertThat(text((Element) jib.getElementsByTagName("from").item(0), "image")).isEqualTo(image.image());
        assertThat(text(jib, "user")).isEqualTo(image.args("USER").get(0));
        assertThat(entrypoint).isEqualTo(entrypoint());
        assertThat(text(extra, "from")).isEqualTo("${project.build.directory}");
        assertThat(text(extra, "includes")).isEqualTo(shadedFinalName() + ".jar");
        assertThat(text(extra, "into") + "/" + text(extra, "includes")).as("where the Dockerfile puts the jar")
                .isEqualTo(copy[2]);
        assertThat(text(jib, "glob")).as("Jib's own copy of the classes and dependencies left out").isEqualTo("/app/**");
    }

    /** The Dockerfile's stages, comments and blank lines dropped. */
    private static List<Stage> stages() throws IOException {
        List<Stage> stages = new ArrayList<>();
        Pattern from = Pattern.compile("(?i)FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?");
        String image = null;
        String name = null;
        List<String> instructions = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = from.matcher(t);
            if (m.matches()) {
                if (image != null) {
                    stages.add(new Stage(image, name, List.copyOf(instructions)));
                }
                image = m.group(1);
                name = m.group(2) == null ? "" : m.group(2);
                instructions.clear();
                continue;
            }
            assertThat(image).as("instruction before FROM: " + t).isNotNull();
            instructions.add(t.replaceFirst("^RUN\\s+--mount=\\S+\\s+", "RUN "));
        }
        assertThat(image).as("FROM in the Dockerfile").isNotNull();
        stages.add(new Stage(image, name, List.copyOf(instructions)));
        return stages;
    }

    private static List<String> entrypoint() throws IOException {
        String json = stages().get(stages().size() - 1).args("ENTRYPOINT").get(0);
        assertThat(json).as("exec form, so that the JVM gets SIGTERM").startsWith("[").endsWith("]");
        return Arrays.stream(json.substring(1, json.length() - 1).split(","))
                .map(s -> s.trim().replaceAll("^\"|\"$", "")).toList();
    }

    /** The {@code finalName} of the shade plugin in this module's pom: the jar is {@code target/<finalName>.jar}. */
    private static String shadedFinalName() throws Exception {
        NodeList names = plugin("maven-shade-plugin").getElementsByTagName("finalName");
        assertThat(names.getLength()).as("shade finalName").isEqualTo(1);
        return names.item(0).getTextContent().trim();
    }

    private static Element plugin(String artifactId) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            if (text(p, "artifactId").equals(artifactId)) {
                return p;
            }
        }
        throw new AssertionError("no " + artifactId + " in dr-examples/pom.xml");
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }
}

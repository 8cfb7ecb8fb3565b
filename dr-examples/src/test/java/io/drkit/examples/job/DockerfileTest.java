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
 * What can be checked of {@code dr-examples/Dockerfile} without Docker: the base image, that it copies the jar the
 * build produces, that the main class it runs exists with a {@code main}, and that it runs as the non-root user the
 * Job's manifest expects.
 */
class DockerfileTest {
    private static final Path DOCKERFILE = Path.of("Dockerfile");

    @Test
    void itIsBasedOnATemurin17Jre() throws IOException {
        List<String> from = instructions("FROM");

        assertThat(from).singleElement().satisfies(f -> assertThat(f).matches("eclipse-temurin:17[.\\w-]*jre[.\\w-]*"));
    }

    @Test
    void itCopiesTheExecutableJarTheBuildProduces() throws Exception {
        String[] copy = instructions("COPY").get(0).split("\\s+");

        assertThat(copy).hasSize(2);
        assertThat(copy[0]).isEqualTo("dr-examples/target/" + shadedFinalName() + ".jar");
        assertThat(copy[0]).as("the build context is the repository root").startsWith("dr-examples/");
        assertThat(entrypoint()).containsSequence("-cp", copy[1]);
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
        String user = instructions("USER").get(0);
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

    private static List<String> instructions(String keyword) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String t = line.trim();
            if (t.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1)) {
                out.add(t.substring(keyword.length() + 1).trim());
            }
        }
        assertThat(out).as(keyword + " in the Dockerfile").isNotEmpty();
        return out;
    }

    private static List<String> entrypoint() throws IOException {
        String json = instructions("ENTRYPOINT").get(0);
        assertThat(json).as("exec form, so that the JVM gets SIGTERM").startsWith("[").endsWith("]");
        return Arrays.stream(json.substring(1, json.length() - 1).split(","))
                .map(s -> s.trim().replaceAll("^\"|\"$", "")).toList();
    }

    /** The {@code finalName} of the shade plugin in this module's pom: the jar is {@code target/<finalName>.jar}. */
    private static String shadedFinalName() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            if (text(p, "artifactId").equals("maven-shade-plugin")) {
                NodeList names = p.getElementsByTagName("finalName");
                assertThat(names.getLength()).as("shade finalName").isEqualTo(1);
                return names.item(0).getTextContent().trim();
            }
        }
        throw new AssertionError("no maven-shade-plugin in dr-examples/pom.xml");
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }
}

package io.drkit.examples.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.DrException;
import io.drkit.kubernetes.KubernetesVolumeBinder;
import io.drkit.longhorn.LonghornBackupCatalog;
import io.drkit.s3.BackupstoreLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The four library main artifacts carry no test support: no {@code testing} package (the writers, embedded servers and
 * simulators are in each module's {@code testing} fixtures jar) and no dependency on a test server outside test scope.
 * The main artifact is found where the class loader got one of its classes: the packaged jar in a {@code package} or
 * {@code verify} build, {@code target/classes} in a {@code test} build.
 */
class LibraryJarsTest {
    /** Artifacts that are test servers or serve only the fixtures: never a library's compile/runtime dependency. */
    private static final Set<String> TEST_SERVERS = Set.of("org.gaul:s3proxy", "jakarta.servlet:jakarta.servlet-api",
            "org.wiremock:wiremock-jetty12", "org.wiremock:wiremock", "io.fabric8:kubernetes-server-mock",
            "io.fabric8:mockwebserver");

    @ParameterizedTest
    @ValueSource(strings = {"dr-core", "dr-s3", "dr-longhorn", "dr-kubernetes"})
    void theMainJarHasNoTestingPackage(String module) {
        Path location = JarEntries.locationOf(mainClassOf(module));
        List<String> entries = JarEntries.of(location);

        assertThat(location.toString()).as("main artifact of " + module).doesNotContain("test-classes");
        assertThat(entries).as(location + " lists classes of " + module).anyMatch(e -> e.endsWith(".class"));
        assertThat(entries).as("test support in the main artifact " + location).noneMatch(e -> e.contains("/testing/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dr-core", "dr-s3", "dr-longhorn", "dr-kubernetes"})
    void thePomDeclaresTestServersInTestScopeOnly(String module) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("..", module, "pom.xml").toFile());
        Element dependencies = (Element) pom.getDocumentElement().getElementsByTagName("dependencies").item(0);
        NodeList list = dependencies.getElementsByTagName("dependency");
        List<String> leaking = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            Element d = (Element) list.item(i);
            String id = text(d, "groupId") + ":" + text(d, "artifactId");
            if (TEST_SERVERS.contains(id) && !text(d, "scope").equals("test")) {
                leaking.add(id + " (scope " + (text(d, "scope").isEmpty() ? "compile" : text(d, "scope")) + ")");
            }
        }

        assertThat(list.getLength()).as(module + " dependencies").isPositive();
        assertThat(leaking).as(module + "/pom.xml dependencies that library users would inherit").isEmpty();
    }

    private static Class<?> mainClassOf(String module) {
        return switch (module) {
            case "dr-core" -> DrException.class;
            case "dr-s3" -> BackupstoreLayout.class;
            case "dr-longhorn" -> LonghornBackupCatalog.class;
            case "dr-kubernetes" -> KubernetesVolumeBinder.class;
            default -> throw new IllegalArgumentException(module);
        };
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }
}

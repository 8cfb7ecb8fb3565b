package io.drkit.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubeconfig files and contexts the user names, and descriptions of a configuration that are safe to print. */
class KubernetesAccessTest {
    @TempDir
    Path dir;

    @Test
    void theNamedContextOfTheFileIsUsedAndDescribedWithoutItsToken() {
        Path file = LoopbackServers.kubeconfig(dir.resolve("kc"), "a=https://a.example:6443", "b=https://b.example:6443");
        Config b = KubernetesAccess.config(Optional.of(file), Optional.of("b"), Map.of());
        assertThat(b.getMasterUrl()).isEqualTo("https://b.example:6443/");
        assertThat(KubernetesAccess.describe(b, Map.of()))
                .isEqualTo("https://b.example:6443/ (kubeconfig " + file + ", context b)").doesNotContain("token-of-");
        Config current = KubernetesAccess.config(Optional.of(file), Optional.empty(), Map.of());
        assertThat(current.getCurrentContext().getName()).isEqualTo("a");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertThat(relative.isAbsolute()).isFalse();
        assertThat(KubernetesAccess.describe(KubernetesAccess.config(Optional.of(relative), Optional.empty(), Map.of()),
                Map.of())).as("the message names the file wherever the command ran").contains("kubeconfig " + file + ",");
    }

    @Test
    void filesThatAreNotUsableKubeconfigsAreUsageErrorsNamingTheFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        assertThatThrownBy(() -> KubernetesAccess.config(Optional.of(empty), Optional.empty(), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(empty.toString());
        Path other = Files.writeString(dir.resolve("other.yaml"), "foo: bar\n");
        assertThatThrownBy(() -> KubernetesAccess.config(Optional.of(other), Optional.empty(), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(other + " defines no context");
        Path noCurrent = Files.writeString(dir.resolve("nocurrent"), Files.readString(
                LoopbackServers.kubeconfig(dir.resolve("x"), "a=https://a:1")).replace("current-context: a", ""));
        assertThatThrownBy(() -> KubernetesAccess.config(Optional.of(noCurrent), Optional.empty(), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sets no current-context")
                .hasMessageContaining("--context NAME (one of a)");
        assertThat(KubernetesAccess.config(Optional.of(noCurrent), Optional.of("a"), Map.of()).getMasterUrl())
                .isEqualTo("https://a:1/");
    }

    @Test
    void aContextWithoutAnyKubeconfigIsAUsageError() {
        String list = dir.resolve("missing-1") + java.io.File.pathSeparator + dir.resolve("missing-2");
        assertThatThrownBy(() -> KubernetesAccess.config(Optional.empty(), Optional.of("prod"), Map.of("KUBECONFIG", list)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--context prod")
                .hasMessageContaining("KUBECONFIG=" + list);
    }

    @Test
    void describesInClusterAndMissingConfigurations() {
        Config inCluster = new ConfigBuilder(Config.empty()).withMasterUrl("https://10.43.0.1:443").withAutoOAuthToken("sa-token")
                .build();
        assertThat(KubernetesAccess.describe(inCluster, Map.of("KUBERNETES_SERVICE_HOST", "10.43.0.1")))
                .isEqualTo("https://10.43.0.1:443/ (in-cluster service account)").doesNotContain("sa-token");
        Config none = new ConfigBuilder(Config.empty()).withMasterUrl("https://kubernetes.default.svc").build();
        assertThat(KubernetesAccess.describe(none, Map.of())).contains("https://kubernetes.default.svc/")
                .contains("no kubeconfig found, KUBECONFIG unset and ~/.kube/config absent");
        assertThat(KubernetesAccess.describe(none, Map.of("KUBECONFIG", "/gone"))).contains("KUBECONFIG=/gone names no readable file");
        Config userInfo = new ConfigBuilder(Config.empty()).withMasterUrl("https://admin:hunter2@k8s.example").build();
        assertThat(KubernetesAccess.describe(userInfo, Map.of())).doesNotContain("hunter2");
    }
}

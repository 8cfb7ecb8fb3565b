package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.s3.internal.S3Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Configuration from the keys of Longhorn's backup-target Secret. */
class S3SettingsTest {

    private static S3Settings settings(Map<String, String> keys) {
        S3Settings.Mutable m = new S3Settings.Mutable();
        m.bucket = "backups";
        m.apply(keys);
        return m.freeze();
    }

    @ParameterizedTest(name = "AWS_ENDPOINTS={0} VIRTUAL_HOSTED_STYLE={1} -> path style {2}")
    @CsvSource(nullValues = "-", value = {
        "-, -, false",
        "https://minio.example:9000, -, true",
        "https://minio.example:9000, true, false",
        "https://minio.example:9000, false, true",
        "-, false, true",
        "-, true, false",
        "'https://minio.example:9000\n', 'false\n', true"})
    void addressingFollowsLonghornsRule(String endpoint, String vhs, boolean pathStyle) {
        Map<String, String> keys = new HashMap<>();
        if (endpoint != null) {
            keys.put("AWS_ENDPOINTS", endpoint);
        }
        if (vhs != null) {
            keys.put("VIRTUAL_HOSTED_STYLE", vhs);
        }
        assertThat(settings(keys).pathStyle()).isEqualTo(pathStyle);
    }

    @Test
    void staticCredentialsAreTrimmedAndNeverPrinted() {
        S3Settings s = settings(Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE\n", "AWS_SECRET_ACCESS_KEY", " s3cr3t \n"));
        assertThat(s.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(s.secretAccessKey()).isEqualTo("s3cr3t");
        assertThat(s.toString() + s.describe()).doesNotContain("s3cr3t").doesNotContain("AKIAEXAMPLE")
                .contains("static credentials");
    }

    @Test
    void withoutKeysTheDefaultCredentialChainIsUsed() {
        S3Settings s = settings(Map.of());
        assertThat(s.accessKeyId()).isNull();
        assertThat(s.describe()).contains("default credential chain");
        assertThat(s.endpoint()).isNull();
        assertThat(s.maxAttempts()).isEqualTo(5);
    }

    @Test
    void onlyOneOfTheTwoKeysIsAnError() {
        assertThatThrownBy(() -> settings(Map.of("AWS_ACCESS_KEY_ID", "AKIA"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY").hasMessageContaining("backups");
    }

    @Test
    void anInvalidVirtualHostedStyleValueIsRejected() {
        assertThatThrownBy(() -> settings(Map.of("VIRTUAL_HOSTED_STYLE", "yes"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("VIRTUAL_HOSTED_STYLE");
    }

    @Test
    void proxiesAndNoProxyAreRead() {
        S3Settings s = settings(Map.of("HTTP_PROXY", "http://proxy:3128", "https_proxy", "proxy.corp:8443",
                "NO_PROXY", "localhost,.svc.cluster.local, 10.0.0.0/8"));
        assertThat(s.httpProxy()).hasToString("http://proxy:3128");
        assertThat(s.httpsProxy()).hasToString("http://proxy.corp:8443");
        assertThat(s.noProxy()).containsExactlyInAnyOrder("localhost", ".svc.cluster.local", "10.0.0.0/8");
    }

    @ParameterizedTest(name = "NO_PROXY {0} matches {1}: {2}")
    @CsvSource({"example.com, s3.example.com, true", "example.com, example.com, true", ".example.com, a.b.example.com, true",
        "example.com, badexample.com, false", "*, anything.io, true", "10.0.0.0/8, 10.1.2.3, true", "10.0.0.0/8, 11.1.2.3, false",
        "192.168.1.0/24, 192.168.1.77, true", "minio:9000, minio, true", "127.0.0.1, 127.0.0.1, true"})
    void noProxyEntriesBecomeHostPatterns(String entry, String host, boolean matches) throws Exception {
        java.lang.reflect.Method m = S3Settings.class.getDeclaredMethod("noProxyRegex", String.class);
        m.setAccessible(true);
        String regex = (String) m.invoke(null, entry);
        assertThat(host.matches(regex)).isEqualTo(matches);
    }

    @Test
    void anEndpointWithoutSchemeIsHttpsAndRegionComesFromTheEnvironmentKeys() {
        S3Settings s = settings(Map.of("AWS_ENDPOINTS", "s3.eu-central-1.wasabisys.com", "AWS_REGION", "eu-central-1"));
        assertThat(s.endpoint()).hasToString("https://s3.eu-central-1.wasabisys.com");
        assertThat(s.region()).isEqualTo("eu-central-1");
    }

    @Test
    void anInvalidCaBundleIsRejectedWithTheKeyName() {
        assertThatThrownBy(() -> S3Settings.trustManagers("not a certificate")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("AWS_CERT");
    }

    @Test
    void theTargetGivesBucketAndRegion() {
        try (S3ObjectSource s = S3ObjectSource.builder()
                .target(io.drkit.core.model.BackupTarget.parse("s3://my-bucket@eu-west-1/cluster-a/"))
                .secret(Map.of("AWS_ENDPOINTS", "http://127.0.0.1:9")).build()) {
            assertThat(s.bucket()).isEqualTo("my-bucket");
            assertThat(s.describe()).contains("s3://my-bucket@eu-west-1/").contains("path-style");
        }
        assertThatThrownBy(() -> S3ObjectSource.builder().target(io.drkit.core.model.BackupTarget.parse("nfs://srv:/x")))
                .isInstanceOf(InvalidInputException.class);
    }
}

package io.drkit.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import io.drkit.core.util.Times;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Longhorn's and Kubernetes' encodings parsed at the boundary, and fabric8 errors translated there. */
class BoundaryParsingTest {

    @ParameterizedTest(name = "{0} bytes are {1}")
    @CsvSource({"1073741824, 1Gi", "2147483648, 2Gi", "1610612736, 1536Mi", "1000, 1000", "1024, 1Ki", "0, 0",
        "1073741825, 1073741825", "1125899906842624, 1Pi"})
    void formatsSizesAsGoFormatsBinarySiQuantities(long bytes, String expected) {
        assertThat(Quantities.binarySi(bytes)).isEqualTo(expected);
        assertThat(Quantities.bytes(new Quantity(expected))).hasValue(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "2026-11-01T03:00:00Z|2026-11-01T03:00:00Z",
        "2026-11-01T03:00:00.123456789Z|2026-11-01T03:00:00.123456789Z",
        "2026-11-01T05:00:00+02:00|2026-11-01T03:00:00Z",
        "2026-11-01 03:00:00 +0000 UTC|2026-11-01T03:00:00Z",
        "2026-11-01 03:00:00.5 +0000 UTC m=+0.100000001|2026-11-01T03:00:00.5Z"})
    void parsesRfc3339AndGoTimeStrings(String text, String expected) {
        assertThat(Times.parse(text)).contains(Instant.parse(expected));
    }

    @Test
    void writesKubernetesTimesAtSecondPrecision() {
        assertThat(Times.rfc3339(Instant.parse("2026-11-01T03:00:00.987Z"))).isEqualTo("2026-11-01T03:00:00Z");
        assertThat(Times.parse("  ")).isEmpty();
    }

    @ParameterizedTest(name = "HTTP {0} becomes {1}")
    @CsvSource({"404, NotFoundException", "409, ConflictException", "400, InvalidInputException",
        "422, InvalidInputException", "401, UnavailableException", "403, UnavailableException",
        "429, UnavailableException", "500, UnavailableException", "503, UnavailableException"})
    void translatesHttpFailuresNamingObjectAndStatus(int code, String type) {
        KubernetesClientException e = new KubernetesClientException("boom", code,
                new StatusBuilder().withCode(code).withMessage("server says no").build());
        DrException t = KubeErrors.translate("create PersistentVolume pv-1", e);
        assertThat(t.getClass().getSimpleName()).isEqualTo(type);
        assertThat(t).hasMessageContaining("create PersistentVolume pv-1").hasMessageContaining(String.valueOf(code))
                .hasMessageContaining("server says no").hasCause(e);
        if (t instanceof UnavailableException u) {
            assertThat(u.status()).hasValue(code);
        }
    }

    @Test
    void translatesConnectionFailuresIntoUnavailable() {
        DrException t = KubeErrors.translate("list PersistentVolumes",
                new KubernetesClientException("io", new IOException("Connection refused")));
        assertThat(t).isInstanceOf(UnavailableException.class).hasMessageContaining("not reachable")
                .hasMessageContaining("Connection refused");
        assertThat(((UnavailableException) t).status()).isEmpty();
    }

    @Test
    void translatesAnInterruptIntoCancelledAndKeepsTheInterruptFlag() {
        try {
            DrException t = KubeErrors.translate("watch Volume v", new KubernetesClientException("x", new InterruptedIOException()));
            assertThat(t).isInstanceOf(CancelledException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void keepsTheSubclassesDistinctForCallers() {
        assertThat(KubeErrors.translate("x", new KubernetesClientException("x", 404, null))).isInstanceOf(NotFoundException.class);
        assertThat(KubeErrors.translate("x", new KubernetesClientException("x", 409, null))).isInstanceOf(ConflictException.class);
        assertThat(KubeErrors.translate("x", new KubernetesClientException("x", 422, null))).isInstanceOf(InvalidInputException.class);
    }
}

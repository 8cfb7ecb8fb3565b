package io.drkit.longhorn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.drkit.longhorn.testing.LonghornVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the recorded-shape JSON fixtures under {@code src/test/resources/longhorn/<version>/}. */
final class Fixtures {
    /** Original volume of the fixtures' first backup volume (PVC shop/db-data). */
    static final String VOL_A = "pvc-5f2c1a8e-6b1d-4a3e-9c57-0d3b2f8e1a77";
    /** Second volume (PVC media/library, rwx, stale pointer). */
    static final String VOL_B = "pvc-b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e";
    /** Volume whose backup volume reports an error. */
    static final String VOL_E = "pvc-e0e0e0e0-1111-4222-8333-444455556666";
    /** Newest complete backup of A (its lastBackupName). */
    static final String A_NEWEST = "backup-8f7e6d5c4b3a2918";
    /** Older complete backup of A. */
    static final String A_OLDER = "backup-1a2b3c4d5e6f7081";
    /** The restored volume in the volume fixtures. */
    static final String RESTORED = "restored-db";

    private Fixtures() {
    }

    static String read(LonghornVersion v, String file) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(v.fixture(file))) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + v.fixture(file));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 200 JSON answer with fixture {@code file}. */
    static ResponseDefinitionBuilder ok(LonghornVersion v, String file) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(read(v, file));
    }

    /** A JSON answer with status {@code status} and fixture {@code file}. */
    static ResponseDefinitionBuilder status(int status, LonghornVersion v, String file) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(read(v, file));
    }

    /** The backup-volume id of volume A on target default in version {@code v}. */
    static String bvA(LonghornVersion v) {
        return v == LonghornVersion.V1_9 ? VOL_A + "-74d77e29" : VOL_A;
    }

    /** Stubs the four schema documents of version {@code v}. */
    static void stubSchemas(WireMockExtension wm, LonghornVersion v) {
        for (String id : new String[] {"volume", "backupVolume", "backupTarget", "PVCreateInput"}) {
            wm.stubFor(get(urlPathEqualTo("/v1/schemas/" + id)).willReturn(ok(v, "schema-" + id + ".json")));
        }
    }
}

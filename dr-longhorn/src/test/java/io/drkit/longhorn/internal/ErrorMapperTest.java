package io.drkit.longhorn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.DrException;
import io.drkit.longhorn.LonghornApiError;
import io.drkit.longhorn.LonghornConflictException;
import io.drkit.longhorn.LonghornNotFoundException;
import io.drkit.longhorn.LonghornRequestException;
import io.drkit.longhorn.LonghornUnavailableException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorMapperTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "404 | '' | LonghornNotFoundException | false",
        "404 | failed to get backup 'b' of volume 'v': backups.longhorn.io \"b\" not found | LonghornNotFoundException | false",
        "500 | admission webhook \"mutator.longhorn.io\" denied the request: cannot get backup b: not found | LonghornNotFoundException | true",
        "500 | denied the request: cannot get backup volume pvc-1: not found | LonghornNotFoundException | true",
        "500 | denied the request: cannot get backup and volume name from backup URL x: invalid | LonghornRequestException | false",
        "500 | unable to create volume x: volumes.longhorn.io \"x\" already exists | LonghornConflictException | false",
        "409 | Conflict | LonghornConflictException | false",
        "500 | unable to create PV for volume x: volume already had PV x | LonghornRequestException | false",
        "500 | failed to synchronize backup volume 'x' in 10 seconds | LonghornUnavailableException | false",
        "500 | context deadline exceeded | LonghornUnavailableException | false",
        "503 | no healthy upstream | LonghornUnavailableException | false",
        "401 | '' | LonghornUnavailableException | false",
        "405 | '' | LonghornRequestException | false",
        "400 | bad request | LonghornRequestException | false"
    })
    void mapsLonghornAnswersToDrCoreExceptions(int status, String message, String type, boolean notSynced) {
        DrException e = ErrorMapper.map(status, "POST /v1/volumes", "volume x", message);

        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        LonghornApiError api = (LonghornApiError) e;
        assertThat(api.httpStatus()).isEqualTo(status);
        assertThat(api.longhornMessage()).isEqualTo(message);
        assertThat(api.isBackupNotSynced()).isEqualTo(notSynced);
        assertThat(e.getMessage()).contains("POST /v1/volumes").contains("volume x").contains("HTTP " + status);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"error\",\"status\":500,\"message\":\"boom\"} | application/json | boom",
        "404 page not found | text/plain | 404 page not found",
        "<html><body>Bad Gateway</body></html> | text/html | ''",
        "'' | '' | ''"
    })
    void extractsLonghornsMessageFromEnvelopeTextOrNothing(String body, String contentType, String expected) {
        assertThat(ErrorMapper.longhornMessage(HttpTransport.MAPPER, body, contentType)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"503, true", "500, true", "404, false", "405, false"})
    void retriesOnlyTransientFailures(int status, boolean retry) {
        DrException e = ErrorMapper.map(status, "GET /v1/volumes", "volumes", "");
        assertThat(ErrorMapper.retryable(status, e)).isEqualTo(retry);
        assertThat(e instanceof LonghornUnavailableException).isEqualTo(retry);
        assertThat(e instanceof LonghornNotFoundException || e instanceof LonghornRequestException
                || e instanceof LonghornConflictException || e instanceof LonghornUnavailableException).isTrue();
    }
}

package io.drkit.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both spellings of an access mode, in one place. */
class AccessModeTest {

    @ParameterizedTest(name = "{0} = {1} = {2}")
    @CsvSource({
        "READ_WRITE_ONCE,     ReadWriteOnce,    rwo",
        "READ_WRITE_ONCE_POD, ReadWriteOncePod, rwop",
        "READ_WRITE_MANY,     ReadWriteMany,    rwx",
    })
    void readsAndWritesKubernetesAndLonghornSpellings(AccessMode mode, String kubernetes, String longhorn) {
        assertThat(AccessMode.fromKubernetes(kubernetes)).contains(mode);
        assertThat(AccessMode.fromLonghorn(longhorn)).contains(mode);
        assertThat(AccessMode.fromLonghorn(longhorn.toUpperCase())).contains(mode);
        assertThat(mode.kubernetesName()).isEqualTo(kubernetes);
        assertThat(mode.longhornName()).isEqualTo(longhorn);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"ReadWriteEverything", "rwo", "''"})
    void unknownSpellingsAreNoMode(String text) {
        assertThat(AccessMode.fromKubernetes(text)).isEmpty();
        assertThat(AccessMode.fromLonghorn("ReadOnlyMany")).isEmpty();
        assertThat(AccessMode.fromLonghorn(null)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "READ_WRITE_ONCE,     READ_WRITE_ONCE",
        "READ_WRITE_ONCE_POD, READ_WRITE_ONCE",
        "READ_WRITE_MANY,     READ_WRITE_MANY",
        "READ_ONLY_MANY,      READ_WRITE_ONCE",
    })
    void theLonghornVolumeModeIsRwxOnlyForManyWriters(AccessMode pv, AccessMode volume) {
        assertThat(AccessMode.longhornVolumeMode(List.of(pv))).isEqualTo(volume);
        assertThat(AccessMode.longhornVolumeMode(List.of(AccessMode.READ_WRITE_ONCE, pv))).isEqualTo(volume);
    }
}

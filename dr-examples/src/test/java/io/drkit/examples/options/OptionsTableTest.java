package io.drkit.examples.options;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.execute.RestoreExecutor;
import io.drkit.core.plan.RestoreRequest;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Durations;
import io.drkit.examples.support.Preflight;
import io.drkit.kubernetes.LonghornCrdCatalog;
import io.drkit.longhorn.LonghornBackupVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The options table itself: well-formed rows, defaults that are the library's, and the README's table. */
class OptionsTableTest {

    @ParameterizedTest
    @EnumSource(Surface.class)
    void everyDefaultIsAValidValue(Surface surface) {
        OptionValues nothing = surface == Surface.JOB ? OptionValues.job(Map.of()) : OptionValues.cli(Map.of(), Map.of());
        for (DrOption<?> o : DrOptions.all()) {
            assertThat(nothing.find(o).isPresent()).as(o.name()).isEqualTo(o.defaultText(surface).isPresent());
        }
    }

    @Test
    void flagsAndKeysAreUniqueAndWhereTheyAreRead() {
        List<DrOption<?>> all = DrOptions.all();
        assertThat(all.stream().map(DrOption::name)).doesNotHaveDuplicates();
        assertThat(all.stream().flatMap(o -> o.flag().stream())).doesNotHaveDuplicates().allMatch(f -> f.startsWith("--"));
        assertThat(all.stream().flatMap(o -> o.key().stream())).doesNotHaveDuplicates()
                .allMatch(k -> k.startsWith(OptionValues.KEY_PREFIX));
        assertThat(DrOptions.readOn(Surface.JOB)).allMatch(o -> o.key().isPresent());
        assertThat(DrOptions.readOn(Surface.CLI)).allMatch(o -> o.flag().isPresent());
        for (DrOption<?> o : all) {
            o.key().ifPresent(k -> assertThat(DrOptions.byKey(k)).contains(o));
        }
    }

    @Test
    void defaultsThatALibraryBuilderAlsoHasAreTheLibrarys() {
        OptionValues cli = OptionValues.cli(Map.of(), Map.of());

        assertThat(cli.get(DrOptions.PARALLELISM)).isEqualTo(RestoreExecutor.DEFAULT_PARALLELISM);
        assertThat(cli.get(DrOptions.STEP_TIMEOUT)).isEqualTo(RestoreExecutor.DEFAULT_STEP_TIMEOUT);
        assertThat(cli.get(DrOptions.LONGHORN_NAMESPACE)).isEqualTo(LonghornCrdCatalog.DEFAULT_NAMESPACE);
        assertThat(cli.get(DrOptions.BACKUP_TARGET)).isEqualTo(LonghornBackupVolume.DEFAULT_TARGET);
        assertThat(cli.get(DrOptions.SYNC_WAIT)).isEqualTo(LonghornCrdCatalog.DEFAULT_SYNC_WAIT);
        assertThat(cli.get(DrOptions.CONNECT_TIMEOUT)).isEqualTo(Preflight.DEFAULT_TIMEOUT);
        assertThat(RestoreOptions.request(OptionValues.cli(Map.of(DrOptions.ALL, List.of("true")), Map.of())))
                .as("every request default is RestoreRequest's").isEqualTo(RestoreRequest.all());
        Connections.Settings none = RestoreOptions.source(cli, Map.of());
        assertThat(none).isEqualTo(Connections.Settings.clusterOnly(Map.of()));
    }

    @Test
    void durationsAreWrittenAsTheyAreRead() {
        for (Duration d : List.of(Duration.ofHours(2), Duration.ofSeconds(2), Duration.ofMinutes(90), Duration.ofDays(7),
                Duration.ofMillis(1500), Duration.ZERO)) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    }

    @Test
    void theReadmeTableOfDrOptionsIsTheTable() throws IOException {
        String text = Files.readString(Path.of("README.md"));
        int start = text.indexOf("\n### Options, environment keys and defaults\n");
        assertThat(start).as("README section 'Options, environment keys and defaults'").isNotNegative();
        int end = text.indexOf("\n### ", start + 1);
        List<String> rows = text.substring(start, end).lines().filter(l -> l.startsWith("| `--")).toList();

        assertThat(rows).containsExactlyElementsOf(OptionDocs.markdownRows(Surface.CLI));
    }
}

package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The build's class-data-sharing training run must exercise the commands it names, not fail on them: a command that
 * fails early (a missing argument, a store it cannot read) would archive the classes of an error path only.
 */
class CdsTrainingTest {
    @Test
    void everyTrainingCommandSucceedsOnItsOwnStore() throws Exception {
        assertThat(CdsTraining.train()).isZero();
    }
}

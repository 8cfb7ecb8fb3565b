package io.drkit.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.execute.StepResult;
import io.drkit.core.model.PvcRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Errors without a message read as words, never as a fully qualified class name. */
class ErrorsTest {
    @Test
    void aMessageIsKept() {
        assertThat(Errors.describe(new IllegalStateException("volume pvc-1 is attached"))).isEqualTo("volume pvc-1 is attached");
    }

    @Test
    void withoutAMessageTheKindOfErrorReadsAsWords() {
        assertThat(Errors.describe(new IllegalStateException())).isEqualTo("illegal state exception");
        assertThat(Errors.describe(new NullPointerException())).isEqualTo("null pointer exception");
        assertThat(Errors.describe(new UncheckedIOException(null, new IOException()))).isEqualTo("unchecked io exception");
        assertThat(Errors.describe(new OutOfMemoryError(" "))).isEqualTo("out of memory error");
        assertThat(Errors.describe(new RuntimeException() { })).isEqualTo("unexpected error");
        assertThat(Errors.describe(null)).isEqualTo("unexpected error");
        assertThat(Errors.words("S3Exception")).isEqualTo("s3 exception");
    }

    @Test
    void aFailedStepsDetailIsAPlainDescription() {
        StepResult.Failed failed = new StepResult.Failed(new PvcRef("default", "data"), new IllegalArgumentException(),
                Duration.ZERO);

        assertThat(failed.detail()).isEqualTo("illegal argument exception").doesNotContain("java.lang");
        assertThat(new StepResult.Failed(new PvcRef("default", "data"), new IllegalArgumentException("bad size"),
                Duration.ZERO).detail()).isEqualTo("bad size");
    }
}

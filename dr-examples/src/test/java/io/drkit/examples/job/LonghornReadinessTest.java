package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.UnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Job's wait for Longhorn logs what it waits for at least every 30 s. Time is a clock that moves 10 s at each
 * reading, so nothing here depends on how fast the machine is.
 */
class LonghornReadinessTest {

    /** A clock that moves {@code step} forward every time it is read. */
    private static final class SteppingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2026-11-26T12:00:00Z").getEpochSecond());
        private final long step;

        SteppingClock(long step) {
            this.step = step;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.getAndAdd(step));
        }
    }

    @Test
    void aLineNamingWhatItWaitsForComesAtLeastEvery30SecondsUntilTheBoundEndsTheWait() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Clock clock = new SteppingClock(10);
        RestoreJobConfig config = RestoreJobConfig.fromEnvironment(Map.of("DRKIT_STARTUP_WAIT", "5m",
                "DRKIT_POLL_INTERVAL", "1ms"));
        try (MockApiServer api = new MockApiServer(new AtomicLong(), false)) {
            assertThatThrownBy(() -> LonghornReadiness.await(api.client(MockApiServer.JOB), config,
                    new ProgressLog(out, clock), Cancellation.none(), clock))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("gave up waiting for Longhorn's CRDs").hasMessageContaining("DRKIT_STARTUP_WAIT");
        }

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSizeGreaterThan(5).allSatisfy(l -> assertThat(l).contains("startup: waiting for Longhorn's CRDs"));
        Pattern waited = Pattern.compile("\\((\\d+)\\.\\d s of at most");
        double previous = -1;
        for (String l : lines) {
            Matcher m = waited.matcher(l);
            assertThat(m.find()).as(l).isTrue();
            double w = Double.parseDouble(m.group(1));
            if (previous >= 0) {
                assertThat(w - previous).as("seconds between two lines").isBetween(30.0, 40.0);
            }
            previous = w;
        }
    }
}

package io.drkit.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.DrTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The read watchdog's unread deadline, which replaces the SDK's per-GET body timer (one task per GET queued on a static
 * executor for 60 s): a body nobody starts to read is aborted, a body being read is left alone.
 */
class ReadWatchdogTest {

    @Test
    void aBodyNeverReadIsAbortedAndOneBeingReadIsNot() throws Exception {
        try (ReadWatchdog dog = new ReadWatchdog(Duration.ofSeconds(30), Duration.ofMillis(200))) {
            CountDownLatch unreadAborted = new CountDownLatch(1);
            AtomicInteger readAborts = new AtomicInteger();
            ReadWatchdog.Watch read = dog.watch("s3://b/read", 10, readAborts::incrementAndGet);
            read.enter();
            read.exit(4);
            ReadWatchdog.Watch unread = dog.watch("s3://b/unread", 10, unreadAborted::countDown);

            assertThat(unreadAborted.await(30, TimeUnit.SECONDS)).as("the unread body was aborted").isTrue();
            assertThat(unread.stalled()).isTrue();
            DrTimeoutException e = unread.timeout(null);
            assertThat(e.getMessage()).contains("s3://b/unread").contains("was not read within 200 ms");
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
            // the body that was read started before the unread one, so its deadline passed first: still not aborted
            assertThat(read.stalled()).isFalse();
            assertThat(readAborts).hasValue(0);
            read.done();
        }
    }
}

package io.drkit.s3.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler of one S3 client's call and attempt timeouts ({@code apiCallTimeout}, {@code apiCallAttemptTimeout}),
 * given to the SDK instead of its default one. The SDK schedules two timeout tasks per request and cancels them when
 * the request ends; its default executor keeps a cancelled task queued until its delay passes (minutes), so a client
 * sending hundreds of requests a second held hundreds of thousands of dead tasks (tens of MB). This one removes a
 * task from its queue when it is cancelled, so the queue holds only the requests in flight. Daemon threads; the source
 * that creates it shuts it down.
 */
public final class TimeoutScheduler {
    private static final int THREADS = 2;

    private TimeoutScheduler() {
    }

    /** A new scheduler that removes cancelled tasks at once; its idle threads end after a minute. */
    public static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = new Thread(r, "drkit-s3-timeouts");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        e.setKeepAliveTime(60, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        return e;
    }
}

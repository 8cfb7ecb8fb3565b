package io.drkit.examples.job;

import io.drkit.core.bind.BindPhase;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.execute.ExecutionListener;
import io.drkit.core.execute.StepResult;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.util.Sizes;
import io.drkit.core.util.Times;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of a scan and of a plan's execution as plain, timestamped log lines (a Job's log is not a terminal, so
 * there are no redrawn bars): scan progress by quarters, each step's phases, its restore progress by tenths, waits
 * at most every {@link #WAIT_EVERY}, and each step's outcome. Fast, thread-safe, never throws (a failing stream
 * is {@link PrintStream}'s business, which swallows I/O errors).
 */
final class ProgressLog implements CatalogListener, ExecutionListener {
    /** Minimum time between two lines about the same unmeasured wait (for example Longhorn syncing a backup). */
    static final Duration WAIT_EVERY = Duration.ofSeconds(15);

    private final PrintStream out;
    private final Clock clock;
    private final AtomicInteger scanQuarter = new AtomicInteger(-1);
    private final Map<String, StepState> steps = new ConcurrentHashMap<>();
    private final StepState syncWait = new StepState();

    private static final class StepState {
        int tenth = -1;
        Instant lastWait = Instant.MIN;
        String lastWaitDetail = "";
    }

    ProgressLog(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    void line(String text) {
        out.println(Times.rfc3339(clock.instant()) + " " + text);
    }

    // ---------------------------------------------------------------- scan

    @Override
    public void scanStarted(int volumesTotal) {
        line("scan: reading " + (volumesTotal < 0 ? "every backup volume" : volumesTotal + " backup volumes") + " and all their backups");
    }

    @Override
    public void volumeScanned(String volumeName, int volumesDone, int volumesTotal) {
        if (volumesTotal <= 0) {
            if (volumesDone % 100 == 0) {
                line("scan: " + volumesDone + " backup volumes read");
            }
            return;
        }
        int quarter = (int) (4L * volumesDone / volumesTotal);
        int prev = scanQuarter.get();
        if (quarter > prev && quarter < 4 && scanQuarter.compareAndSet(prev, quarter) && quarter > 0) {
            line("scan: " + volumesDone + "/" + volumesTotal + " backup volumes read");
        }
    }

    /** A line when what Longhorn has not synced changes, else at most every {@link #WAIT_EVERY}. */
    @Override
    public void waitingForSync(CatalogCompleteness current, Duration waited, Duration bound) {
        Instant now = clock.instant();
        String what = current.summary();
        synchronized (syncWait) {
            if (what.equals(syncWait.lastWaitDetail) && now.isBefore(syncWait.lastWait.plus(WAIT_EVERY))) {
                return;
            }
            syncWait.lastWait = now;
            syncWait.lastWaitDetail = what;
        }
        line("sync: waiting for Longhorn to sync (" + seconds(waited) + " of at most " + bound + "): " + what);
    }

    @Override
    public void scanFinished(int volumes, int backups, int skipped) {
        line("scan: done, " + volumes + " backup volumes, " + backups + " backups"
                + (skipped > 0 ? ", " + skipped + (skipped == 1 ? " entry" : " entries") + " skipped (listed with the plan)" : ""));
    }

    // ---------------------------------------------------------------- apply

    @Override
    public void planStarted(RestorePlan plan) {
        line("apply: " + plan.steps().size() + " step" + (plan.steps().size() == 1 ? "" : "s"));
    }

    @Override
    public void stepStarted(RestoreStep step) {
        steps.put(step.id(), new StepState());
        line("[" + step.id() + "] start: backup " + step.backup().name() + " of " + step.backup().volumeName()
                + step.backup().pointInTime().map(t -> " (" + Times.rfc3339(t) + ")").orElse("")
                + " -> volume " + step.volumeName() + ", PV " + step.pvName() + " (" + Sizes.human(step.sizeBytes()) + ")");
    }

    @Override
    public void phase(RestoreStep step, BindPhase phase, String detail) {
        if (phase == BindPhase.DONE) {
            return; // the outcome line says it
        }
        line("[" + step.id() + "] " + name(phase) + ": " + detail);
    }

    @Override
    public void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
        StepState s = steps.computeIfAbsent(step.id(), k -> new StepState());
        String text;
        synchronized (s) {
            if (fraction >= 0) {
                int tenth = (int) Math.floor(Math.min(1.0, fraction) * 10);
                if (tenth <= s.tenth) {
                    return;
                }
                s.tenth = tenth;
                text = String.format(Locale.ROOT, "[%s] %s: %3d%%%s", step.id(), name(phase), tenth * 10,
                        detail == null || detail.isEmpty() ? "" : " " + detail);
            } else {
                Instant now = clock.instant();
                String d = detail == null ? "" : detail.replaceAll("; waited \\d+ s$", "");
                if (d.equals(s.lastWaitDetail) && now.isBefore(s.lastWait.plus(WAIT_EVERY))) {
                    return;
                }
                s.lastWait = now;
                s.lastWaitDetail = d;
                text = "[" + step.id() + "] " + name(phase) + ": " + detail;
            }
        }
        line(text);
    }

    @Override
    public void stepFinished(RestoreStep step, StepResult result) {
        steps.remove(step.id());
        line("[" + step.id() + "] " + result.outcome() + " in " + seconds(result.elapsed())
                + (result.detail().isEmpty() ? "" : ": " + result.detail()));
    }

    private static String name(BindPhase phase) {
        return phase.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}

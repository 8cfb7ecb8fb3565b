package io.drkit.examples.cli;

import io.drkit.core.util.Terminal;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Progress bars for the CLI: one status line on the terminal, redrawn in place, summarising every task in flight
 * ({@code [#####.....]  45% 120.0/260.0 MiB  85.3 MiB/s  apps/a restoring}). Disabled (prints nothing) when the
 * output is not a terminal, so piped output stays clean. Thread-safe; redraws at most ten times a second. It draws
 * with CR on the raw terminal stream, so every text it shows (task names, details, lines) goes through
 * {@link Terminal#escape} first.
 */
public final class ProgressDisplay implements AutoCloseable {
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private long lastDraw;
    private int lastWidth;

    private static final class Task {
        final long startNanos = System.nanoTime();
        long done;
        long total;
        String unit;
        String detail = "";
    }

    /** A display on {@code out}; {@code enabled} false makes every call a no-op. */
    public ProgressDisplay(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** A display on standard error, enabled only when the process has a terminal and {@code quiet} is false. */
    public static ProgressDisplay forTerminal(boolean quiet) {
        return new ProgressDisplay(System.err, !quiet && System.console() != null);
    }

    /** Whether anything is drawn. */
    public boolean enabled() {
        return enabled;
    }

    /** Sets a task's progress: {@code done} of {@code total} {@code unit}s ({@code total} ≤ 0 when unknown). */
    public synchronized void update(String task, long done, long total, String unit, String detail) {
        if (!enabled) {
            return;
        }
        Task t = tasks.computeIfAbsent(task, k -> new Task());
        t.done = done;
        t.total = total;
        t.unit = unit;
        t.detail = detail == null ? "" : detail;
        redraw(false);
    }

    /** Removes a task, printing {@code line} above the bar if not null. */
    public synchronized void finish(String task, String line) {
        tasks.remove(task);
        if (!enabled) {
            return;
        }
        if (line != null) {
            clear();
            out.println(Terminal.escapeText(line));
        }
        redraw(true);
    }

    /** Prints a line above the bar; nothing when disabled (results are printed by the callers themselves). */
    public synchronized void println(String line) {
        if (!enabled) {
            return;
        }
        clear();
        out.println(Terminal.escapeText(line));
        redraw(true);
    }

    private void redraw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        if (tasks.isEmpty()) {
            clear();
            return;
        }
        long done = 0;
        long total = 0;
        String unit = null;
        boolean sameUnit = true;
        StringBuilder names = new StringBuilder();
        long start = Long.MAX_VALUE;
        for (Map.Entry<String, Task> e : tasks.entrySet()) {
            Task t = e.getValue();
            if (unit == null) {
                unit = t.unit;
            } else if (!unit.equals(t.unit)) {
                sameUnit = false;
            }
            done += Math.max(0, t.done);
            total += Math.max(0, t.total);
            start = Math.min(start, t.startNanos);
            if (names.length() > 0) {
                names.append(" | ");
            }
            names.append(Terminal.escape(e.getKey()));
            if (!t.detail.isEmpty()) {
                names.append(' ').append(Terminal.escape(t.detail));
            }
        }
        StringBuilder line = new StringBuilder();
        if (sameUnit && total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(f * BAR);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", Math.round(f * 100)))
                    .append(amount(done, unit)).append('/').append(amount(total, unit));
            double secs = (now - start) / 1e9;
            if ("bytes".equals(unit) && secs > 0.5) {
                line.append(String.format(Locale.ROOT, "  %.1f MiB/s", done / secs / (1 << 20)));
            }
            line.append("  ");
        }
        line.append(names);
        String s = line.length() > 160 ? line.substring(0, 157) + "..." : line.toString();
        out.print("\r" + s + " ".repeat(Math.max(0, lastWidth - s.length())));
        out.flush();
        lastWidth = s.length();
    }

    private void clear() {
        if (lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
            lastWidth = 0;
        }
    }

    private static String amount(long v, String unit) {
        if ("bytes".equals(unit)) {
            return String.format(Locale.ROOT, "%.1f MiB", v / (double) (1 << 20));
        }
        return v + (unit == null || unit.isEmpty() ? "" : " " + unit);
    }

    /** Clears the line. */
    @Override
    public synchronized void close() {
        tasks.clear();
        if (enabled) {
            clear();
        }
    }
}

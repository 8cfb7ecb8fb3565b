package io.drkit.examples.job;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A print stream that stamps every completed line with a number from a counter shared with {@link MockApiServer},
 * so that the order of printed lines and API requests can be asserted.
 */
final class SequencedOutput extends OutputStream {
    /** One printed line. */
    record Line(long seq, String text) {
    }

    private final AtomicLong sequence;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final List<Line> lines = new ArrayList<>();
    private final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

    SequencedOutput(AtomicLong sequence) {
        this.sequence = sequence;
    }

    PrintStream stream() {
        return stream;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines.add(new Line(sequence.incrementAndGet(), current.toString(StandardCharsets.UTF_8)));
            current.reset();
        } else {
            current.write(b);
        }
    }

    synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Everything printed, one line per line. */
    synchronized String text() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.text()).append('\n'));
        return sb.append(current.toString(StandardCharsets.UTF_8)).toString();
    }

    /** The first line matching {@code p}. */
    synchronized Optional<Line> first(Predicate<String> p) {
        return lines.stream().filter(l -> p.test(l.text())).findFirst();
    }
}

package io.drkit.core.util;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with left-aligned columns, as {@code kubectl get} prints. Cells are shown through
 * {@link Terminal#escape(CharSequence)}: a name with a line break or an escape sequence stays on its row and is shown,
 * not interpreted by the terminal. A cell is at most {@value #MAX_CELL_LENGTH} characters (a longer one ends with
 * {@code …}), so one long message cannot stretch every row: the JSON documents carry the whole text.
 */
public final class TextTable {
    /** The longest cell shown; longer cells are cut and end with {@code …}. */
    public static final int MAX_CELL_LENGTH = 200;

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    /** A table with these column headers. */
    public TextTable(String... header) {
        this.header = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            this.header[i] = Terminal.escape(header[i]);
        }
    }

    /**
     * Adds a row; missing cells are blank, extra cells are ignored; control characters are escaped; cells longer than
     * {@value #MAX_CELL_LENGTH} characters are cut.
     */
    public TextTable row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            String c = i < cells.length && cells[i] != null ? Terminal.escape(String.valueOf(cells[i])) : "";
            r[i] = c.length() <= MAX_CELL_LENGTH ? c : c.substring(0, MAX_CELL_LENGTH - 1) + "…";
        }
        rows.add(r);
        return this;
    }

    /** Whether no rows were added. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table text, one line per row, ending with a newline. */
    public String render() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        rows.forEach(r -> line(sb, r, w));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(cells[i]);
            if (i < cells.length - 1) {
                l.append(" ".repeat(w[i] - cells[i].length() + 2));
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}

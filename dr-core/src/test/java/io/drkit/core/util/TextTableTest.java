package io.drkit.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void aLongCellIsCutSoThatOneMessageCannotStretchTheTable() {
        String long1 = "failed: " + "connection refused; ".repeat(100);
        String text = new TextTable("PVC", "DETAIL").row("a/b", long1).row("c/d", "ok").render();
        String row = text.lines().filter(l -> l.startsWith("a/b")).findFirst().orElseThrow();
        assertThat(row.substring(row.indexOf("failed"))).hasSize(TextTable.MAX_CELL_LENGTH).endsWith("…");
        assertThat(text).contains("c/d  ok");
    }

    @Test
    void cellsUpToTheBoundAreShownWhole() {
        String exact = "x".repeat(TextTable.MAX_CELL_LENGTH);
        assertThat(new TextTable("A").row(exact).render()).isEqualTo("A\n" + exact + "\n");
    }
}

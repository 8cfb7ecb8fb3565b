package io.drkit.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTest {
    private static final String HOSTILE = "vol\u001b]0;pwned\u0007\u001b[2J\rX\u0085\u202eevil\u2066";

    @Test
    void escapesEscBelCrC1AndBidiControls() {
        assertThat(Terminal.escape(HOSTILE)).isEqualTo(
                "vol\\u001b]0;pwned\\u0007\\u001b[2J\\u000dX\\u0085\\u202eevil\\u2066");
        assertThat(Terminal.escape("plain name-1 äöü 日本")).isEqualTo("plain name-1 äöü 日本");
    }

    @Test
    void multiLineTextKeepsLineBreaksOneLineMessagesDoNot() {
        assertThat(Terminal.escapeText("a\nb\r\nc\rd\u001b\te")).isEqualTo("a\nb\r\nc\\u000dd\\u001b\te");
        assertThat(Terminal.escape("a\tb")).isEqualTo("a\\u0009b");
        assertThat(Terminal.oneLine("first\nsecond\r\nthird\tfourth\u001b[31m")).isEqualTo(
                "first second third fourth\\u001b[31m");
    }

    @Test
    void tableCellsAreEscapedAndStayOnTheirRow() {
        String table = new TextTable("NAME", "DETAIL").row("a\nb\u001b[2J", "x").render();
        assertThat(table.lines()).hasSize(2);
        assertThat(table).doesNotContain("\u001b").contains("a\\u000ab\\u001b[2J");
    }

    @Test
    void theSafeStreamEscapesWhatIsPrintedAndKeepsJsonExact() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream safe = Terminal.safe(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        safe.println("dir " + HOSTILE);
        String json = new ObjectMapper().writeValueAsString(Map.of("label", HOSTILE));
        safe.println(json);
        safe.print("no newline \u001b");
        safe.flush();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\u001b", "\u0007", "\r", "\u0085", "\u202e", "\u2066")
                .contains("dir vol\\u001b]0;pwned").endsWith("no newline \\u001b");
        String jsonLine = out.lines().toList().get(1);
        assertThat(new ObjectMapper().readTree(jsonLine).get("label").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void aLoneC1ByteIsEscapedButValidUtf8IsKept() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream safe = Terminal.safe(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        safe.write(new byte[] {'a', (byte) 0x9b, '2', 'J', (byte) 0xc3, (byte) 0xa4, '\n'}, 0, 7);
        safe.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("a\\u009b2Jä\n");
    }
}

package io.drkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlanDemoTest {

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            PlanDemo.main(args);
        } finally {
            System.setOut(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsThePlanOfTheCriticalVolumesAsATableOrJson() {
        assertThat(run()).contains("Restore plan from in-memory catalog").contains("karakeep/data-pvc")
                .contains("DATA_LOSS_GUARD").contains("4 restore(s)");
        assertThat(run("json")).contains("\"kind\" : \"RestorePlan\"").contains("\"pvc\" : \"immich/library\"");
    }
}

package io.drkit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.InvalidInputException;
import io.drkit.core.JsonLimits;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.model.PvcRef;
import io.drkit.core.testing.InMemoryBackupCatalog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A plan file is untrusted input: every step is checked against the planner's own rules when the plan is read, and
 * the error names the JSON path (issue 11, item 4).
 */
class RestorePlanValidationTest {
    private static final ObjectMapper M = new ObjectMapper();

    /** karakeep (32 MiB) and immich (64 MiB), both critical, each with one complete backup. */
    static InMemoryBackupCatalog catalog() {
        return InMemoryBackupCatalog.builder()
                .volume("pvc-karakeep", v -> v.size(32L << 20).pvc("karakeep/data-pvc").group("critical")
                        .backup("backup-aaaa000000000001", "2026-11-24T03:00:00Z", 10L << 20))
                .volume("pvc-immich", v -> v.size(64L << 20).pvc("immich/library").group("critical")
                        .backup("backup-bbbb000000000001", "2026-11-22T03:00:00Z", 20L << 20))
                .build();
    }

    static RestorePlan plan() {
        return RestorePlanner.standard().plan(RestoreRequest.builder().group("critical").build(), catalog(),
                ClusterState.offline());
    }

    /** The plan's JSON with the karakeep step edited. */
    static String edited(Consumer<ObjectNode> edit) {
        try {
            ObjectNode root = (ObjectNode) M.readTree(plan().toJson());
            for (JsonNode s : root.get("steps")) {
                if (s.get("pvc").asText().equals("karakeep/data-pvc")) {
                    edit.accept((ObjectNode) s);
                }
            }
            return M.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int karakeepIndex() {
        RestorePlan p = plan();
        return p.steps().indexOf(p.getStep(PvcRef.parse("karakeep/data-pvc")));
    }

    @Test
    void theUneditedPlanIsAccepted() {
        RestorePlan p = plan();
        assertThat(p.steps()).hasSize(2);
        assertThat(RestorePlan.fromJson(p.toJson())).isEqualTo(p);
    }

    @Test
    void aBackupUrlSwappedForAnotherVolumesBackupIsRefusedWithItsPath() {
        String immichUrl = plan().getStep(PvcRef.parse("immich/library")).fromBackup().url();
        String json = edited(s -> ((ObjectNode) s.get("backup")).put("url", immichUrl));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("steps[" + karakeepIndex() + "].backup.url")
                .hasMessageContaining("backup-bbbb000000000001 of volume pvc-immich")
                .hasMessageContaining("backup-aaaa000000000001 of volume pvc-karakeep");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "pvName | a/b | pvName",
        "volumeName | Not_A_Label | volumeName",
        "volumeName | a-volume-name-that-is-longer-than-forty-chars | volumeName",
        "fsType | ../../bin/sh | fsType",
        "backup.state | IN_PROGRESS | backup.state",
        "backup.name | ../../x | backup.name",
        "backup.volumeName | ../../x | backup.volumeName",
        "storageClassName | ../x | storageClassName",
        "dataEngine | v9 | dataEngine",
        "backup.url | s3://backups@us-east-1/ | backup.url",
        "backup.url | s3://backups@us-east-1/?backup=backup-aaaa000000000001&token=T0K&volume=pvc-karakeep | backup.url",
    })
    void aHostileTextFieldIsRefusedWithItsPath(String field, String value, String path) {
        String json = edited(s -> set(s, field, M.getNodeFactory().textNode(value)));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("plan document: steps[" + karakeepIndex() + "]." + path + ":");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "replicas | -1 | replicas",
        "replicas | 21 | replicas",
        "sizeBytes | -5 | sizeBytes",
        "sizeBytes | 1048576 | sizeBytes",
        "staleReplicaTimeout | -1 | staleReplicaTimeout",
        "backup.volumeSize | -1 | backup.volumeSize",
    })
    void aHostileNumberIsRefusedWithItsPath(String field, long value, String path) {
        String json = edited(s -> set(s, field, M.getNodeFactory().numberNode(value)));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("plan document: steps[" + karakeepIndex() + "]." + path + ":");
    }

    @Test
    void aBogusAccessModeIsRefusedNotTurnedIntoRwo() {
        String json = edited(s -> ((ArrayNode) s.get("accessModes")).add("ReadWriteEverything"));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("steps[" + karakeepIndex() + "].accessModes[1]")
                .hasMessageContaining("ReadWriteEverything");
        String none = edited(s -> s.putArray("accessModes"));
        assertThatThrownBy(() -> RestorePlan.fromJson(none)).hasMessageContaining("accessModes: no access mode");
    }

    @Test
    void aStepWithoutTheStorageClassThePlannerDecidesIsRefusedWithItsPath() {
        String json = edited(s -> s.remove("storageClassName"));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("plan document: steps[" + karakeepIndex() + "].storageClassName: no storage class");
        assertThat(plan().steps()).allSatisfy(s -> assertThat(s.storageClassName()).isNotEmpty());
    }

    @Test
    void numbersAndBooleansMustHaveTheirType() {
        String text = edited(s -> s.put("replicas", "three"));
        assertThatThrownBy(() -> RestorePlan.fromJson(text)).hasMessageContaining(".replicas is not an integer");
        String fraction = edited(s -> s.put("sizeBytes", 1.5));
        assertThatThrownBy(() -> RestorePlan.fromJson(fraction)).hasMessageContaining(".sizeBytes is missing or not an integer");
        String yes = edited(s -> s.put("createPvc", "yes"));
        assertThatThrownBy(() -> RestorePlan.fromJson(yes)).hasMessageContaining(".createPvc is not true or false");
    }

    @Test
    void aRecurringJobGroupThatIsNoLabelNameIsRefused() {
        String json = edited(s -> ((ArrayNode) s.get("recurringJobGroups")).add("x/../y"));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).hasMessageContaining(".recurringJobGroups[");
    }

    @Test
    void twoStepsIntoOneVolumeOrPvAreRefused() {
        RestorePlan p = plan();
        String other = p.steps().get(1 - karakeepIndex()).volumeName();
        String json = edited(s -> s.put("volumeName", other).put("pvName", "unique-pv"));
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(".volumeName: volume " + other + " is already restored by steps[");
    }

    @Test
    void aDuplicateFieldCannotHideASecondUrl() {
        String json = plan().toJson().replaceFirst("\"url\" : (\"[^\"]*\")", "\"url\" : $1, \"url\" : \"s3://x@y/?backup=b-1&volume=v-1\"");
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Duplicate field 'url'");
    }

    @Test
    void aStepCountOverTheBoundFailsWithTheBoundWhileStreaming() {
        // 100,000 steps, generated while they are read: the reader must stop at the bound, not hold them all
        String head = plan().toJson();
        String before = head.substring(0, head.indexOf("\"steps\" : [") + "\"steps\" : [".length());
        String step = "{\"pvc\":\"a/b\",\"volumeName\":\"v\",\"pvName\":\"v\",\"sizeBytes\":1,\"storageClassName\":\"longhorn\","
                + "\"accessModes\":[\"ReadWriteOnce\"],\"backup\":{\"name\":\"b-1\","
                + "\"volumeName\":\"v-1\",\"state\":\"COMPLETED\",\"url\":\"s3://b@r/?backup=b-1&volume=v-1\"}}";
        Reader hundredThousand = new GeneratedReader(before, step, 100_000, "], \"skips\" : [], \"warnings\" : [] }");
        assertThatThrownBy(() -> RestorePlan.fromJson(hundredThousand)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("restore plan field steps has more than " + JsonLimits.PLAN.maxEntries()
                        + " entries (limit)");
    }

    @Test
    void aPlanFileLargerThanTheDocumentBoundIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("plan.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(JsonLimits.PLAN.maxDocumentBytes() + 1); // sparse: costs no disk
        }
        assertThatThrownBy(() -> RestorePlan.read(big)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("more than the restore plan limit of " + JsonLimits.PLAN.maxDocumentBytes());
    }

    @Test
    void aPlanStreamLargerThanTheDocumentBoundFailsWithTheBound() {
        // an unknown field is skipped without being held; the document bound still stops the stream
        String head = "{\"kind\":\"RestorePlan\",\"schemaVersion\":1,\"padding\":[";
        Reader endless = new GeneratedReader(head, "\"" + "x".repeat(4000) + "\"", Long.MAX_VALUE, "]}");
        assertThatThrownBy(() -> RestorePlan.fromJson(endless)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("restore plan exceeds a limit: Document length");
    }

    @Test
    void oneStepOverTheItemBoundFailsWithTheBound() {
        String json = edited(s -> {
            ArrayNode notes = s.putArray("notes");
            for (int i = 0; i < 300_000; i++) {
                notes.add(i);
            }
        });
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("restore plan exceeds a limit: steps[").hasMessageContaining("(limit)");
    }

    @Test
    void labelsOverTheBoundAreRefused() {
        String json = edited(s -> {
            ObjectNode labels = (ObjectNode) s.get("backup").get("labels");
            for (int i = 0; i <= JsonLimits.PLAN.maxEntries(); i++) {
                labels.put("l" + i, "v");
            }
        });
        assertThatThrownBy(() -> RestorePlan.fromJson(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backup.labels").hasMessageContaining("(limit)");
    }

    @Test
    void readsAPlanFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        RestorePlan p = plan();
        Path file = java.nio.file.Files.writeString(dir.resolve("plan.json"), p.toJson());
        assertThat(RestorePlan.read(file)).isEqualTo(p);
        Path bad = java.nio.file.Files.writeString(dir.resolve("bad.json"), edited(s -> s.put("fsType", "zfs")));
        assertThatThrownBy(() -> RestorePlan.read(bad)).hasMessageStartingWith(bad + ": plan document: steps[");
        Path latin1 = java.nio.file.Files.write(dir.resolve("latin1.json"), new byte[] {'{', (byte) 0xE9, '}'});
        assertThatThrownBy(() -> RestorePlan.read(latin1)).isInstanceOf(InvalidInputException.class);
    }

    private static void set(ObjectNode step, String field, JsonNode value) {
        if (field.startsWith("backup.")) {
            ((ObjectNode) step.get("backup")).set(field.substring("backup.".length()), value);
        } else {
            step.set(field, value);
        }
    }

    /** A reader that produces {@code head}, {@code count} times {@code item} (comma separated), then {@code tail}. */
    static final class GeneratedReader extends Reader {
        private final String head;
        private final String item;
        private final long count;
        private final String tail;
        private long emitted;
        private String current;
        private int pos;
        private boolean done;

        GeneratedReader(String head, String item, long count, String tail) {
            this.head = head;
            this.item = item;
            this.count = count;
            this.tail = tail;
            this.current = head;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            while (pos == current.length()) {
                if (done) {
                    return -1;
                }
                pos = 0;
                if (emitted < count) {
                    current = (emitted == 0 ? "" : ",") + item;
                    emitted++;
                } else {
                    current = tail;
                    done = true;
                }
            }
            int n = Math.min(len, current.length() - pos);
            current.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}

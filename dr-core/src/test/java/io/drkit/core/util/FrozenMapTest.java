package io.drkit.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.model.Backup;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The immutable, order-keeping map the model's records copy their label and parameter maps into. */
class FrozenMapTest {

    @Test
    void copiesInOrderBehavesAsAMapAndCannotBeChanged() {
        Map<String, String> src = new LinkedHashMap<>();
        src.put("z", "1");
        src.put("a", "2");
        src.put("m", null);
        Map<String, String> f = FrozenMap.copyOf(src);
        src.put("z", "changed");
        assertThat(f.keySet()).containsExactly("z", "a", "m");
        assertThat(f).containsEntry("z", "1").containsEntry("m", null).hasSize(3);
        assertThat(f.get("nope")).isNull();
        assertThat(f.containsKey("m")).isTrue();
        Map<String, String> same = new HashMap<>(Map.of("a", "2", "z", "1"));
        same.put("m", null);
        assertThat(f).isEqualTo(same);
        assertThat(f.hashCode()).isEqualTo(same.hashCode());
        assertThat(f.toString()).isEqualTo("{z=1, a=2, m=null}");
        assertThatThrownBy(() -> f.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.remove("z")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.entrySet().iterator().next().setValue("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(FrozenMap.copyOf(null)).isEmpty();
    }

    @Test
    void aFrozenMapIsSharedNotCopiedAgainAndLargeMapsStayOrdered() {
        Map<String, String> f = FrozenMap.copyOf(Map.of("k", "v"));
        assertThat(FrozenMap.copyOf(f)).isSameAs(f);
        Map<String, String> big = new LinkedHashMap<>();
        for (int i = FrozenMap.MAX_COMPACT * 2; i > 0; i--) {
            big.put("key-" + i, "v" + i);
        }
        Map<String, String> large = FrozenMap.copyOf(big);
        assertThat(large.keySet()).containsExactlyElementsOf(big.keySet());
        assertThat(large.get("key-7")).isEqualTo("v7");
        assertThat(FrozenMap.copyOf(large)).isSameAs(large);
        assertThatThrownBy(() -> large.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void backupsBuiltFromTheSameFrozenLabelsShareThem() {
        Map<String, String> labels = FrozenMap.copyOf(Map.of("KubernetesStatus", "{}"));
        Backup a = new Backup("a", "v", null, null, null, 1, 1, labels, null, null, 0, null, labels, null);
        Backup b = new Backup("b", "v", null, null, null, 1, 1, labels, null, null, 0, null, labels, null);
        assertThat(a.labels()).isSameAs(b.labels()).isSameAs(labels);
        Map<String, String> mutable = new LinkedHashMap<>(Map.of("k", "v"));
        Backup c = new Backup("c", "v", null, null, null, 1, 1, mutable, null, null, 0, null, null, null);
        mutable.put("k2", "v2");
        assertThat(c.labels()).containsOnlyKeys("k");
        assertThat(c.parameters()).isEmpty();
    }
}

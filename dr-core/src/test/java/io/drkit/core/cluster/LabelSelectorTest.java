package io.drkit.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {
    private static final Map<String, String> CRITICAL = Map.of("data-tier", "critical", "app", "karakeep");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "data-tier=critical                 | true",
        "data-tier==critical                | true",
        "data-tier=bulk                     | false",
        "data-tier!=bulk                    | true",
        "missing!=x                         | true",
        "app                                | true",
        "!app                               | false",
        "!missing                           | true",
        "data-tier in (critical,gold)       | true",
        "data-tier notin (critical)         | false",
        "data-tier=critical,app=karakeep    | true",
        "data-tier=critical,app=immich      | false",
        "example.com/tier in (a), app       | false",
    })
    void evaluatesLikeKubernetes(String selector, boolean expected) {
        assertThat(LabelSelector.parse(selector).matches(CRITICAL)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a=b,,c", "tier in ()", "bad key=x"})
    void rejectsMalformedSelectors(String s) {
        assertThatThrownBy(() -> LabelSelector.parse(s)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data-tier=critical", "a!=b,c", "t in (x,y),!z"})
    void printsACanonicalFormThatParsesBack(String s) {
        LabelSelector sel = LabelSelector.parse(s);
        assertThat(LabelSelector.parse(sel.toString())).isEqualTo(sel);
    }
}

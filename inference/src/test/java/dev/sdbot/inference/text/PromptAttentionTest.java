package dev.sdbot.inference.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptAttentionTest {
    static final Path CASES = Fixtures.LDM.resolveSibling("prompt-syntax").resolve("a1111-attention.json");

    static Stream<Object[]> a1111Cases() throws IOException {
        JsonArray cases = JsonParser.parseString(Files.readString(CASES)).getAsJsonArray();
        assertThat(cases).hasSize(31);
        List<Object[]> args = new ArrayList<>();
        for (JsonElement c : cases) {
            List<PromptAttention.Span> expected = new ArrayList<>();
            for (JsonElement span : c.getAsJsonObject().getAsJsonArray("parsed")) {
                JsonArray pair = span.getAsJsonArray();
                expected.add(new PromptAttention.Span(pair.get(0).getAsString(), pair.get(1).getAsDouble()));
            }
            args.add(new Object[] {c.getAsJsonObject().get("prompt").getAsString(), expected});
        }
        return args.stream();
    }

    /** Exactly A1111's output, weights to the last bit (the same multiplications in the same order). */
    @ParameterizedTest
    @MethodSource("a1111Cases")
    void parsesAsA1111(String prompt, List<PromptAttention.Span> expected) {
        assertThat(PromptAttention.parse(prompt)).containsExactlyElementsOf(expected);
    }

    @Test
    void aWeightThatIsNotANumberIsAClearError() {
        assertThatThrownBy(() -> PromptAttention.parse("a (cat:1.2.3) b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'1.2.3' is not a number");
    }
}

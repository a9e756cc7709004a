package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PromptEmphasisTest {

    @Test
    void weightsTokensAndRestoresTheMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two prompts, three tokens, width two
            NDArray hidden = m.create(new float[]{1, 2, 3, 4, 5, 6, -1, 1, 2, 2, 3, 1}, new Shape(2, 3, 2));
            float[][] weights = {{1, 2, 1}, {1, 1, 1}};
            float[] out = PromptEmphasis.apply(hidden, weights).toFloatArray();
            // prompt 0: mean 3.5; weighted 1,2,6,8,5,6 has mean 14/3; factor 3.5 / (14/3) = 0.75
            float[] expected = {0.75f, 1.5f, 4.5f, 6f, 3.75f, 4.5f, -1, 1, 2, 2, 3, 1};
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isCloseTo(expected[i], within(1e-6f));
            }
            assertThat(PromptEmphasis.apply(hidden, new float[][]{{1, 1, 1}, {1, 1, 1}})).isSameAs(hidden);
            assertThatThrownBy(() -> PromptEmphasis.apply(hidden, new float[][]{{1, 1}, {1, 1}}))
                    .hasMessageContaining("2 weights for 3 tokens");
        }
    }
}

package dev.sdbot.inference.lora;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoraPromptTest {

    @Test
    void tagsAreTakenOutBeforeTheAttentionSyntaxSeesThem() {
        LoraPrompt p = LoraPrompt.parse("<lora:add_detail:0.8> a (castle:1.1)");
        assertThat(p.text()).isEqualTo(" a (castle:1.1)");
        assertThat(p.loras()).containsExactly(new LoraTag("add_detail", 0.8, 0.8));
    }

    @Test
    void weightDefaultsToOneAndTheSecondWeightIsTheUNets() {
        LoraPrompt p = LoraPrompt.parse("a <lora:one>, b <lora:two:0.5:-0.25> c<lora:three:2>");
        assertThat(p.text()).isEqualTo("a , b  c");
        assertThat(p.loras()).containsExactly(new LoraTag("one", 1, 1), new LoraTag("two", 0.5, -0.25),
                new LoraTag("three", 2, 2));
        assertThat(p.loras().get(1).tag()).isEqualTo("<lora:two:0.5:-0.25>");
        assertThat(p.loras().get(2).tag()).isEqualTo("<lora:three:2>");
    }

    @Test
    void otherAngleBracketsStayText() {
        LoraPrompt p = LoraPrompt.parse("<hypernet:x:1> a <b> <lora:> c");
        assertThat(p.text()).isEqualTo("<hypernet:x:1> a <b> <lora:> c");
        assertThat(p.loras()).isEmpty();
    }

    @Test
    void malformedTagsAreRefusedWithTheTag() {
        assertThatThrownBy(() -> LoraPrompt.parse("a <lora:x:lots>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<lora:x:lots>").hasMessageContaining("'lots' is not a number");
        assertThatThrownBy(() -> LoraPrompt.parse("<lora:x:1:1:1>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed LoRA tag <lora:x:1:1:1>");
        assertThatThrownBy(() -> LoraPrompt.parse("<lora: :1>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoraPrompt.parse("<lora:x:NaN>")).isInstanceOf(IllegalArgumentException.class);
    }
}

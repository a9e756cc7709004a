package dev.sdbot.inference.text;

import dev.sdbot.inference.lora.LoraTag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one parse of a prompt: LoRA tags (positive prompt only), attention spans, and the text the encoder reads. */
class ParsedPromptTest {

    @Test
    void takesOutLoraTagsThenParsesAttention() {
        ParsedPrompt p = ParsedPrompt.of("<lora:add_detail:0.8> a (castle:1.2) BREAK [moat]");
        assertThat(p.loras()).containsExactly(new LoraTag("add_detail", 0.8, 0.8));
        assertThat(p.text()).isEqualTo(" a (castle:1.2) BREAK [moat]");
        assertThat(p.spans()).isEqualTo(PromptAttention.parse(p.text()));
        assertThat(p.encodedText()).isEqualTo(" a castle moat");
        assertThat(p.encodedTexts()).containsExactly(p.encodedText());
    }

    @Test
    void theEncodedTextJoinsWhatTheSyntaxSplit() {
        assertThat(ParsedPrompt.of("nu\\de").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("nu()de").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("nu[]de").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("((nu))((de))").spans()).containsExactly(new PromptAttention.Span("nude", 1.1 * 1.1));
        assertThat(ParsedPrompt.of("nu<lora:x:0>de").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("\\(literal\\)").encodedText()).isEqualTo("(literal)");
    }

    @Test
    void aNegativePromptKeepsLoraTagsAsText() {
        ParsedPrompt p = ParsedPrompt.attention("nu<lora:x:0>de");
        assertThat(p.loras()).isEmpty();
        assertThat(p.encodedText()).isEqualTo("nu<lora:x:0>de");
    }

    @Test
    void malformedSyntaxIsRefusedWithASentence() {
        assertThatThrownBy(() -> ParsedPrompt.of("a (cat:1.2.3)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1.2.3' is not a number");
        assertThatThrownBy(() -> ParsedPrompt.of("<lora:x:lots>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed LoRA tag");
    }
}

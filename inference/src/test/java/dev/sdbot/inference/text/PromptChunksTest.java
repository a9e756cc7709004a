package dev.sdbot.inference.text;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromptChunksTest {
    private static final ClipTokenizer SD15 = ClipTokenizer.bundled(49407);
    private static final ClipTokenizer SD2 = ClipTokenizer.bundled(0);

    @Test
    void aShortUnweightedPromptIsOneChunkFramedAsDiffusersFramesIt() {
        for (ClipTokenizer tokenizer : List.of(SD15, SD2)) {
            List<PromptChunks.Chunk> chunks = PromptChunks.of(tokenizer, "a red fox in the snow");
            assertThat(chunks).hasSize(1);
            assertThat(chunks.get(0).ids()).containsExactly(tokenizer.encode("a red fox in the snow"));
            assertThat(chunks.get(0).weighted()).isFalse();
        }
    }

    @Test
    void weightsFollowTheirTokensAndSyntaxIsNotTokenized() {
        PromptChunks.Chunk chunk = PromptChunks.of(SD15, "a (red:1.5) [apple]").get(0);
        int[] plain = SD15.encode("a red apple");
        assertThat(chunk.ids()).containsExactly(plain);
        assertThat(chunk.weights()[0]).isEqualTo(1f);
        assertThat(chunk.weights()[1]).isEqualTo(1f);
        assertThat(chunk.weights()[2]).isEqualTo(1.5f);
        assertThat(chunk.weights()[3]).isEqualTo((float) (1 / 1.1));
        assertThat(chunk.weights()[4]).as("EOS").isEqualTo(1f);
    }

    @Test
    void longPromptsBecomeSeveralChunksAndNothingIsCut() {
        String prompt = String.join(" ", java.util.Collections.nCopies(160, "cat"));
        List<PromptChunks.Chunk> chunks = PromptChunks.of(SD15, prompt);
        assertThat(chunks).hasSize(3);
        int cat = SD15.tokenize("cat")[0];
        long cats = chunks.stream().flatMapToInt(c -> Arrays.stream(c.ids())).filter(id -> id == cat).count();
        assertThat(cats).isEqualTo(160);
        for (PromptChunks.Chunk c : chunks) {
            assertThat(c.ids()).hasSize(77);
            assertThat(c.ids()[0]).isEqualTo(SD15.bosId());
        }
        assertThat(chunks.get(0).ids()[76]).isEqualTo(SD15.eosId());
    }

    @Test
    void aFullChunkBreaksAfterTheLastCommaWithinTwentyTokens() {
        // 70 tokens, a comma (token 71), then 10 more: the chunk fills at 75, the comma is 4 back, so the
        // 4 tokens after the comma move to the next chunk with everything that follows
        String prompt = String.join(" ", java.util.Collections.nCopies(70, "cat")) + ", "
                + String.join(" ", java.util.Collections.nCopies(10, "dog"));
        List<PromptChunks.Chunk> chunks = PromptChunks.of(SD15, prompt);
        assertThat(chunks).hasSize(2);
        int comma = SD15.tokenize(",")[0];
        int dog = SD15.tokenize("dog")[0];
        assertThat(chunks.get(0).ids()[71]).isEqualTo(comma);
        assertThat(chunks.get(0).ids()[72]).isEqualTo(SD15.eosId());
        assertThat(Arrays.stream(chunks.get(1).ids()).filter(id -> id == dog).count()).isEqualTo(10);
        assertThat(chunks.get(1).ids()[1]).isEqualTo(dog);
    }

    @Test
    void noCommaNearTheEndCutsAtSeventyFive() {
        String prompt = "cat, " + String.join(" ", java.util.Collections.nCopies(100, "dog"));
        List<PromptChunks.Chunk> chunks = PromptChunks.of(SD15, prompt);
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).ids()[75]).isEqualTo(SD15.tokenize("dog")[0]);
    }

    @Test
    void breakStartsANewChunkAndNegativePromptsArePaddedWithEmptyChunks() {
        List<PromptChunks.Chunk> chunks = PromptChunks.of(SD15, "a castle BREAK a dragon");
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(1).ids()).containsExactly(SD15.encode("a dragon"));
        List<PromptChunks.Chunk> negative = PromptChunks.padTo(SD15, PromptChunks.of(SD15, "blurry"), 2);
        assertThat(negative).hasSize(2);
        assertThat(negative.get(1).ids()).containsExactly(SD15.encode(""));
    }

    @Test
    void anEmbeddingNameBecomesOnePlaceholderPerVectorWithItsSpansWeight() {
        EmbeddingNames names = EmbeddingNames.of(SD15, java.util.Map.of("EasyNegative", 3));
        PromptChunks.Chunk chunk = PromptChunks.of(SD15, "a (easynegative:1.2) cat", names).get(0);
        int[] a = SD15.tokenize("a");
        assertThat(chunk.ids()[1]).isEqualTo(a[0]);
        assertThat(Arrays.copyOfRange(chunk.ids(), 2, 5)).containsOnly(0);
        assertThat(chunk.ids()[5]).isEqualTo(SD15.tokenize("cat")[0]);
        assertThat(chunk.weights()[3]).isEqualTo(1.2f);
        assertThat(chunk.fixes()).containsExactly(new PromptChunks.Fix(2, "EasyNegative", 3));
    }

    @Test
    void aNameIsMatchedOnWholeTokensAndAnUnknownOrCutWordStaysPlainText() {
        EmbeddingNames names = EmbeddingNames.of(SD15, List.of("EasyNegative"));
        for (String plain : List.of("easynegatives", "(easy)negative", "easy negative")) {
            assertThat(PromptChunks.of(SD15, plain, names).get(0).fixes()).as(plain).isEmpty();
            assertThat(PromptChunks.of(SD15, plain, names).get(0).ids()).as(plain)
                    .containsExactly(PromptChunks.of(SD15, plain).get(0).ids());
        }
        assertThat(ParsedPrompt.attention("EASYNEGATIVE, (easy)negative").embeddings(List.of("EasyNegative")))
                .containsExactly("EasyNegative");
    }

    @Test
    void anEmbeddingThatDoesNotFitTheRestOfAChunkStartsTheNextOneWhole() {
        EmbeddingNames names = EmbeddingNames.of(SD15, java.util.Map.of("tenvec", 10));
        String prompt = String.join(" ", java.util.Collections.nCopies(70, "cat")) + " tenvec";
        List<PromptChunks.Chunk> chunks = PromptChunks.of(SD15, prompt, names);
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).fixes()).isEmpty();
        assertThat(chunks.get(0).ids()[71]).isEqualTo(SD15.eosId());
        assertThat(chunks.get(1).fixes()).containsExactly(new PromptChunks.Fix(1, "tenvec", 10));
        assertThat(chunks.get(1).ids()[11]).isEqualTo(SD15.eosId());
    }

    @Test
    void aCommaBacktrackMovesAnEmbeddingsPlaceholdersButLeavesItsFixBehindAsA1111Does() {
        EmbeddingNames names = EmbeddingNames.of(SD15, java.util.Map.of("onered", 1));
        String prompt = String.join(" ", java.util.Collections.nCopies(68, "cat")) + ", onered "
                + String.join(" ", java.util.Collections.nCopies(6, "dog"));
        List<PromptChunks.Chunk> chunks = PromptChunks.of(SD15, prompt, names);
        assertThat(chunks).hasSize(2);
        // A1111's tokenize_line relocates tokens and multipliers, not chunk.fixes: the vector lands on the padding
        assertThat(chunks.get(0).fixes()).containsExactly(new PromptChunks.Fix(70, "onered", 1));
        assertThat(chunks.get(0).ids()[70]).isEqualTo(SD15.eosId());
        assertThat(chunks.get(1).fixes()).isEmpty();
        assertThat(chunks.get(1).ids()[1]).isZero();
    }
}

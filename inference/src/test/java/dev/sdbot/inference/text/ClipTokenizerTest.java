package dev.sdbot.inference.text;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.TokenizerChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTokenizerTest {
    private static final ClipTokenizer SD15 = ClipTokenizer.load(Fixtures.LDM.resolve("mini-sd15/tokenizer"));

    @Test
    void sd15ReferenceIdsMatchExactly() {
        List<CheckResult> results = TokenizerChecks.run("mini-sd15", SD15,
                Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors"));
        assertThat(results).hasSize(6).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }

    @Test
    void sd21vPadsWithExclamationMarkAndMatchesExactly() {
        ClipTokenizer sd21 = ClipTokenizer.load(Fixtures.LDM.resolve("mini-sd21v/tokenizer"));
        assertThat(sd21.padId()).isZero();
        List<CheckResult> results = TokenizerChecks.run("mini-sd21v", sd21,
                Fixtures.LDM.resolve("mini-sd21v-reference/reference.safetensors"));
        assertThat(results).hasSize(3).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }

    @Test
    void bundledVocabularyEqualsTheFolderOne() {
        ClipTokenizer bundled = ClipTokenizer.bundled(49407);
        String prompt = "café crème brûlée, naïve art — 日本の城 (masterpiece:1.2) cat's 4k";
        assertThat(bundled.encode(prompt)).containsExactly(SD15.encode(prompt));
    }

    @Test
    void longPromptsAreChunkedWithoutPadding() {
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            prompt.append("cat ");
        }
        int cat = SD15.tokenize("cat")[0];
        List<int[]> chunks = SD15.chunks(prompt.toString());
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0)).hasSize(75).containsOnly(cat);
        assertThat(chunks.get(1)).hasSize(5).containsOnly(cat);
        assertThat(SD15.chunks("")).singleElement().satisfies(c -> assertThat(c).isEmpty());
        int[] framed = SD15.frame(chunks.get(1));
        assertThat(framed).hasSize(77);
        assertThat(framed[0]).isEqualTo(SD15.bosId());
        assertThat(framed[6]).isEqualTo(SD15.eosId());
    }

    @Test
    void whitespaceAndCaseAreFolded() {
        assertThat(SD15.tokenize("  A\tRED\n\n apple ")).containsExactly(SD15.tokenize("a red apple"));
        assertThat(SD15.tokenize("a<|endoftext|>b")).containsExactly(320, 49407, 321);
    }

    @Test
    void missingFilesAreAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("vocab.json");
    }
}

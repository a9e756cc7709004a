package dev.sdbot.inference.text;

import dev.sdbot.inference.lora.LoraPrompt;
import dev.sdbot.inference.lora.LoraTag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A prompt as the engine reads it, from the one parse every part shares (the engine, the prompt filter, the infotext):
 * its {@code <lora:name:weight>} tags taken out as A1111's extra networks (positive prompt only, as A1111), then the
 * rest parsed for attention ({@link PromptAttention}: weights per span, escapes, BREAK).
 *
 * @param text  the prompt without its LoRA tags: what the attention parser reads
 * @param loras the LoRA tags in prompt order
 * @param spans the attention spans of {@code text}, neighbours of equal weight joined, BREAKs as {@link PromptAttention.Span#BREAK}
 */
public record ParsedPrompt(String text, List<LoraTag> loras, List<PromptAttention.Span> spans) {

    public ParsedPrompt {
        loras = List.copyOf(loras);
        spans = List.copyOf(spans);
    }

    /**
     * A positive prompt: LoRA tags, then attention.
     *
     * @throws IllegalArgumentException for a malformed LoRA tag or attention weight, with a sentence naming it
     */
    public static ParsedPrompt of(String prompt) {
        LoraPrompt extra = LoraPrompt.parse(prompt);
        return new ParsedPrompt(extra.text(), extra.loras(), PromptAttention.parse(extra.text()));
    }

    /**
     * Text with no extra networks: the negative prompt, or a prompt whose LoRA tags are already out: attention only; a {@code <lora:...>} here is
     * plain text to the encoder, as in A1111.
     *
     * @throws IllegalArgumentException for a malformed attention weight
     */
    public static ParsedPrompt attention(String text) {
        return new ParsedPrompt(text, List.of(), PromptAttention.parse(text));
    }

    /**
     * The text the encoder reads: the spans' texts in order, a BREAK as a space. Spans of different weight are
     * tokenized apart, so this joins a little more than the tokenizer does; screening it is the stricter reading.
     * A textual-inversion embedding's name stays here as written: the prompt filter reads it as the word(s) it is
     * (a rule on the name blocks the embedding, and the name cannot hide a word the filter would otherwise see); its
     * vectors are not text and cannot be screened, so which embeddings workers offer is the operator's choice.
     */
    public String encodedText() {
        StringBuilder out = new StringBuilder();
        for (PromptAttention.Span span : spans) {
            out.append(span.isBreak() ? " " : span.text());
        }
        return out.toString();
    }

    /**
     * Every text the engine may encode during the run. One today; a prompt-editing schedule ({@code [a:b:0.5]})
     * gives one per step range, and each must be screened.
     */
    public List<String> encodedTexts() {
        return List.of(encodedText());
    }

    /**
     * The embeddings of {@code names} this prompt uses, in prompt order, each once: each span's tokens matched as
     * A1111 matches them ({@link EmbeddingNames}), so a name cut by attention syntax ({@code (easy)negative}) is
     * plain text, as there.
     */
    public Set<String> embeddings(ClipTokenizer tokenizer, EmbeddingNames names) {
        Set<String> used = new LinkedHashSet<>();
        if (names.isEmpty()) {
            return used;
        }
        for (PromptAttention.Span span : spans) {
            if (span.isBreak()) {
                continue;
            }
            int[] tokens = tokenizer.tokenize(span.text());
            int position = 0;
            while (position < tokens.length) {
                EmbeddingNames.Match match = names.at(tokens, position);
                if (match == null) {
                    position++;
                } else {
                    used.add(match.name());
                    position += match.length();
                }
            }
        }
        return used;
    }

    /**
     * {@link #embeddings(ClipTokenizer, EmbeddingNames)} with CLIP's own vocabulary, which every Stable Diffusion text
     * encoder (SD 1.x, 2.x and both of SDXL's) shares: for front ends that have no model at hand.
     */
    public Set<String> embeddings(Collection<String> names) {
        ClipTokenizer tokenizer = BundledTokenizer.INSTANCE;
        return embeddings(tokenizer, EmbeddingNames.of(tokenizer, names));
    }

    /** Loaded on first use (the vocabulary is a few MB). */
    private static final class BundledTokenizer {
        static final ClipTokenizer INSTANCE = ClipTokenizer.bundled(0);
    }

    /** The LoRA names, in prompt order (duplicates kept). */
    public List<String> loraNames() {
        List<String> names = new ArrayList<>(loras.size());
        loras.forEach(tag -> names.add(tag.name()));
        return names;
    }
}

package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.lora.LoraFile;
import dev.sdbot.inference.lora.LoraLibrary;
import dev.sdbot.inference.lora.LoraTag;
import dev.sdbot.inference.text.ParsedPrompt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The LoRAs a prompt asks for ({@code <lora:name:weight>}), resolved against the library before any work: the prompt
 * text without the tags, the files to merge, A1111's {@code Lora hashes} value and the cache key of the merged model.
 */
record PromptLoras(String text, List<LoraFile> files) {
    /** Marks the cache keys of models with LoRAs merged in; model names never hold it. */
    private static final String KEY_SEPARATOR = "\u0000";

    /** @throws InvalidRequestException for malformed tags and unknown LoRA names (listing the available ones) */
    static PromptLoras of(String prompt, LoraLibrary library) throws InvalidRequestException {
        ParsedPrompt parsed;
        try {
            parsed = ParsedPrompt.of(prompt);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("prompt: " + e.getMessage());
        }
        List<LoraTag> tags = parsed.loras();
        if (tags.isEmpty()) {
            return new PromptLoras(parsed.text(), List.of());
        }
        Map<String, Path> available = library.loras();
        List<LoraFile> files = new ArrayList<>(tags.size());
        for (LoraTag tag : tags) {
            Path path = available.get(tag.name());
            if (path == null) {
                throw new InvalidRequestException("unknown LoRA '" + tag.name() + "'; available: "
                        + (available.isEmpty() ? "none" : String.join(", ", available.keySet())));
            }
            files.add(new LoraFile(tag, path, library.shortHash(path)));
        }
        return new PromptLoras(parsed.text(), List.copyOf(files));
    }

    /** A1111's {@code Lora hashes} value: {@code name: shorthash} per LoRA, or null without LoRAs. */
    String hashes() {
        if (files.isEmpty()) {
            return null;
        }
        return files.stream().map(f -> f.tag().name() + ": " + f.shortHash()).distinct()
                .collect(Collectors.joining(", "));
    }

    /** Whether a model cache key is a merged copy's (not a model name). */
    static boolean isMergedKey(String cacheKey) {
        return cacheKey.contains(KEY_SEPARATOR);
    }

    /** The merged copy's cache key: model + tags + file hashes, so a changed LoRA file is a new entry. */
    String cacheKey(String model) {
        return model + KEY_SEPARATOR + files.stream().map(f -> f.tag().tag() + "#" + f.shortHash())
                .collect(Collectors.joining());
    }
}

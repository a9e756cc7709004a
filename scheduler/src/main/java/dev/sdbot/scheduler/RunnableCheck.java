package dev.sdbot.scheduler;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ModelFamily;

import java.util.Map;
import java.util.Set;

/**
 * Refuses, before queueing, what no live worker could run: a {@code <lora:NAME>} that no live worker publishes
 * (none live = none known: refused, not queued on hope), and a hires fix whose output exceeds every live worker's
 * pixel budget.
 */
final class RunnableCheck {
    private RunnableCheck() {
    }

    /** @throws IllegalArgumentException saying what to change */
    static void check(GenerationRequest r, Set<String> loras, long largestPixelBudget) {
        for (String name : r.loraNames()) { // a malformed tag: IllegalArgumentException naming it
            if (!loras.contains(name)) {
                throw new IllegalArgumentException("unknown LoRA '" + name + "'; available: "
                        + (loras.isEmpty() ? "none" : String.join(", ", loras)));
            }
        }
        if (r.hires() != null && largestPixelBudget > 0 && r.pixels() > largestPixelBudget) {
            throw new IllegalArgumentException("hires fix to " + r.outputWidth() + "x" + r.outputHeight() + " x "
                    + r.count() + " image(s) is " + r.pixels() + " pixels, more than any worker takes ("
                    + largestPixelBudget + "); lower the hires scale, the size or the count");
        }
    }

    /**
     * Refuses a {@code <lora:NAME>} made for another architecture than the model (an SDXL LoRA on an SD 1.x/2.x
     * model or the reverse): its weights would not fit. Unchecked where either family is unknown.
     *
     * @param modelFamily the request's model's family, or null when unknown
     * @throws IllegalArgumentException naming the LoRA, its family and the model's
     */
    static void checkLoraFamilies(GenerationRequest r, Map<String, ModelFamily> loraFamilies, ModelFamily modelFamily) {
        if (modelFamily == null) {
            return;
        }
        for (String name : r.loraNames()) {
            ModelFamily lora = loraFamilies.get(name);
            if (lora != null && !lora.loraFits(modelFamily)) {
                throw new IllegalArgumentException("LoRA `" + name + "` is for " + lora.loraModels()
                        + " models; `" + r.model() + "` is an " + modelFamily.label() + " model");
            }
        }
    }

    /**
     * Refuses a textual-inversion embedding made for another text encoder than the model's (an SDXL embedding on an
     * SD 1.x model, an SD 2.x one on SD 1.x...): A1111 would silently read its name as words. Unchecked where either
     * family is unknown (the engine still checks the exact widths).
     *
     * @throws IllegalArgumentException naming the embedding, its family and the model's
     */
    static void checkEmbeddingFamilies(GenerationRequest r, Map<String, ModelFamily> embeddingFamilies,
                                       ModelFamily modelFamily) {
        if (modelFamily == null || embeddingFamilies.isEmpty()) {
            return;
        }
        for (String name : r.embeddingNames(embeddingFamilies.keySet())) {
            ModelFamily embedding = embeddingFamilies.get(name);
            if (embedding != modelFamily) {
                throw new IllegalArgumentException("embedding `" + name + "` is for " + embedding.label()
                        + " models; `" + r.model() + "` is an " + modelFamily.label() + " model");
            }
        }
    }
}

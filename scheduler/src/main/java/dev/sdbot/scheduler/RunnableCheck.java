package dev.sdbot.scheduler;

import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresUpscaler;
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
     * Refuses an upscale job or a hires fix naming an upscaler no live worker publishes (none live = none known).
     *
     * @param upscalers name → factor over the live workers
     */
    static void checkUpscaler(GenerationRequest r, Map<String, Integer> upscalers) {
        String name = r.isUpscale() ? r.upscaler()
                : r.hires() != null && r.hires().upscaler().isModel() ? r.hires().upscaler().model() : null;
        if (name != null && !upscalers.containsKey(name)) {
            throw new IllegalArgumentException("unknown upscaler '" + name + "'; available: "
                    + (upscalers.isEmpty() ? "none" : String.join(", ", upscalers.keySet()))
                    + (r.isUpscale() ? "" : " (or " + HiresUpscaler.builtInIds() + ")"));
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

    /**
     * Refuses a ControlNet unit naming a ControlNet no live worker publishes, or one made for another family than the
     * model (a family unknown on either side is not checked here; the engine still refuses a net that does not fit).
     *
     * @param modelFamily the request's model's family, or null when unknown
     * @throws IllegalArgumentException naming the ControlNet, its family and the model's
     */
    static void checkControlNets(GenerationRequest r, Set<String> controlNets, Map<String, ModelFamily> families,
                                 ModelFamily modelFamily) {
        for (ControlNetUnit unit : r.controls()) {
            if (!controlNets.contains(unit.model())) {
                throw new IllegalArgumentException("unknown ControlNet '" + unit.model() + "'; available: "
                        + (controlNets.isEmpty() ? "none" : String.join(", ", controlNets)));
            }
            ModelFamily family = families.get(unit.model());
            if (family != null && modelFamily != null && family != modelFamily) {
                throw new IllegalArgumentException("ControlNet `" + unit.model() + "` is for " + family.label()
                        + " models; `" + r.model() + "` is an " + modelFamily.label() + " model");
            }
        }
    }
}

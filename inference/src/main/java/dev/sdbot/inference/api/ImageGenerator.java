package dev.sdbot.inference.api;

import java.util.Map;
import java.util.Set;

/**
 * What a worker runs a job with. The engine implements it with the real pipeline; tests may use
 * a deterministic test-pattern generator.
 */
public interface ImageGenerator extends AutoCloseable {

    /**
     * Generates the images of one request.
     *
     * @throws InvalidRequestException      when the request itself is bad (retrying cannot help)
     * @throws GenerationCancelledException when the listener asked to stop
     * @throws GenerationException          for any other failure
     */
    GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException;

    /** Names of the models this generator can run. */
    Set<String> availableModels();

    /**
     * The family of each available model, for the sizes a front end offers; a model this generator cannot tell
     * is left out (its sizes are then not checked by family).
     */
    default Map<String, ModelFamily> modelFamilies() {
        return Map.of();
    }

    /**
     * The models of {@link #availableModels()} that are inpainting models (a 9-channel UNet that sees the mask), told
     * from their files; none unless a generator says otherwise.
     */
    default Set<String> inpaintingModels() {
        return Set.of();
    }

    /**
     * The side in pixels each available model was trained at (diffusers' default size), where the generator can tell;
     * a front end defaults to it for a model trained off its family's sizes.
     */
    default Map<String, Integer> nativeSides() {
        return Map.of();
    }

    /** Models currently loaded in memory (preferred by the dispatcher). */
    Set<String> loadedModels();

    /**
     * Models of {@link #availableModels()} whose images no safety checker sees (neither the model's own nor a
     * shared one): they come out {@link SafetyVerdict#UNCHECKED}. Unless a generator says otherwise, all of them.
     */
    default Set<String> uncheckedModels() {
        return availableModels();
    }

    /**
     * The presets of the available models that have one (their {@code NAME.yaml} defaults), for front ends to apply
     * to the options a member leaves out; none unless a generator says otherwise.
     */
    default Map<String, ModelPreset> modelPresets() {
        return Map.of();
    }

    /** Names of the LoRAs a prompt can use with {@code <lora:NAME:weight>}; none unless a generator says otherwise. */
    default Set<String> availableLoras() {
        return Set.of();
    }

    /**
     * The model family each of {@link #availableLoras()} is for (SD1 standing for the SD 1.x/2.x layout); a LoRA
     * this generator cannot tell is left out (it is then not checked against the model's family).
     */
    default Map<String, ModelFamily> loraFamilies() {
        return Map.of();
    }

    /**
     * The ESRGAN-family upscalers this generator runs (upscale jobs, hires fix), each with the factor its network
     * enlarges by (1, 2 or 4); none unless a generator says otherwise.
     */
    default Map<String, Integer> upscalers() {
        return Map.of();
    }

    /**
     * Names of the textual-inversion embeddings a prompt or negative prompt can use by writing the name (as in A1111);
     * none unless a generator says otherwise.
     */
    default Set<String> availableEmbeddings() {
        return Set.of();
    }

    /**
     * The model family each of {@link #availableEmbeddings()} is for, told from its vector widths; one of another
     * width is left out (then only the engine checks it against the model).
     */
    default Map<String, ModelFamily> embeddingFamilies() {
        return Map.of();
    }

    /** Names of the ControlNets a request's {@link ControlNetUnit}s can name; none unless a generator says otherwise. */
    default Set<String> availableControlNets() {
        return Set.of();
    }

    /**
     * The model family each of {@link #availableControlNets()} is for; one this generator cannot tell is left out
     * (it is then not checked against the model's family before queueing).
     */
    default Map<String, ModelFamily> controlNetFamilies() {
        return Map.of();
    }

    @Override
    default void close() {
    }
}

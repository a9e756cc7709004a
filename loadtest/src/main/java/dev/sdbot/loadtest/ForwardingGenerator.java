package dev.sdbot.loadtest;

import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ModelFamily;

import java.util.Map;
import java.util.Set;

/** A generator that does what {@code generator} does: the base of the loadtest's wrappers, which override generate. */
abstract class ForwardingGenerator implements ImageGenerator {
    protected final ImageGenerator generator;

    ForwardingGenerator(ImageGenerator generator) {
        this.generator = generator;
    }

    @Override
    public Set<String> availableModels() {
        return generator.availableModels();
    }

    @Override
    public Set<String> inpaintingModels() {
        return generator.inpaintingModels();
    }

    @Override
    public Map<String, ModelFamily> modelFamilies() {
        return generator.modelFamilies();
    }

    @Override
    public Map<String, Integer> nativeSides() {
        return generator.nativeSides();
    }

    @Override
    public Set<String> loadedModels() {
        return generator.loadedModels();
    }

    @Override
    public Set<String> uncheckedModels() {
        return generator.uncheckedModels();
    }

    @Override
    public Map<String, Integer> upscalers() {
        return generator.upscalers();
    }

    @Override
    public Set<String> availableLoras() {
        return generator.availableLoras();
    }

    @Override
    public Map<String, ModelFamily> loraFamilies() {
        return generator.loraFamilies();
    }

    @Override
    public Set<String> availableEmbeddings() {
        return generator.availableEmbeddings();
    }

    @Override
    public Map<String, ModelFamily> embeddingFamilies() {
        return generator.embeddingFamilies();
    }

    @Override
    public Set<String> availableControlNets() {
        return generator.availableControlNets();
    }

    @Override
    public Map<String, ModelFamily> controlNetFamilies() {
        return generator.controlNetFamilies();
    }

    @Override
    public void close() {
        generator.close();
    }
}

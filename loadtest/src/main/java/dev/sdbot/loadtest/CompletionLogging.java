package dev.sdbot.loadtest;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.api.ProgressListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * A worker's generator that appends {@code <seed> <pid> <epoch millis>} to a log for every generation that ran to the
 * end, so that the soak can count the executions of each job across processes ({@link CompletionLog}).
 */
final class CompletionLogging implements ImageGenerator {
    private final ImageGenerator generator;
    private final Path log;

    CompletionLogging(ImageGenerator generator, Path log) {
        this.generator = generator;
        this.log = log;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        GenerationResult result = generator.generate(request, listener);
        // one short line per write with O_APPEND: lines from concurrent slots and processes do not interleave
        String line = (request.seed() == null ? 0 : request.seed()) + " " + ProcessHandle.current().pid() + " "
                + System.currentTimeMillis() + "\n";
        try {
            Files.writeString(log, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new GenerationException("cannot write the completion log " + log + ": " + e.getMessage(), e);
        }
        return result;
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

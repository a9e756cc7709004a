package dev.sdbot.bot.runtime;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.api.ProgressListener;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker with several devices ({@code SDBOT_WORKER_DEVICES=cuda:0,cuda:1}): one engine per device, each with its
 * own weights; a job goes to the engine with the fewest jobs running, so the worker's slots spread over the devices.
 */
final class DeviceEngines implements ImageGenerator {
    private record Engine(ImageGenerator generator, AtomicInteger running) {
    }

    private final List<Engine> engines;

    DeviceEngines(List<? extends ImageGenerator> generators) {
        if (generators.isEmpty()) {
            throw new IllegalArgumentException("no device engines");
        }
        this.engines = generators.stream().map(g -> new Engine(g, new AtomicInteger())).toList();
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        Engine engine;
        synchronized (this) {
            engine = engines.stream().min(Comparator.comparingInt(e -> e.running().get())).orElseThrow();
            engine.running().incrementAndGet();
        }
        try {
            return engine.generator().generate(request, listener);
        } finally {
            engine.running().decrementAndGet();
        }
    }

    /** Every engine reads the same models directory. */
    @Override
    public Set<String> availableModels() {
        return engines.get(0).generator().availableModels();
    }

    @Override
    public Set<String> loadedModels() {
        Set<String> loaded = new LinkedHashSet<>();
        engines.forEach(e -> loaded.addAll(e.generator().loadedModels()));
        return loaded;
    }

    @Override
    public Set<String> uncheckedModels() {
        return engines.get(0).generator().uncheckedModels();
    }

    @Override
    public Map<String, Integer> upscalers() {
        return engines.get(0).generator().upscalers();
    }

    @Override
    public Set<String> availableLoras() {
        return engines.get(0).generator().availableLoras();
    }

    @Override
    public Set<String> inpaintingModels() {
        return engines.get(0).generator().inpaintingModels();
    }

    @Override
    public Map<String, ModelFamily> modelFamilies() {
        return engines.get(0).generator().modelFamilies();
    }

    @Override
    public Map<String, Integer> nativeSides() {
        return engines.get(0).generator().nativeSides();
    }

    @Override
    public Map<String, ModelFamily> loraFamilies() {
        return engines.get(0).generator().loraFamilies();
    }

    @Override
    public Set<String> availableEmbeddings() {
        return engines.get(0).generator().availableEmbeddings();
    }

    @Override
    public Map<String, ModelFamily> embeddingFamilies() {
        return engines.get(0).generator().embeddingFamilies();
    }

    @Override
    public Set<String> availableControlNets() {
        return engines.get(0).generator().availableControlNets();
    }

    @Override
    public Map<String, ModelFamily> controlNetFamilies() {
        return engines.get(0).generator().controlNetFamilies();
    }

    @Override
    public void close() {
        engines.forEach(e -> e.generator().close());
    }
}

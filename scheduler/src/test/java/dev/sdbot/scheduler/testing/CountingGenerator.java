package dev.sdbot.scheduler.testing;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a generator and counts, per prompt, how many generations started and ran to completion. */
public final class CountingGenerator implements ImageGenerator {
    private final ImageGenerator delegate;
    private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();

    public CountingGenerator(ImageGenerator delegate) {
        this.delegate = delegate;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        started.computeIfAbsent(request.prompt(), k -> new AtomicInteger()).incrementAndGet();
        GenerationResult result = delegate.generate(request, listener);
        completed.computeIfAbsent(request.prompt(), k -> new AtomicInteger()).incrementAndGet();
        return result;
    }

    public int started(String prompt) {
        AtomicInteger n = started.get(prompt);
        return n == null ? 0 : n.get();
    }

    public int completed(String prompt) {
        AtomicInteger n = completed.get(prompt);
        return n == null ? 0 : n.get();
    }

    public Map<String, AtomicInteger> completions() {
        return completed;
    }

    @Override
    public Set<String> availableModels() {
        return delegate.availableModels();
    }

    @Override
    public Set<String> loadedModels() {
        return delegate.loadedModels();
    }
}

package dev.sdbot.scheduler.testing;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** Holds every generation until released: a worker that hangs, then wakes up late. */
public final class BlockingGenerator implements ImageGenerator {
    private final ImageGenerator delegate = new TestPatternGenerator();
    public final CountDownLatch started = new CountDownLatch(1);
    public final CountDownLatch release = new CountDownLatch(1);
    public final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        started.countDown();
        try {
            release.await();
            return delegate.generate(request, ProgressListener.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationException("interrupted", e);
        } finally {
            finished.countDown();
        }
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

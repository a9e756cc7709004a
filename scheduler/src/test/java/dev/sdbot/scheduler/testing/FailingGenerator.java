package dev.sdbot.scheduler.testing;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.util.Set;
import java.util.function.Predicate;

/** Crashes (with an unchecked exception, as a buggy engine would) on the requests the predicate picks. */
public final class FailingGenerator implements ImageGenerator {
    private final ImageGenerator delegate = new TestPatternGenerator();
    private final Predicate<GenerationRequest> crashOn;

    public FailingGenerator(Predicate<GenerationRequest> crashOn) {
        this.crashOn = crashOn;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        if (crashOn.test(request)) {
            throw new IllegalStateException("engine crashed on '" + request.prompt() + "'");
        }
        return delegate.generate(request, listener);
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

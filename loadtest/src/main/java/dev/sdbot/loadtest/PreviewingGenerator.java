package dev.sdbot.loadtest;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

/**
 * A generator (the test pattern) with the engine's step previews: a 64x64 PNG on each step the worker asks for one,
 * so that what a job writes while it runs is measured as with the real engine.
 */
final class PreviewingGenerator extends ForwardingGenerator {
    private final TestPatternGenerator previews = new TestPatternGenerator();

    PreviewingGenerator(ImageGenerator generator) {
        super(generator);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        GenerationRequest previewRequest = request.toBuilder().model(TestPatternGenerator.MODEL).steps(1).size(64, 64).count(1).build();
        return generator.generate(request, new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                if (p.previewPng() == null && listener.wantsPreview(p.step(), p.totalSteps())) {
                    try {
                        byte[] png = previews.generate(previewRequest, ProgressListener.NONE).images().get(0).png();
                        p = new Progress(p.step(), p.totalSteps(), p.elapsed(), png);
                    } catch (GenerationException e) {
                        throw new IllegalStateException(e);
                    }
                }
                listener.onProgress(p);
            }

            @Override
            public boolean isCancelled() {
                return listener.isCancelled();
            }

            @Override
            public boolean wantsPreview(int step, int totalSteps) {
                return listener.wantsPreview(step, totalSteps);
            }
        });
    }
}

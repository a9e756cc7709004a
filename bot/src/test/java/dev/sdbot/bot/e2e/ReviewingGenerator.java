package dev.sdbot.bot.e2e;

import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.util.List;
import java.util.Set;

/**
 * The scheduler's test-pattern generator plus what the real engine adds and the test pattern lacks:
 * a low-res preview with each step, and a safety checker that flags prompts containing "nsfw".
 */
final class ReviewingGenerator implements ImageGenerator {
    private final TestPatternGenerator patterns;
    private volatile byte[] preview;

    ReviewingGenerator(TestPatternGenerator patterns) {
        this.patterns = patterns;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        byte[] previewPng = previewFor(request);
        GenerationResult result = patterns.generate(request, new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                listener.onProgress(new Progress(p.step(), p.totalSteps(), p.elapsed(),
                        listener.wantsPreview() ? previewPng : null));
            }

            @Override
            public boolean isCancelled() {
                return listener.isCancelled();
            }
        });
        boolean flagged = request.prompt().contains("nsfw");
        List<GeneratedImage> images = result.images().stream()
                .map(i -> new GeneratedImage(i.png(), i.seed(), flagged ? SafetyVerdict.FLAGGED : SafetyVerdict.CLEAN, new float[] {flagged ? 0.9f : -0.01f}))
                .toList();
        return new GenerationResult(images, result.gpuMillis());
    }

    private byte[] previewFor(GenerationRequest request) throws GenerationException {
        if (preview == null) {
            GenerationRequest tiny = new GenerationRequest("preview", "", request.model(), request.sampler(), 1, 7, 16, 16,
                    1L, 1, null, 0.75, null, 1);
            preview = patterns.generate(tiny, ProgressListener.NONE).images().get(0).png();
        }
        return preview;
    }

    @Override
    public Set<String> availableModels() {
        return patterns.availableModels();
    }

    @Override
    public Set<String> loadedModels() {
        return patterns.loadedModels();
    }

    /** Its stand-in checker sees every image. */
    @Override
    public Set<String> uncheckedModels() {
        return Set.of();
    }
}

package dev.sdbot.bot.e2e;

import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.util.List;
import java.util.Set;

/**
 * The scheduler's test-pattern generator plus what the real engine adds and the test pattern lacks:
 * a low-res preview with each step, and a safety checker that flags prompts containing "nsfw" (concept
 * score {@link #FLAGGED_SCORE}), has no checker for prompts containing "unchecked" (UNCHECKED, no scores) and
 * finds everything else clean (score {@link #CLEAN_SCORE}).
 */
final class ReviewingGenerator implements ImageGenerator {
    static final float FLAGGED_SCORE = 0.05f;
    static final float CLEAN_SCORE = -0.05f;
    static final int PREVIEW_SIZE = 64;
    private final TestPatternGenerator patterns;
    private volatile byte[] preview;

    ReviewingGenerator(TestPatternGenerator patterns) {
        this.patterns = patterns;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        byte[] previewPng = preview();
        GenerationResult result = patterns.generate(request, new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                listener.onProgress(new Progress(p.step(), p.totalSteps(), p.elapsed(),
                        listener.wantsPreview(p.step(), p.totalSteps()) ? previewPng : null));
            }

            @Override
            public boolean isCancelled() {
                return listener.isCancelled();
            }
        });
        boolean unchecked = request.prompt().contains("unchecked");
        boolean flagged = request.prompt().contains("nsfw");
        List<GeneratedImage> images = result.images().stream()
                .map(i -> unchecked ? new GeneratedImage(i.png(), i.seed(), SafetyVerdict.UNCHECKED, new float[0])
                        : new GeneratedImage(i.png(), i.seed(), flagged ? SafetyVerdict.FLAGGED : SafetyVerdict.CLEAN,
                        new float[] {flagged ? FLAGGED_SCORE : CLEAN_SCORE}))
                .toList();
        return new GenerationResult(images, result.gpuMillis());
    }

    private byte[] preview() throws GenerationException {
        if (preview == null) {
            preview = originalPreview(patterns);
        }
        return preview;
    }

    /** The preview PNG every progress step carries: a detailed test pattern the size of an engine preview. */
    static byte[] originalPreview(TestPatternGenerator patterns) throws GenerationException {
        GenerationRequest request = new GenerationRequest("preview", "", TestPatternGenerator.MODEL, Sampler.EULER_A, 1, 7,
                PREVIEW_SIZE, PREVIEW_SIZE, 1L, 1, null, 0.75, null, 1);
        return patterns.generate(request, ProgressListener.NONE).images().get(0).png();
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

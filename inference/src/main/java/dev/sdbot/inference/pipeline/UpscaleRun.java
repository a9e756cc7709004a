package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyResult;
import dev.sdbot.inference.upscale.ImageUpscaler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An upscale job ({@link GenerationRequest#isUpscale()}): the request's image enlarged by an ESRGAN-family network to
 * the request's size, then judged by a safety checker like every generated image (none: UNCHECKED, which the
 * guild's policy treats as flagged unless it allows unchecked images). The PNG keeps the source's A1111 parameters
 * and adds the upscaler, as A1111's Extras tab does.
 */
final class UpscaleRun {
    private UpscaleRun() {
    }

    /**
     * @param upscalerFile the network's file
     * @param checker      the safety checker for the result, or null when none can run
     */
    static GeneratedImage run(GenerationRequest request, Path upscalerFile, SafetyChecker checker, NDManager manager,
                              ProgressListener listener, long started) throws InvalidRequestException,
            GenerationCancelledException {
        RgbImage source = ImageCodec.decode(request.initImage());
        if (listener.isCancelled()) {
            throw new GenerationCancelledException(0);
        }
        RgbImage enlarged = ImageUpscaler.load(upscalerFile, manager)
                .upscaleTo(source, request.width(), request.height(), manager);
        listener.onProgress(new Progress(1, 1, Duration.ofNanos(System.nanoTime() - started), null));
        float[] scores = new float[0];
        SafetyVerdict verdict = SafetyVerdict.UNCHECKED;
        if (checker != null) {
            SafetyResult result = checker.check(List.of(enlarged)).get(0);
            scores = result.conceptScores();
            verdict = SafetyVerdict.decide(scores, 0);
        }
        String parameters = sourceParameters(request.initImage()) + "Postprocess upscaler: " + request.upscaler()
                + ", Postprocess upscale to: " + request.width() + "x" + request.height();
        byte[] png = ImageCodec.encodePng(enlarged, Map.of(GenerationParameters.PNG_KEY, parameters));
        return new GeneratedImage(png, request.seed() == null ? 0 : request.seed(), verdict, scores);
    }

    /** The source PNG's A1111 parameters followed by ", " (A1111 appends the postprocessing), or "". */
    private static String sourceParameters(byte[] image) {
        try {
            String text = PngText.read(image).get(GenerationParameters.PNG_KEY);
            return text == null || text.isBlank() ? "" : text.strip() + ", ";
        } catch (RuntimeException e) { // a JPEG or WebP has no PNG text
            return "";
        }
    }
}

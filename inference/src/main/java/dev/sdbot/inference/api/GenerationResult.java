package dev.sdbot.inference.api;

import java.util.List;

/**
 * The images of one request and the device time spent on them.
 *
 * @param images    one per requested image, in seed order
 * @param gpuMillis wall time the generator held its device for this request
 */
public record GenerationResult(List<GeneratedImage> images, long gpuMillis) {
    public GenerationResult {
        images = List.copyOf(images);
    }
}

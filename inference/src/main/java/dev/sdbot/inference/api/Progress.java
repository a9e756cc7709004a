package dev.sdbot.inference.api;

import java.time.Duration;

/**
 * One denoising step done.
 *
 * @param step       steps completed (1..totalSteps)
 * @param totalSteps steps in this request
 * @param elapsed    time since the generation started
 * @param previewPng cheap low-resolution preview of the current latents, or null
 */
public record Progress(int step, int totalSteps, Duration elapsed, byte[] previewPng) {
    public double fraction() {
        return totalSteps == 0 ? 1.0 : (double) step / totalSteps;
    }
}

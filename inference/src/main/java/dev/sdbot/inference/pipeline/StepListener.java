package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.api.GenerationCancelledException;

/** Sees the latents between denoising steps and may stop the loop there. */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (done, total, latents) -> {
    };

    /**
     * Called before the first step ({@code done = 0}) and after every step.
     *
     * @throws GenerationCancelledException to stop before the next step
     */
    void onStep(int done, int total, NDArray latents) throws GenerationCancelledException;
}

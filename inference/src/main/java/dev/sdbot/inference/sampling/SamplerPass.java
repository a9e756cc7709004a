package dev.sdbot.inference.sampling;

/** A sampler set up for one denoising pass and the call the pass starts at (0 for txt2img). */
public record SamplerPass(DiffusionSampler sampler, int start) {
    /** The model calls the pass makes (what progress counts). */
    public int calls() {
        return sampler.timesteps().length - start;
    }
}

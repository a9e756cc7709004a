package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * One diffusers scheduler, already set to a number of inference steps. The pipeline calls the model
 * once per entry of {@link #timesteps()} (PLMS has one more entry than steps) and knows nothing else
 * about the sampler. Stateful samplers (PLMS, LMS, DPM++) remember earlier model outputs, so a fresh
 * instance is needed per run. Every update is element-wise with per-step scalars, so a sampler steps a
 * batch (N, C, h, w) of images at once exactly as each alone; ancestral noise comes per image from the
 * {@link NoiseSource} (see {@link BatchNoise}).
 */
public interface DiffusionSampler {

    /** The timestep passed to the model at each call, in order. */
    double[] timesteps();

    /** Scale of the start noise: start latents = noise * initNoiseSigma. */
    float initNoiseSigma();

    /** The model input at call {@code index} (k-diffusion samplers divide by sqrt(sigma^2 + 1)). */
    NDArray scaleModelInput(NDArray sample, int index);

    /** The sample after call {@code index}, given the model output at that call. */
    NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise);

    /** {@code original} noised to the level of call {@code index} (img2img start, inpainting blend). */
    NDArray addNoise(NDArray original, NDArray noise, int index);

    /**
     * The arrays this sampler remembers for its next steps (earlier model outputs, derivatives...): a
     * caller that frees each step's temporaries must keep these alive.
     */
    default List<NDArray> history() {
        return List.of();
    }

    /**
     * The call index at which step {@code step} begins (img2img starts there): the step itself, except for
     * samplers that call the model twice per step (diffusers' {@code timesteps[t_start * order:]}).
     */
    default int callIndexOfStep(int step) {
        return step;
    }

    /**
     * Whether a pass starting at call {@code start} starts from pure noise (inpainting at full strength) rather than
     * from the init latents noised by {@link #addNoise}: at call 0, except for A1111's DDIM/PLMS img2img, which always
     * noises the init latents.
     */
    default boolean startsFromNoise(int start) {
        return start == 0;
    }

    /**
     * Model calls per step as A1111 counts them for prompt editing ({@code SamplerData.total_steps}): 2 for its
     * "second order" samplers (Heun, DPM2, DPM++ SDE), so a schedule over N steps spans their 2N calls.
     */
    default int modelCallsPerStep() {
        return 1;
    }

    /** Whether {@link #step} draws fresh noise (ancestral and SDE samplers). */
    default boolean usesStepNoise() {
        return false;
    }

    static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }
}

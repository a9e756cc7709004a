package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.Arrays;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/**
 * A1111's own DDIM and PLMS ({@code sd_samplers_timesteps}, A1111 1.6+): integer timesteps
 * {@code clip(range(0, 1000, 1000 // steps) + 1, 0, 999)} (ascending; 20 steps: 1, 51, ..., 951), the model called from
 * the highest down to the second ({@code len - 1} iterations, so 20 steps are 19 calls), each update going to the
 * timestep below, the last to {@code alphas_cumprod[1]} rather than to 1. v-prediction outputs are turned into noise
 * as A1111's {@code CompVisTimestepsVDenoiser} does before the update.
 *
 * <p>One instance covers one run over {@link #run} (A1111's {@code timesteps} argument): txt2img the whole schedule,
 * img2img {@code timesteps[:t_enc]} with the init latents noised to {@code timesteps[t_enc]} ({@link #img2img}).
 */
abstract class CompVisTimestepsSampler implements DiffusionSampler {
    protected final NoiseSchedule schedule;
    private final PredictionType prediction;
    /** The ascending timesteps the run covers; iteration {@code k} (from {@code run.length - 1} down to 1) steps to k - 1. */
    protected final int[] run;
    /** The timestep whose noise level an img2img start has (A1111's {@code timesteps[t_enc]}). */
    private final int entry;
    /** Whether this is an img2img run (whose start is the noised init latents, never pure noise). */
    private final boolean img2img;
    private final double[] calls;

    CompVisTimestepsSampler(NoiseSchedule schedule, PredictionType prediction, int[] run, int entry, boolean img2img) {
        this.schedule = schedule;
        this.prediction = prediction;
        this.run = run;
        this.entry = entry;
        this.img2img = img2img;
        this.calls = callTimesteps(run);
    }

    /** A1111's {@code CompVisSampler.get_timesteps}: ascending. */
    static int[] a1111Timesteps(int train, int steps) {
        int stride = train / steps;
        int[] t = new int[(train + stride - 1) / stride];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.min(i * stride + 1, train - 1);
        }
        return t;
    }

    /** The timestep of each model call, in order. */
    protected abstract double[] callTimesteps(int[] run);

    /**
     * The run of an img2img pass whose {@code setup_img2img_steps} gave {@code steps} and {@code tEnc}: A1111 noises
     * the init latents to {@code timesteps[t_enc]} but runs {@code timesteps[:t_enc]}, whose first call is at
     * {@code timesteps[t_enc - 1]}: one level below the noise it starts from. A1111's own off-by-one, kept so that the
     * same request gives A1111's picture.
     */
    static int[] img2imgRun(int train, int steps, int tEnc) {
        return Arrays.copyOf(a1111Timesteps(train, steps), tEnc);
    }

    static int img2imgEntry(int train, int steps, int tEnc) {
        return a1111Timesteps(train, steps)[tEnc];
    }

    @Override
    public double[] timesteps() {
        return calls.clone();
    }

    @Override
    public boolean startsFromNoise(int start) {
        return !img2img && start == 0;
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int index) {
        return sample;
    }

    /** Call 0 starts from the run's entry level; every later call from the level of its own timestep. */
    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int index) {
        float a = schedule.alphaCumprod(index == 0 ? entry : (int) calls[index]);
        return original.mul(sqrt(a)).add(noise.mul(sqrt(1f - a)));
    }

    /** The model's noise prediction at timestep {@code t} ({@code CompVisTimestepsVDenoiser} for v models). */
    protected NDArray eps(NDArray modelOutput, NDArray sample, int t) {
        if (prediction == PredictionType.EPSILON) {
            return modelOutput;
        }
        float a = schedule.alphaCumprod(t);
        return modelOutput.mul(sqrt(a)).add(sample.mul(sqrt(1f - a)));
    }

    /** {@code get_x_prev_and_pred_x0} with eta 0: the sample of iteration {@code k} moved to timestep run[k - 1]. */
    protected NDArray previous(NDArray x, NDArray eps, int k) {
        float a = schedule.alphaCumprod(run[k]);
        float aPrev = schedule.alphaCumprod(run[k - 1]);
        NDArray predX0 = x.sub(eps.mul(sqrt(1f - a))).div(sqrt(a));
        return predX0.mul(sqrt(aPrev)).add(eps.mul(sqrt(1f - aPrev)));
    }
}

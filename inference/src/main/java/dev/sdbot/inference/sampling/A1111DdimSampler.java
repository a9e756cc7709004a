package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/** A1111's DDIM ({@code sd_samplers_timesteps_impl.ddim}) with its default eta 0: one call per iteration. */
final class A1111DdimSampler extends CompVisTimestepsSampler {

    A1111DdimSampler(NoiseSchedule schedule, PredictionType prediction, int[] run, int entry,
                     boolean img2img) {
        super(schedule, prediction, run, entry, img2img);
    }

    @Override
    protected double[] callTimesteps(int[] run) {
        double[] t = new double[Math.max(run.length - 1, 0)];
        for (int i = 0; i < t.length; i++) {
            t[i] = run[run.length - 1 - i];
        }
        return t;
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int k = run.length - 1 - index;
        return previous(sample, eps(modelOutput, sample, run[k]), k);
    }
}

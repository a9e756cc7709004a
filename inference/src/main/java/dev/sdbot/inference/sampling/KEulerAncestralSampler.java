package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/** k-diffusion {@code sample_euler_ancestral} (eta 1), for A1111's "Euler a Karras". */
public final class KEulerAncestralSampler extends KDiffusionSampler {

    public KEulerAncestralSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, oneCallPerStep(sigmas));
    }

    @Override
    public boolean usesStepNoise() {
        return true;
    }

    @Override
    protected NDArray advance(NDArray denoised, int i, NDArray x, NoiseSource noise) {
        double[] downUp = ancestralStep(sigmas[i], sigmas[i + 1]);
        NDArray out = x.add(derivative(x, sigmas[i], denoised).mul((float) (downUp[0] - sigmas[i])));
        if (sigmas[i + 1] > 0) {
            out = out.add(noise.next(x.getManager(), x.getShape()).mul((float) downUp[1]));
        }
        return out;
    }

    /** k-diffusion {@code get_ancestral_step} with eta 1: {sigma_down, sigma_up}. */
    static double[] ancestralStep(double from, double to) {
        double up = Math.min(to, Math.sqrt(to * to * (from * from - to * to) / (from * from)));
        return new double[] {Math.sqrt(to * to - up * up), up};
    }
}

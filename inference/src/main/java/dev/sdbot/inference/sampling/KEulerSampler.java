package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/** k-diffusion {@code sample_euler} (no churn), for A1111's "Euler Karras". */
public final class KEulerSampler extends KDiffusionSampler {

    public KEulerSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, oneCallPerStep(sigmas));
    }

    @Override
    protected NDArray advance(NDArray denoised, int i, NDArray x, NoiseSource noise) {
        return x.add(derivative(x, sigmas[i], denoised).mul((float) (sigmas[i + 1] - sigmas[i])));
    }
}

package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/**
 * k-diffusion {@code sample_dpm_2} (no churn): the derivative at the log-sigma midpoint carries the whole
 * step; A1111's "DPM2", whose schedule drops the next-to-last sigma (see {@link KSchedules}).
 */
public final class KDpm2Sampler extends TwoCallSampler {

    public KDpm2Sampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, TwoCallSteps.of(sigmas, TwoCallSteps::logMidpoint));
    }

    @Override
    protected NDArray firstResult(NDArray x, NDArray denoised, double sigma) {
        return derivative(x, sigma, denoised);
    }

    @Override
    protected NDArray secondPoint(NDArray x, NDArray denoised, NDArray d, double sigma, double next,
                                  double sigmaMid, NoiseSource noise) {
        return x.add(d.mul((float) (sigmaMid - sigma)));
    }

    @Override
    protected NDArray finish(NDArray x, NDArray d, NDArray x2, NDArray denoised2, double sigma, double next,
                             double sigmaMid, NoiseSource noise) {
        return x.add(derivative(x2, sigmaMid, denoised2).mul((float) (next - sigma)));
    }
}

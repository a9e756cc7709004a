package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/** k-diffusion {@code sample_heun} (no churn): Heun's method on the Karras ODE; A1111's "Heun". */
public final class KHeunSampler extends TwoCallSampler {

    public KHeunSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, TwoCallSteps.of(sigmas, (sigma, next) -> next));
    }

    @Override
    protected NDArray firstResult(NDArray x, NDArray denoised, double sigma) {
        return derivative(x, sigma, denoised);
    }

    @Override
    protected NDArray secondPoint(NDArray x, NDArray denoised, NDArray d, double sigma, double next,
                                  double secondSigma, NoiseSource noise) {
        return x.add(d.mul((float) (next - sigma)));
    }

    @Override
    protected NDArray finish(NDArray x, NDArray d, NDArray x2, NDArray denoised2, double sigma, double next,
                             double secondSigma, NoiseSource noise) {
        NDArray d2 = derivative(x2, next, denoised2);
        return x.add(d.add(d2).mul((float) ((next - sigma) / 2)));
    }
}

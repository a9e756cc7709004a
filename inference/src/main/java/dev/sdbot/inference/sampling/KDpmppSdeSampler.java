package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

/**
 * k-diffusion {@code sample_dpmpp_sde} (eta 1, r = 1/2): DPM-Solver++ stochastic, two calls per step with
 * fresh noise after each; A1111's "DPM++ SDE". A1111 draws that noise from a Brownian tree seeded by the
 * image seed (torchsde); here it comes from the {@link NoiseSource} in call order.
 */
public final class KDpmppSdeSampler extends TwoCallSampler {
    private static final double R = 0.5;

    public KDpmppSdeSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, TwoCallSteps.of(sigmas, TwoCallSteps::logMidpoint));
    }

    @Override
    public boolean usesStepNoise() {
        return true;
    }

    @Override
    protected NDArray firstResult(NDArray x, NDArray denoised, double sigma) {
        return denoised;
    }

    @Override
    protected NDArray secondPoint(NDArray x, NDArray denoised, NDArray first, double sigma, double next,
                                  double secondSigma, NoiseSource noise) {
        double t = -Math.log(sigma);
        double s = t + (-Math.log(next) - t) * R;
        return update(x, denoised, sigma, Math.exp(-s), noise);
    }

    @Override
    protected NDArray finish(NDArray x, NDArray denoised, NDArray x2, NDArray denoised2, double sigma, double next,
                             double secondSigma, NoiseSource noise) {
        double fac = 1 / (2 * R);
        NDArray combined = denoised.mul((float) (1 - fac)).add(denoised2.mul((float) fac));
        return update(x, combined, sigma, next, noise);
    }

    /** From x at sigma towards {@code target}: the deterministic part down to sigma_down, then noise of sigma_up. */
    private static NDArray update(NDArray x, NDArray denoised, double sigma, double target, NoiseSource noise) {
        double[] downUp = KEulerAncestralSampler.ancestralStep(sigma, target);
        double t = -Math.log(sigma);
        double tDown = -Math.log(downUp[0]);
        NDArray out = x.mul((float) (downUp[0] / sigma)).sub(denoised.mul((float) Math.expm1(t - tDown)));
        return out.add(noise.next(x.getManager(), x.getShape()).mul((float) downUp[1]));
    }
}

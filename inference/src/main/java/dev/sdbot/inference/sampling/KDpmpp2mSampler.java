package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * k-diffusion {@code sample_dpmpp_2m}: DPM-Solver++(2M) on k-diffusion's sigmas, ending at sigma 0; for
 * A1111's "DPM++ 2M Karras". (The enum's plain "DPM++ 2M" stays diffusers' scheduler.)
 */
public final class KDpmpp2mSampler extends KDiffusionSampler {
    private NDArray oldDenoised;

    public KDpmpp2mSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, oneCallPerStep(sigmas));
    }

    @Override
    public List<NDArray> history() {
        return oldDenoised == null ? List.of() : List.of(oldDenoised);
    }

    @Override
    protected NDArray advance(NDArray denoised, int i, NDArray x, NoiseSource noise) {
        double sigma = sigmas[i];
        double next = sigmas[i + 1];
        NDArray out;
        if (next == 0) {
            out = denoised;
        } else {
            double h = Math.log(sigma) - Math.log(next);
            NDArray target = denoised;
            if (oldDenoised != null) {
                double r = (Math.log(sigmas[i - 1]) - Math.log(sigma)) / h;
                target = denoised.mul((float) (1 + 1 / (2 * r))).sub(oldDenoised.mul((float) (1 / (2 * r))));
            }
            out = x.mul((float) (next / sigma)).sub(target.mul((float) Math.expm1(-h)));
        }
        oldDenoised = denoised;
        return out;
    }
}

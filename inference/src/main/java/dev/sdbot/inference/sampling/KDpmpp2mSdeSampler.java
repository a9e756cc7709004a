package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * k-diffusion {@code sample_dpmpp_2m_sde} (eta 1, midpoint solver): A1111's "DPM++ 2M SDE". A1111 draws the
 * noise from a Brownian tree seeded by the image seed (torchsde); here it comes from the
 * {@link NoiseSource}, one draw per step except the last.
 */
public final class KDpmpp2mSdeSampler extends KDiffusionSampler {
    private NDArray oldDenoised;
    private double lastH;

    public KDpmpp2mSdeSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, oneCallPerStep(sigmas));
    }

    @Override
    public boolean usesStepNoise() {
        return true;
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
            double etaH = h; // eta = 1
            double oneMinusExp = -Math.expm1(-h - etaH);
            out = x.mul((float) (next / sigma * Math.exp(-etaH))).add(denoised.mul((float) oneMinusExp));
            if (oldDenoised != null) {
                double r = lastH / h;
                out = out.add(denoised.sub(oldDenoised).mul((float) (0.5 * oneMinusExp / r)));
            }
            double noiseScale = next * Math.sqrt(-Math.expm1(-2 * etaH));
            out = out.add(noise.next(x.getManager(), x.getShape()).mul((float) noiseScale));
            lastH = h;
        }
        oldDenoised = denoised;
        return out;
    }
}

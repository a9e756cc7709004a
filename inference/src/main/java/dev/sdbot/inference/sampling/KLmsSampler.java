package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * k-diffusion {@code sample_lms} (order 4), for A1111's "LMS Karras". As A1111 hands img2img only the
 * remaining sigmas, the order grows from 1 at the first step actually run.
 */
public final class KLmsSampler extends KDiffusionSampler {
    private static final int ORDER = 4;
    private final List<NDArray> derivatives = new ArrayList<>();

    public KLmsSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas) {
        super(training, prediction, sigmas, oneCallPerStep(sigmas));
    }

    @Override
    public List<NDArray> history() {
        return List.copyOf(derivatives);
    }

    @Override
    protected NDArray advance(NDArray denoised, int i, NDArray x, NoiseSource noise) {
        derivatives.add(derivative(x, sigmas[i], denoised));
        if (derivatives.size() > ORDER) {
            derivatives.remove(0);
        }
        int order = derivatives.size();
        NDArray out = x;
        for (int j = 0; j < order; j++) {
            float coeff = (float) LmsSampler.coefficient(sigmas, order, i, j);
            out = out.add(derivatives.get(order - 1 - j).mul(coeff));
        }
        return out;
    }
}

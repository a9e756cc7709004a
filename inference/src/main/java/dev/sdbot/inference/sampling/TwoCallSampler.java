package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A second-order k-diffusion sampler split into model calls ({@link TwoCallSteps}): the first call of a
 * step returns the point where the second is evaluated, the second call finishes the step from the
 * step's start. A step down to sigma 0 is one Euler call.
 */
abstract class TwoCallSampler extends KDiffusionSampler {
    private final TwoCallSteps calls;
    private NDArray stepStart;
    private NDArray firstResult;

    TwoCallSampler(DiscreteSigmas training, PredictionType prediction, double[] sigmas, TwoCallSteps calls) {
        super(training, prediction, sigmas, calls.callSigmas());
        this.calls = calls;
    }

    @Override
    public int modelCallsPerStep() {
        return 2;
    }

    @Override
    public int callIndexOfStep(int step) {
        return calls.firstCallOf(step);
    }

    @Override
    public List<NDArray> history() {
        List<NDArray> kept = new ArrayList<>(2);
        if (stepStart != null) {
            kept.add(stepStart);
            kept.add(firstResult);
        }
        return kept;
    }

    @Override
    protected final NDArray advance(NDArray denoised, int index, NDArray sample, NoiseSource noise) {
        int i = calls.step(index);
        double sigma = sigmas[i];
        double next = sigmas[i + 1];
        if (!calls.second(index)) {
            if (next == 0) {
                return sample.add(derivative(sample, sigma, denoised).mul((float) (next - sigma)));
            }
            // a copy of its own: the caller may free or re-home its input (keeping it via history() would
            // move an array the caller's scope only borrowed)
            stepStart = sample.duplicate();
            firstResult = firstResult(sample, denoised, sigma);
            return secondPoint(sample, denoised, firstResult, sigma, next, callSigmas[index + 1], noise);
        }
        if (stepStart == null) {
            throw new IllegalStateException("call " + index + " is the second of step " + i + ", whose first call never ran");
        }
        NDArray out = finish(stepStart, firstResult, sample, denoised, sigma, next, callSigmas[index], noise);
        stepStart = null;
        firstResult = null;
        return out;
    }

    /** What the second call needs from the first (its derivative or denoised estimate). */
    protected abstract NDArray firstResult(NDArray x, NDArray denoised, double sigma);

    /** The sample at which the model is called the second time, at noise level {@code secondSigma}. */
    protected abstract NDArray secondPoint(NDArray x, NDArray denoised, NDArray firstResult, double sigma, double next,
                                           double secondSigma, NoiseSource noise);

    /** The sample at {@code next}, from the step's start {@code x} and both calls. */
    protected abstract NDArray finish(NDArray x, NDArray firstResult, NDArray secondPointSample, NDArray denoised2,
                                      double sigma, double next, double secondSigma, NoiseSource noise);
}

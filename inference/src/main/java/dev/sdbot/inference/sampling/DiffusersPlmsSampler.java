package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

import static dev.sdbot.inference.sampling.DiffusionSampler.sqrt;

/**
 * diffusers PNDMScheduler with skip_prk_steps: linear multistep (PLMS) only. The second timestep is
 * repeated, so there are steps + 1 model calls; the second call redoes the first step with the
 * averaged model output.
 */
public final class DiffusersPlmsSampler extends AlphaSampler {
    private final int stepRatio;
    private final float finalAlphaCumprod;
    private final List<NDArray> ets = new ArrayList<>();
    private int counter;
    private NDArray curSample;

    public DiffusersPlmsSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing, int steps,
                       int stepsOffset, boolean setAlphaToOne) {
        super(schedule, prediction, plmsTimesteps(spacing, schedule.size(), steps, stepsOffset));
        this.stepRatio = schedule.size() / steps;
        this.finalAlphaCumprod = setAlphaToOne ? 1f : schedule.alphaCumprod(0);
    }

    /** Ascending spaced timesteps t, reordered as reverse(t[:-1] ++ t[-2:-1] ++ t[-1:]). */
    private static double[] plmsTimesteps(TimestepSpacing spacing, int train, int steps, int stepsOffset) {
        double[] descending = Timesteps.spaced(spacing, train, steps, stepsOffset);
        if (steps == 1) {
            return descending;
        }
        double[] t = new double[steps + 1];
        t[0] = descending[0];
        System.arraycopy(descending, 1, t, 2, steps - 1);
        t[1] = descending[1];
        return t;
    }

    @Override
    public List<NDArray> history() {
        List<NDArray> kept = new ArrayList<>(ets);
        if (curSample != null) {
            kept.add(curSample);
        }
        return kept;
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int t = timestep(index);
        int prev = t - stepRatio;
        if (counter != 1) {
            if (ets.size() > 3) {
                ets.remove(0);
            }
            ets.add(modelOutput);
        } else {
            prev = t;
            t = t + stepRatio;
        }
        NDArray output;
        int n = ets.size();
        if (n == 1 && counter == 0) {
            output = modelOutput;
            curSample = sample;
        } else if (n == 1 && counter == 1) {
            output = modelOutput.add(ets.get(0)).div(2f);
            sample = curSample;
            curSample = null;
        } else if (n == 2) {
            output = ets.get(1).mul(3f).sub(ets.get(0)).div(2f);
        } else if (n == 3) {
            output = ets.get(2).mul(23f).sub(ets.get(1).mul(16f)).add(ets.get(0).mul(5f)).div(12f);
        } else {
            output = ets.get(3).mul(55f).sub(ets.get(2).mul(59f)).add(ets.get(1).mul(37f)).sub(ets.get(0).mul(9f))
                    .mul((float) (1.0 / 24));
        }
        counter++;
        return previousSample(sample, t, prev, output);
    }

    private NDArray previousSample(NDArray sample, int t, int prev, NDArray modelOutput) {
        float alpha = schedule.alphaCumprod(t);
        float alphaPrev = prev >= 0 ? schedule.alphaCumprod(prev) : finalAlphaCumprod;
        float beta = 1f - alpha;
        float betaPrev = 1f - alphaPrev;
        if (prediction == PredictionType.V_PREDICTION) {
            modelOutput = modelOutput.mul(sqrt(alpha)).add(sample.mul(sqrt(beta)));
        }
        float sampleCoeff = sqrt(alphaPrev / alpha);
        float denominator = alpha * sqrt(betaPrev) + sqrt(alpha * beta * alphaPrev);
        return sample.mul(sampleCoeff).sub(modelOutput.mul(alphaPrev - alpha).div(denominator));
    }
}

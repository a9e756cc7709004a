package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A1111's PLMS ({@code sd_samplers_timesteps_impl.plms}): the first iteration is a pseudo improved Euler step that
 * calls the model twice (at its timestep, then at the next one on the provisional sample), the later ones
 * Adams-Bashforth of order 2 to 4 over the earlier iterations' first outputs. So a run of n timesteps makes n calls:
 * call 0 returns the provisional sample, call 1 redoes iteration 0 from its start with the averaged noise.
 */
final class A1111PlmsSampler extends CompVisTimestepsSampler {
    private final List<NDArray> oldEps = new ArrayList<>();
    private NDArray firstEps;
    private NDArray firstSample;

    A1111PlmsSampler(NoiseSchedule schedule, PredictionType prediction, int[] run, int entry,
                     boolean img2img) {
        super(schedule, prediction, run, entry, img2img);
    }

    @Override
    protected double[] callTimesteps(int[] run) {
        int n = run.length;
        if (n < 2) {
            return new double[0];
        }
        double[] t = new double[n];
        t[0] = run[n - 1];
        for (int i = 1; i < n; i++) {
            t[i] = run[n - Math.max(i, 2)]; // run[n-2] twice: the second call of the first iteration, then its own
        }
        return t;
    }

    /** The iteration (A1111's {@code index}) that call {@code call} belongs to. */
    private int iteration(int call) {
        return call <= 1 ? run.length - 1 : run.length - call;
    }

    @Override
    public List<NDArray> history() {
        List<NDArray> kept = new ArrayList<>(oldEps);
        if (firstSample != null) {
            kept.add(firstSample);
            kept.add(firstEps);
        }
        return kept;
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int k = iteration(index);
        if (index == 0) {
            firstEps = eps(modelOutput, sample, run[k]);
            firstSample = sample.duplicate();
            return previous(sample, firstEps, k);
        }
        NDArray e;
        NDArray x = sample;
        if (index == 1) {
            // e_t_next at t_next = run[k - 1] on the provisional sample
            NDArray next = eps(modelOutput, sample, run[k - 1]);
            e = firstEps.add(next).div(2f);
            x = firstSample;
            oldEps.add(firstEps);
            firstEps = null;
            firstSample = null;
            return previous(x, e, k);
        }
        NDArray et = eps(modelOutput, sample, run[k]);
        int n = oldEps.size();
        if (n == 1) {
            e = et.mul(3f).sub(oldEps.get(0)).div(2f);
        } else if (n == 2) {
            e = et.mul(23f).sub(oldEps.get(1).mul(16f)).add(oldEps.get(0).mul(5f)).div(12f);
        } else {
            e = et.mul(55f).sub(oldEps.get(2).mul(59f)).add(oldEps.get(1).mul(37f)).sub(oldEps.get(0).mul(9f))
                    .div(24f);
        }
        NDArray result = previous(x, e, k);
        oldEps.add(et);
        if (oldEps.size() >= 4) {
            oldEps.remove(0);
        }
        return result;
    }
}

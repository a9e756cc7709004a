package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers 0.21 UniPCMultistepScheduler with its defaults: predict_x0, solver_type bh2, solver_order 2,
 * lower_order_final, corrector on every step after the first. Each call first corrects the previous
 * step's result with the new model output (UniC), then predicts the next sample (UniP). A1111's "UniPC"
 * is the same method with its own defaults (bh1, order 3, time-uniform steps), so its pictures differ.
 */
public final class UniPcSampler extends AlphaSampler {
    private static final int SOLVER_ORDER = 2;
    private final LogSnrTable table;
    /** The converted (x0) model outputs of the last two calls and their timesteps, latest first. */
    private NDArray m0;
    private NDArray m1;
    private int t0;
    private int t1;
    private NDArray lastSample;
    private int thisOrder;
    private int lowerOrderNums;

    public UniPcSampler(NoiseSchedule schedule, PredictionType prediction, TimestepSpacing spacing, int steps,
                        int stepsOffset) {
        super(schedule, prediction, DpmSolverMultistepSampler.spacedTimesteps(spacing, schedule.size(), steps,
                stepsOffset));
        this.table = new LogSnrTable(schedule);
    }

    @Override
    public List<NDArray> history() {
        List<NDArray> kept = new ArrayList<>(3);
        for (NDArray a : new NDArray[] {m0, m1, lastSample}) {
            if (a != null) {
                kept.add(a);
            }
        }
        return kept;
    }

    @Override
    public NDArray step(NDArray modelOutput, int index, NDArray sample, NoiseSource noise) {
        int t = timestep(index);
        NDArray converted = toX0(modelOutput, t, sample);
        // history() keeps lastSample: a corrected sample is this call's own; the caller's input is copied,
        // since keeping it would move an array the caller only lent
        sample = lastSample != null ? correct(converted, t, lastSample, thisOrder) : sample.duplicate();
        int previous = index == timesteps.length - 1 ? 0 : timestep(index + 1);
        m1 = m0;
        t1 = t0;
        m0 = converted;
        t0 = t;
        thisOrder = Math.min(Math.min(SOLVER_ORDER, timesteps.length - index), lowerOrderNums + 1);
        lastSample = sample;
        NDArray next = predict(previous, sample, thisOrder);
        lowerOrderNums = Math.min(lowerOrderNums + 1, SOLVER_ORDER);
        return next;
    }

    private NDArray toX0(NDArray modelOutput, int t, NDArray sample) {
        if (prediction == PredictionType.EPSILON) {
            return sample.sub(modelOutput.mul(table.sigma(t))).div(table.alpha(t));
        }
        return sample.mul(table.alpha(t)).sub(modelOutput.mul(table.sigma(t)));
    }

    /** UniP: from {@code x} at t0 to timestep {@code t}; order 2 adds the divided difference with rho 1/2. */
    private NDArray predict(int t, NDArray x, int order) {
        Coefficients c = new Coefficients(t, order);
        NDArray out = base(c, t, x);
        if (order == 2) {
            out = out.sub(dividedDifference(c).mul((float) (table.alpha(t) * c.bH * 0.5)));
        }
        return out;
    }

    /** UniC: the step from t0 to {@code t} redone with the model output at t. */
    private NDArray correct(NDArray modelT, int t, NDArray last, int order) {
        Coefficients c = new Coefficients(t, order);
        double[] rhos = order == 1 ? new double[] {0.5} : c.solveCorrector();
        NDArray residual = modelT.sub(m0).mul((float) rhos[rhos.length - 1]);
        if (order == 2) {
            residual = residual.add(dividedDifference(c).mul((float) rhos[0]));
        }
        return base(c, t, last).sub(residual.mul((float) (table.alpha(t) * c.bH)));
    }

    /** sigma_t / sigma_s0 * x - alpha_t * h_phi_1 * m0: the first-order (DDIM-like) part. */
    private NDArray base(Coefficients c, int t, NDArray x) {
        return x.mul((float) ((double) table.sigma(t) / table.sigma(t0))).sub(m0.mul((float) (table.alpha(t) * c.hPhi1)));
    }

    /** D1 = (m1 - m0) / r1. */
    private NDArray dividedDifference(Coefficients c) {
        return m1.sub(m0).mul((float) (1 / c.r1));
    }

    /** The scalars of one UniP/UniC update from t0 to t (predict_x0: hh = -h; bh2: B(h) = expm1(hh)). */
    private final class Coefficients {
        final double r1;
        final double hPhi1;
        final double bH;
        private final double hh;
        private final int order;

        Coefficients(int t, int order) {
            this.order = order;
            double h = (double) table.lambda(t) - table.lambda(t0);
            this.r1 = order == 2 ? ((double) table.lambda(t1) - table.lambda(t0)) / h : Double.NaN;
            this.hh = -h;
            this.hPhi1 = Math.expm1(hh);
            this.bH = Math.expm1(hh);
        }

        /** Solves R rho = b for the corrector of order 2: R = [[1, 1], [r1, 1]], b_k from h phi_k(h). */
        double[] solveCorrector() {
            double hPhiK = hPhi1 / hh - 1;
            double factorial = 1;
            double[] b = new double[order];
            for (int i = 1; i <= order; i++) {
                b[i - 1] = hPhiK * factorial / bH;
                factorial *= i + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }
            double det = 1 - r1;
            return new double[] {(b[0] - b[1]) / det, (b[1] - r1 * b[0]) / det};
        }
    }
}

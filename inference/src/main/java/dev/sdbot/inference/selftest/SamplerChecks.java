package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.DpmSolverMultistepSampler;
import dev.sdbot.inference.sampling.NoiseSchedule;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.sampling.QueuedNoise;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.weights.ConfigJson;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samplers alone against diffusers: {@code sched.alphas_cumprod} and, for every
 * {@code sched.<name>.<steps>.*} case, timesteps, sigmas, init_noise_sigma and the trajectory driven by
 * the fake model {@code eps(x, t) = 0.3 x + 0.05 cos(t / 150) + 0.01 tanh(3 x)}.
 */
public final class SamplerChecks {
    public static final double TOLERANCE = 1e-5;
    private static final Pattern CASE = Pattern.compile("sched\\.(\\w+)\\.(\\d+)\\.trajectory");

    private SamplerChecks() {
    }

    public static List<CheckResult> run(Path reference) {
        List<CheckResult> results = new ArrayList<>();
        try (SafetensorsFile ref = SafetensorsFile.open(reference); NDManager manager = NDManager.newBaseManager()) {
            JsonObject configs = JsonParser.parseString(ref.metadata().get("sched.configs")).getAsJsonObject();
            TreeSet<String> cases = new TreeSet<>();
            for (String key : ref.keys()) {
                Matcher m = CASE.matcher(key);
                if (m.matches()) {
                    cases.add(m.group(1) + "." + m.group(2));
                }
            }
            String anyConfig = configs.keySet().iterator().next();
            float[] alphas = NoiseSchedule.of(SchedulerConfig.fromJson(ConfigJson.of(configs.getAsJsonObject(anyConfig), "sched.configs." + anyConfig))).alphasCumprod();
            results.add(CheckResult.of("sched.alphas_cumprod",
                    relError(toDouble(alphas), ref.load("sched.alphas_cumprod", manager).toDoubleArray()), TOLERANCE));
            for (String c : cases) {
                String name = c.substring(0, c.indexOf('.'));
                int steps = Integer.parseInt(c.substring(c.indexOf('.') + 1));
                try (NDManager sub = manager.newSubManager()) {
                    results.addAll(checkCase(ref, sub, name, steps, configs.getAsJsonObject(name)));
                }
            }
        }
        return results;
    }

    private static List<CheckResult> checkCase(SafetensorsFile ref, NDManager manager, String name, int steps,
                                               JsonObject config) {
        String prefix = "sched." + name + "." + steps;
        List<CheckResult> results = new ArrayList<>();
        DiffusionSampler sampler = Samplers.create(samplerFor(name), SchedulerConfig.fromJson(ConfigJson.of(config, "sched.configs." + name)), steps);

        double[] expectedT = ref.load(prefix + ".timesteps", manager).toDoubleArray();
        results.add(timestepCheck(prefix + ".timesteps", sampler.timesteps(), expectedT));
        double[] sigmas = sigmasOf(sampler);
        if (sigmas != null && ref.contains(prefix + ".sigmas")) {
            results.add(CheckResult.of(prefix + ".sigmas",
                    relError(sigmas, ref.load(prefix + ".sigmas", manager).toDoubleArray()), TOLERANCE));
        }
        double expectedSigma = ref.load(prefix + ".init_noise_sigma", manager).toDoubleArray()[0];
        results.add(CheckResult.of(prefix + ".init_noise_sigma",
                Math.abs(sampler.initNoiseSigma() - expectedSigma) / Math.abs(expectedSigma), TOLERANCE));

        NDArray expected = ref.load(prefix + ".trajectory", manager);
        NoiseSource noise = ref.contains(prefix + ".step_noise")
                ? QueuedNoise.split(ref.load(prefix + ".step_noise", manager)) : NoiseSource.NONE;
        NDArray x = ref.load(prefix + ".x0", manager);
        double[] timesteps = sampler.timesteps();
        List<NDArray> trajectory = new ArrayList<>();
        for (int i = 0; i < timesteps.length; i++) {
            NDArray eps = fakeModel(sampler.scaleModelInput(x, i), timesteps[i]);
            x = sampler.step(eps, i, x, noise);
            trajectory.add(x);
        }
        NDArray actual = NDArrays.stack(new ai.djl.ndarray.NDList(trajectory));
        results.add(CheckResult.of(prefix + ".trajectory", Parity.relativeError(actual, expected), TOLERANCE));
        return results;
    }

    /** The fake denoiser the reference trajectories were made with. */
    static NDArray fakeModel(NDArray x, double t) {
        return x.mul(0.3f).add((float) (0.05 * Math.cos(t / 150))).add(x.mul(3f).tanh().mul(0.01f));
    }

    private static double[] sigmasOf(DiffusionSampler sampler) {
        if (sampler instanceof DpmSolverMultistepSampler dpm) {
            return dpm.sigmas();
        }
        if (sampler instanceof dev.sdbot.inference.sampling.SigmaSampler s) {
            return toDouble(s.sigmas());
        }
        return null;
    }

    private static CheckResult timestepCheck(String name, double[] actual, double[] expected) {
        boolean integral = true;
        for (double e : expected) {
            integral &= e == Math.rint(e);
        }
        if (!integral) {
            return CheckResult.of(name, relError(actual, expected), TOLERANCE);
        }
        int differing = Math.abs(actual.length - expected.length);
        for (int i = 0; i < Math.min(actual.length, expected.length); i++) {
            if (actual[i] != expected[i]) {
                differing++;
            }
        }
        return CheckResult.of(name + " (exact)", differing / (double) expected.length, 0);
    }

    static Sampler samplerFor(String referenceName) {
        return switch (referenceName) {
            case "pndm" -> Sampler.PLMS;
            default -> Sampler.fromId(referenceName);
        };
    }

    static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    /** Relative L2 error |a - b| / |b|, accumulated in double; infinite when the shapes differ. */
    static double relError(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}

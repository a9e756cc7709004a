package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.DenoiseSteps;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.DpmSolverMultistepSampler;
import dev.sdbot.inference.sampling.KDiffusionSampler;
import dev.sdbot.inference.sampling.NoiseSchedule;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.sampling.QueuedNoise;
import dev.sdbot.inference.sampling.SamplerPass;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.weights.ConfigJson;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samplers alone against their references: {@code sched.alphas_cumprod} and, for every
 * {@code sched.<name>.<steps>.*} case of a fixture (diffusers), timesteps, sigmas, init_noise_sigma and the
 * trajectory driven by the fake model {@code eps(x, t) = 0.3 x + 0.05 cos(t / 150) + 0.01 tanh(3 x)}; and
 * with {@link #runBundled()} the k-diffusion, A1111 DDIM/PLMS and UniPC samplers against the bundled
 * {@code sampler-refs.safetensors} and {@code timestep-sampler-refs.safetensors} (made by {@code make_refs.py} and
 * {@code make_timestep_refs.py} beside them in the test resources, packaged into the jar by the pom).
 *
 * <p>Tolerance: a trajectory is at most 15 model calls of about ten element-wise float32 operations on
 * well-conditioned updates, each rounding by at most 2^-24 (6e-8) relative, so float32 stays within
 * 15 x 10 x 6e-8 = 1e-5 of the float64 reference; the schedules (computed in double) agree far closer. A bundled case
 * with more calls (A1111's DDIM/PLMS at 30 steps: 31) gets the same bound per call ({@link #tolerance}).
 */
public final class SamplerChecks {
    public static final double TOLERANCE = 1e-5;
    /** The bundled references, class-path resources next to this class (make_refs.py, make_timestep_refs.py). */
    public static final List<String> BUNDLED_REFS = List.of("sampler-refs.safetensors",
            "timestep-sampler-refs.safetensors");
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

    /** One line per case of the bundled k-diffusion, UniPC and A1111 DDIM/PLMS references. */
    public static List<CheckResult> runBundled() {
        List<CheckResult> results = new ArrayList<>();
        for (String resource : BUNDLED_REFS) {
            results.addAll(runBundled(resource));
        }
        return results;
    }

    private static List<CheckResult> runBundled(String resource) {
        Path copy = null;
        try (InputStream in = SamplerChecks.class.getResourceAsStream(resource)) {
            if (in == null) {
                return List.of(new CheckResult("sampler references (" + resource + " missing from the build)",
                        Double.NaN, TOLERANCE, false));
            }
            copy = Files.createTempFile("sdbot-sampler-refs", ".safetensors");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return runReferences(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (copy != null) {
                copy.toFile().delete();
            }
        }
    }

    /**
     * Each {@code ref.<case>.*} of a make_refs.py file: the sampler's timesteps, sigmas (where it has them),
     * start sigma and the trajectory from {@code x0}, step noise replayed in order. One result per case: the
     * largest of these relative errors.
     */
    public static List<CheckResult> runReferences(Path file) {
        List<CheckResult> results = new ArrayList<>();
        try (SafetensorsFile ref = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            JsonObject cases = JsonParser.parseString(ref.metadata().get("cases")).getAsJsonObject();
            for (String name : cases.keySet()) {
                JsonObject c = cases.getAsJsonObject(name);
                try (NDManager sub = manager.newSubManager()) {
                    results.add(referenceCase(ref, sub, name, c));
                }
            }
        }
        return results;
    }

    private static CheckResult referenceCase(SafetensorsFile ref, NDManager manager, String name, JsonObject c) {
        String prefix = "ref." + name;
        Sampler id = Sampler.fromId(c.get("sampler").getAsString());
        SchedulerConfig config = SchedulerConfig.fromJson(ConfigJson.of(c.getAsJsonObject("config"), prefix + ".config"));
        int steps = c.get("steps").getAsInt();
        // an img2img case (make_timestep_refs.py) starts from x0 noised by the sampler, as the pipeline does
        SamplerPass pass = c.has("strength")
                ? Samplers.pass(id, config, DenoiseSteps.img2img(steps, c.get("strength").getAsDouble()))
                : new SamplerPass(Samplers.create(id, config, steps), 0);
        DiffusionSampler sampler = pass.sampler();
        double[] t = Arrays.copyOfRange(sampler.timesteps(), pass.start(), sampler.timesteps().length);
        double timesteps = relError(t, ref.load(prefix + ".timesteps", manager).toDoubleArray());
        double sigmas = 0;
        if (sampler instanceof KDiffusionSampler k) {
            sigmas = Math.max(relError(k.sigmas(), ref.load(prefix + ".sigmas", manager).toDoubleArray()),
                    relError(k.callSigmas(), ref.load(prefix + ".call_sigmas", manager).toDoubleArray()));
        }
        double expectedSigma = ref.load(prefix + ".init_noise_sigma", manager).toDoubleArray()[0];
        double start = Math.abs(sampler.initNoiseSigma() - expectedSigma) / expectedSigma;
        NoiseSource noise = ref.contains(prefix + ".step_noise")
                ? QueuedNoise.split(ref.load(prefix + ".step_noise", manager)) : NoiseSource.NONE;
        NDArray x = ref.load(prefix + ".x0", manager);
        if (c.has("strength")) {
            x = sampler.addNoise(x, ref.load(prefix + ".noise", manager), pass.start());
        }
        List<NDArray> trajectory = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            int call = pass.start() + i;
            x = sampler.step(fakeModel(sampler.scaleModelInput(x, call), t[i]), call, x, noise);
            trajectory.add(x);
        }
        double path = Parity.relativeError(NDArrays.stack(new ai.djl.ndarray.NDList(trajectory)),
                ref.load(prefix + ".trajectory", manager));
        double worst = Math.max(Math.max(timesteps, sigmas), Math.max(start, path));
        return CheckResult.of(String.format("sampler %s (%s, %s, %d calls): trajectory %.1e, timesteps %.1e, sigmas %.1e",
                name, id.displayName(), config.predictionType(), t.length, path, timesteps, sigmas), worst, tolerance(t.length));
    }

    /** {@link #TOLERANCE}, or for a trajectory of more than 15 calls ten float32 roundings (2^-24) per call. */
    static double tolerance(int calls) {
        return Math.max(TOLERANCE, calls * 10 * 0x1p-24);
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

    /** The sampler a fixture reference was made with: the fixtures' schedulers are diffusers 0.21's. */
    static Sampler samplerFor(String referenceName) {
        return switch (referenceName) {
            case "pndm" -> Sampler.PLMS_DIFFUSERS;
            case "ddim" -> Sampler.DDIM_DIFFUSERS;
            case "dpmpp_2m_karras" -> Sampler.DPMPP_2M_KARRAS_DIFFUSERS;
            case "euler" -> Sampler.EULER_DIFFUSERS;
            case "euler_a" -> Sampler.EULER_A_DIFFUSERS;
            case "lms" -> Sampler.LMS_DIFFUSERS;
            case "dpmpp_2m" -> Sampler.DPMPP_2M_DIFFUSERS;
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

package dev.sdbot.inference.selftest;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.pipeline.ClipConditioner;
import dev.sdbot.inference.pipeline.DiffusionModel;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.pipeline.StepListener;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Half-precision parity: the model loaded as a worker loads it in {@code type} on {@code device} (UNet and text
 * encoder in {@code type}, the VAE as {@link dev.sdbot.inference.pipeline.VaePrecision} decides), run on the fp32
 * reference inputs and compared with the fp32 reference outputs: each network, and the first txt2img case end to end.
 *
 * <p>Tolerance: fp16 keeps 11 significant bits, unit roundoff {@code u = 2^-11 = 4.9e-4}. Each layer rounds its
 * weights and its output once, so a relative error of order {@code u} enters per layer and the errors of {@code L}
 * layers add up like a random walk, {@code ~u sqrt(L)}, times the amplification of the layers after them (LayerNorm
 * and softmax are well conditioned; the UNet's skips and the VAE's up-sampling are not). The bound is
 * {@code 32 u} (1.6e-2): 4.5x the largest error measured on the mini fixtures (text encoder 1.8 u, UNet 3.8 u,
 * txt2img latents 7.1 u; the full-size networks have the same depth, only wider), far below what a
 * wrong cast, a missing upcast or an fp16 overflow gives (relative errors of order 1, or NaN).
 */
public final class PrecisionChecks {
    private PrecisionChecks() {
    }

    private static boolean hasKey(Path reference, String key) {
        try (SafetensorsFile f = SafetensorsFile.open(reference)) {
            return f.contains(key);
        }
    }

    /** Unit roundoff of a floating dtype. */
    public static double unitRoundoff(DataType type) {
        return switch (type) {
            case FLOAT16 -> Math.scalb(1.0, -11);
            case BFLOAT16 -> Math.scalb(1.0, -8);
            case FLOAT32 -> Math.scalb(1.0, -24);
            default -> throw new IllegalArgumentException("not a floating dtype: " + type);
        };
    }

    /** The parity bound for a whole network computed in {@code type} (see the class comment; fp32: the usual 1e-4). */
    public static double tolerance(DataType type) {
        return type == DataType.FLOAT32 ? VaeChecks.TOLERANCE : 32 * unitRoundoff(type);
    }

    /**
     * @param folder    the diffusers folder of the model
     * @param reference its {@code reference.safetensors} (text.hidden, unet.*, vae.decode.*)
     */
    public static List<CheckResult> run(String name, Path folder, Path reference, Device device, DataType type) {
        String label = " " + name + " " + type.name().toLowerCase() + " on " + device;
        double tol = tolerance(type);
        List<CheckResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            DiffusionModel model = ModelLoader.load(folder, manager, type);
            NDArray ids = Parity.reference(reference, "tokenizer.ids", manager);
            results.add(CheckResult.of("text.hidden" + label, Parity.relativeError(((ClipConditioner) model.text()).textEncoder().encode(ids, 1),
                    Parity.reference(reference, "text.hidden", manager)), tol));
            NDArray eps = model.unet().forward(Parity.reference(reference, "unet.in.sample", manager),
                    Parity.reference(reference, "unet.in.timesteps", manager),
                    Parity.reference(reference, "unet.in.context", manager));
            results.add(CheckResult.of("unet.out" + label, Parity.relativeError(eps,
                    Parity.reference(reference, "unet.out", manager)), tol));
            if (hasKey(reference, "vae.decode.in")) {
                NDArray decoded = model.vae().decode(Parity.reference(reference, "vae.decode.in", manager));
                DataType vaeType = model.vae().dtype();
                results.add(CheckResult.of("vae.decode.out (vae in " + vaeType.name().toLowerCase() + ")" + label,
                        Parity.relativeError(decoded, Parity.reference(reference, "vae.decode.out", manager)),
                        tolerance(vaeType)));
            }
            results.addAll(txt2img(model, reference, manager, label, tol));
        }
        return results;
    }

    /** The first {@code txt2img} case end to end (the sampler loop in fp32 around the half-precision UNet). */
    private static List<CheckResult> txt2img(DiffusionModel model, Path reference, NDManager manager, String label,
                                             double tol) {
        try (SafetensorsFile ref = SafetensorsFile.open(reference)) {
            String cases = ref.metadata().get("txt2img.cases");
            if (cases == null) {
                return List.of();
            }
            JsonObject c = JsonParser.parseString(cases).getAsJsonArray().get(0).getAsJsonObject();
            String prefix = "txt2img." + c.get("case").getAsInt();
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(model);
            NDArray latents = pipeline.txt2img(PipelineChecks.context(pipeline, manager, c),
                    c.get("guidance").getAsDouble(), PipelineChecks.sampler(model, c),
                    PipelineChecks.noise(ref, manager, prefix, false, false), StepListener.NONE);
            return List.of(CheckResult.of(prefix + ".latents" + label,
                    Parity.relativeError(latents, ref.load(prefix + ".latents", manager)), tol));
        } catch (GenerationCancelledException e) {
            throw new IllegalStateException("nothing cancels a check", e);
        }
    }
}

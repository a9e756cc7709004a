package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.vae.LatentDistribution;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** VAE parity: encoder (mean, logvar) on the reference image and decoder on the reference latents. */
public final class VaeChecks {
    public static final double TOLERANCE = 1e-4;

    private VaeChecks() {
    }

    public static List<CheckResult> all(Path ldmFixtures) {
        return vae("mini-sd15", ldmFixtures.resolve("mini-sd15"),
                ldmFixtures.resolve("mini-sd15-reference/reference.safetensors"));
    }

    /**
     * @param modelDir  diffusers folder with {@code vae/config.json} and {@code vae/diffusion_pytorch_model.safetensors}
     * @param reference safetensors with {@code vae.in.image_uint8}, {@code vae.encode.mean}, {@code vae.encode.logvar},
     *                  {@code vae.decode.in}, {@code vae.decode.out}
     */
    public static List<CheckResult> vae(String name, Path modelDir, Path reference) {
        return vae(name, m -> SafetensorsWeights.loadAll(modelDir.resolve("vae/diffusion_pytorch_model.safetensors"), m,
                        DataType.FLOAT32),
                VaeConfig.fromJson(modelDir.resolve("vae/config.json")), reference);
    }

    /** The same checks on VAE weights from any source (e.g. a single-file checkpoint) built with {@code config}. */
    public static List<CheckResult> vae(String name, Function<NDManager, Weights> weights, VaeConfig config, Path reference) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Vae vae = Vae.load(weights.apply(manager), config);
            NDArray pixels = Parity.reference(reference, "vae.in.image_uint8", manager);
            LatentDistribution latent = vae.encode(toImage(pixels));
            NDArray decoded = vae.decode(Parity.reference(reference, "vae.decode.in", manager));
            return List.of(
                    CheckResult.of("vae.encode.mean " + name, Parity.relativeError(latent.mean(),
                            Parity.reference(reference, "vae.encode.mean", manager)), TOLERANCE),
                    CheckResult.of("vae.encode.logvar " + name, Parity.relativeError(latent.logvar(),
                            Parity.reference(reference, "vae.encode.logvar", manager)), TOLERANCE),
                    CheckResult.of("vae.decode.out " + name, Parity.relativeError(decoded,
                            Parity.reference(reference, "vae.decode.out", manager)), TOLERANCE));
        }
    }

    /** HWC uint8 to (1, C, H, W) fp32 in [-1, 1]: {@code x / 127.5 - 1}. */
    static NDArray toImage(NDArray hwcUint8) {
        return hwcUint8.toType(DataType.FLOAT32, false).transpose(2, 0, 1).expandDims(0).div(127.5f).sub(1f);
    }
}

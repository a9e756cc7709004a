package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** UNet parity: one forward on the reference inputs against diffusers' output. */
public final class UNetChecks {
    public static final double TOLERANCE = 1e-4;

    private UNetChecks() {
    }

    /** The SD 1.x-style and SD 2.x-style (v-prediction, linear projections, per-block heads) fixtures. */
    public static List<CheckResult> all(Path ldmFixtures) {
        return List.of(
                unet("unet.out mini-sd15", ldmFixtures.resolve("mini-sd15"),
                        ldmFixtures.resolve("mini-sd15-reference/reference.safetensors")),
                unet("unet.out mini-sd21v", ldmFixtures.resolve("mini-sd21v"),
                        ldmFixtures.resolve("mini-sd21v-reference/reference.safetensors")));
    }

    /**
     * @param modelDir  diffusers folder with {@code unet/config.json} and {@code unet/diffusion_pytorch_model.safetensors}
     * @param reference safetensors holding {@code unet.in.sample}, {@code unet.in.timesteps}, {@code unet.in.context},
     *                  {@code unet.out}
     */
    public static CheckResult unet(String name, Path modelDir, Path reference) {
        return unet(name, m -> SafetensorsWeights.loadAll(modelDir.resolve("unet/diffusion_pytorch_model.safetensors"), m,
                        DataType.FLOAT32),
                UNetConfig.fromJson(modelDir.resolve("unet/config.json")), reference);
    }

    /** The same check on UNet weights from any source (e.g. a single-file checkpoint) built with {@code config}. */
    public static CheckResult unet(String name, Function<NDManager, Weights> weights, UNetConfig config, Path reference) {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet unet = UNet.load(weights.apply(manager), config);
            NDArray out = unet.forward(Parity.reference(reference, "unet.in.sample", manager),
                    Parity.reference(reference, "unet.in.timesteps", manager),
                    Parity.reference(reference, "unet.in.context", manager));
            return CheckResult.of(name, Parity.relativeError(out, Parity.reference(reference, "unet.out", manager)),
                    TOLERANCE);
        }
    }
}

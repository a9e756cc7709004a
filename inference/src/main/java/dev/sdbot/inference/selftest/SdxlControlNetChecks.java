package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.controlnet.ControlNetLoader;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.unet.AddedConditioning;
import dev.sdbot.inference.unet.ControlNet;
import dev.sdbot.inference.unet.ControlResiduals;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mini SDXL ControlNet ({@code make_sdxl_controlnet_refs.py} in the test resources, bundled in the jar) against
 * diffusers v0.21.4: its residuals with SDXL's added conditioning (pooled text embedding, size/crop ids), in guess
 * mode, the mini-sdxl UNet with those residuals, and StableDiffusionXLControlNetPipeline's loop. Tolerances as
 * {@link ControlNetChecks}.
 */
public final class SdxlControlNetChecks {
    private SdxlControlNetChecks() {
    }

    /** @param sdxlFolder the mini-sdxl diffusers folder the ControlNet was made from */
    public static List<CheckResult> runBundled(Path sdxlFolder) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sdbot-sdxl-controlnet-refs");
            Path refs = ControlNetChecks.copy("sdxl-controlnet-refs.safetensors", dir);
            ControlNetChecks.copy("mini-cn-sdxl/config.json", dir);
            ControlNetChecks.copy("mini-cn-sdxl/diffusion_pytorch_model.safetensors", dir);
            List<CheckResult> results = new ArrayList<>();
            try (NDManager manager = NDManager.newBaseManager()) {
                ControlNet net = ControlNetLoader.load(dir.resolve("mini-cn-sdxl"), manager, DataType.FLOAT32);
                ControlResiduals residuals = residuals(net, refs, manager, false);
                results.add(CheckResult.of("sdxl controlnet residuals (diffusers folder)",
                        ControlNetChecks.error(residuals, refs, "cn.", manager), ControlNetChecks.TOLERANCE));
                results.add(CheckResult.of("sdxl controlnet residuals (guess mode)",
                        ControlNetChecks.error(residuals(net, refs, manager, true), refs, "cn.guess.", manager),
                        ControlNetChecks.TOLERANCE));
                Weights weights = SafetensorsWeights.loadAll(
                        sdxlFolder.resolve("unet/diffusion_pytorch_model.safetensors"), manager, DataType.FLOAT32);
                UNet unet = UNet.load(weights, UNetConfig.fromJson(sdxlFolder.resolve("unet/config.json")));
                AddedConditioning added = added(refs, manager);
                NDArray out = unet.forward(Parity.reference(refs, "cn.in.sample", manager),
                        Parity.reference(refs, "cn.in.timestep", manager),
                        Parity.reference(refs, "cn.in.context", manager), added.pooled(), added.sizeIds(), residuals);
                results.add(CheckResult.of("sdxl unet.out with controlnet residuals",
                        Parity.relativeError(out, Parity.reference(refs, "unet.out", manager)),
                        ControlNetChecks.TOLERANCE));
                results.add(ControlNetChecks.txt2img(
                        "sdxl controlnet txt2img.0 latents (Euler 8 steps, weight 0.8, end 0.75)", sdxlFolder, net,
                        refs, manager));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ControlNetChecks.deleteTree(dir);
        }
    }

    private static AddedConditioning added(Path refs, NDManager manager) {
        return new AddedConditioning(Parity.reference(refs, "cn.in.text_embeds", manager),
                Parity.reference(refs, "cn.in.time_ids", manager));
    }

    public static ControlResiduals residuals(ControlNet net, Path refs, NDManager manager, boolean guess) {
        float scale = Parity.reference(refs, "cn.scale", manager).getFloat(0);
        return net.forward(Parity.reference(refs, "cn.in.sample", manager),
                Parity.reference(refs, "cn.in.timestep", manager), Parity.reference(refs, "cn.in.context", manager),
                added(refs, manager), Parity.reference(refs, "cn.in.cond", manager), scale, guess);
    }
}

package dev.sdbot.inference.controlnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.pipeline.Conditioning;
import dev.sdbot.inference.pipeline.ControlGuide;
import dev.sdbot.inference.pipeline.ImageNoise;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.pipeline.StepListener;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.selftest.Parity;
import dev.sdbot.inference.unet.ControlNet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several ControlNets sum their residuals (diffusers' MultiControlNetModel), a window that covers no step is no
 * ControlNet, and guess mode runs, on mini-sd15 with the mini ControlNet.
 */
class ControlGuideTest {
    private static final Path NET = Path.of("src/test/resources/controlnet/mini-cn");

    @Test
    void unitsSumAndAnEmptyWindowChangesNothing() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(
                    ModelLoader.load(Fixtures.LDM.resolve("mini-sd15"), manager));
            ControlNet net = ControlNetLoader.load(NET, manager, DataType.FLOAT32);
            NDArray image = manager.randomUniform(0f, 1f, new Shape(1, 3, 64, 64));
            Conditioning context = pipeline.encodePrompt(manager, "a red fox", "", 7, 1);

            NDArray plain = run(pipeline, context, manager, ControlGuide.NONE);
            NDArray once = run(pipeline, context, manager, guide(new ControlGuide.Unit(net, image, 0.8f, 0, 1, false)));
            NDArray twice = run(pipeline, context, manager, guide(new ControlGuide.Unit(net, image, 0.4f, 0, 1, false),
                    new ControlGuide.Unit(net, image, 0.4f, 0, 1, false)));
            // 4 steps: a call i is skipped when i/4 < 0.9, so none runs
            NDArray outside = run(pipeline, context, manager, guide(new ControlGuide.Unit(net, image, 1f, 0.9, 1, false)));
            NDArray guess = run(pipeline, context, manager, guide(new ControlGuide.Unit(net, image, 0.8f, 0, 1, true)));

            assertThat(Parity.relativeError(once, plain)).as("the net moves the latents").isGreaterThan(1e-2);
            assertThat(Parity.relativeError(twice, once)).as("0.4 + 0.4 = 0.8").isLessThan(1e-5);
            assertThat(outside.toFloatArray()).as("no step in the window").isEqualTo(plain.toFloatArray());
            assertThat(Parity.relativeError(guess, once)).as("guess mode differs from balanced").isGreaterThan(1e-3);
        }
    }

    private static ControlGuide guide(ControlGuide.Unit... units) {
        return new ControlGuide(List.of(units));
    }

    private static NDArray run(StableDiffusionPipeline pipeline, Conditioning context, NDManager manager,
                               ControlGuide control) throws Exception {
        ImageNoise noise = ImageNoise.seeded(manager, 3, new Shape(1, 4, 8, 8), false, false, 0);
        return pipeline.txt2img(context, 7, Samplers.create(Sampler.DDIM_DIFFUSERS, pipeline.model().scheduler(), 4), noise,
                StepListener.NONE, control);
    }
}

package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker takes the WebP images Discord clients send as img2img input (TwelveMonkeys' ImageIO plugin). */
class WebpInitImageTest {

    @Test
    void img2imgFromAWebpInitImage(@TempDir Path models) throws Exception {
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        byte[] webp;
        try (InputStream in = WebpInitImageTest.class.getResourceAsStream("/images/gradient-48x32-lossy.webp")) {
            webp = in.readAllBytes();
        }
        DiffusionGenerator generator = new DiffusionGenerator(models, 4);
        try {
            GenerationResult result = generator.generate(new GenerationRequest("a gradient", "", "mini-sd15",
                    Sampler.DDIM, 4, 7, 64, 64, 1L, 1, webp, 0.5, null, 1), ProgressListener.NONE);
            RgbImage image = ImageCodec.decode(result.images().get(0).png());
            assertThat(image.width()).isEqualTo(64);
            assertThat(image.height()).isEqualTo(64);
            assertThat(PngText.read(result.images().get(0).png()).get("parameters")).contains("Denoising strength: 0.5");
        } finally {
            generator.close();
        }
    }
}

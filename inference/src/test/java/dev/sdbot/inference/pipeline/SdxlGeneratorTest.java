package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.selftest.Parity;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SDXL through the engine's public API, from a models directory as a worker has it. */
class SdxlGeneratorTest {
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;

    /** The folder, the single file under a download-like name (with the sidecar its tiny head counts need), SD 1.5. */
    @BeforeAll
    static void open() throws IOException {
        Files.createSymbolicLink(models.resolve("mini-sdxl"), Fixtures.LDM.resolve("mini-sdxl"));
        Files.createSymbolicLink(models.resolve("download.safetensors"), Fixtures.LDM.resolve("mini-sdxl.safetensors"));
        Files.writeString(models.resolve("download.json"), "{\"unet\": {\"attention_head_dim\": [2, 2, 4]},"
                + " \"text_encoder\": {\"num_attention_heads\": 2}, \"text_encoder_2\": {\"num_attention_heads\": 4}}");
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        generator = new DiffusionGenerator(models, 4);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest request(String model, String negative, int count, int clipSkip) {
        return new GenerationRequest("a lighthouse on a cliff", negative, model, Sampler.EULER_A, 3, 6.0, 128, 128,
                7L, count, null, 0.75, null, clipSkip);
    }

    @Test
    void familiesComeFromTheWeights() {
        assertThat(generator.modelFamilies()).isEqualTo(Map.of("mini-sdxl", ModelFamily.SDXL,
                "download", ModelFamily.SDXL, "mini-sd15", ModelFamily.SD1));
        // a folder: its UNet's sample_size (16) times its VAE's scale (8); a single file: its family's default
        assertThat(generator.nativeSides()).isEqualTo(Map.of("mini-sdxl", 128, "download", 1024, "mini-sd15", 128));
    }

    @Test
    void folderAndSingleFileGiveTheSamePicturesAndBatchingChangesNothing() throws Exception {
        GenerationResult folder = generator.generate(request("mini-sdxl", "", 2, 1), ProgressListener.NONE);
        GenerationResult single = generator.generate(request("download", "", 2, 1), ProgressListener.NONE);
        assertThat(folder.images()).hasSize(2).extracting(GeneratedImage::seed).containsExactly(7L, 8L);
        for (int i = 0; i < 2; i++) {
            RgbImage a = ImageCodec.decode(folder.images().get(i).png());
            assertThat(a.width()).isEqualTo(128);
            assertThat(maxLevelDifference(a, ImageCodec.decode(single.images().get(i).png()))).isLessThanOrEqualTo(2);
        }
        GenerationRequest secondAlone = new GenerationRequest("a lighthouse on a cliff", "", "mini-sdxl",
                Sampler.EULER_A, 3, 6.0, 128, 128, 8L, 1, null, 0.75, null, 1);
        assertThat(maxLevelDifference(ImageCodec.decode(generator.generate(secondAlone, ProgressListener.NONE)
                .images().get(0).png()), ImageCodec.decode(folder.images().get(1).png()))).isLessThanOrEqualTo(2);
    }

    /**
     * Largest 8-bit difference (the fixture README's tolerance is 2 levels): identical weights give the same
     * picture, though not bit for bit, as libtorch's kernels may sum in another order for other buffers.
     */
    private static int maxLevelDifference(RgbImage a, RgbImage b) {
        assertThat(b.width()).isEqualTo(a.width());
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            max = Math.max(max, Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)));
        }
        return max;
    }

    /** No negative prompt means zero unconditional context and pooled embedding, not the encoded empty prompt. */
    @Test
    void withoutANegativePromptTheUnconditionalHalfIsZeros() {
        try (NDManager m = NDManager.newBaseManager()) {
            StableDiffusionPipeline p = new StableDiffusionPipeline(ModelLoader.load(models.resolve("mini-sdxl"), m));
            Conditioning none = p.encodePrompt(m, "a lighthouse", "", 5, 1);
            assertThat(none.context().getShape()).isEqualTo(new Shape(2, 77, 24));
            assertThat(none.pooled().getShape()).isEqualTo(new Shape(2, 16));
            assertThat(none.context().get("0").abs().max().getFloat()).isZero();
            assertThat(none.pooled().get("0").abs().max().getFloat()).isZero();
            Conditioning negative = p.encodePrompt(m, "a lighthouse", "blurry", 5, 1);
            assertThat(negative.context().get("0").abs().max().getFloat()).isPositive();
            assertThat(negative.pooled().get("0").abs().max().getFloat()).isPositive();
            assertThat(Parity.relativeError(negative.context().get("1:2"), none.context().get("1:2"))).isZero();

            // a prompt over 75 tokens: two chunks through both encoders, the zeros as long, pooled from the first
            Conditioning longer = p.encodePrompt(m, String.join(" ", java.util.Collections.nCopies(100, "fox")), "", 5, 1);
            assertThat(longer.context().getShape()).isEqualTo(new Shape(2, 154, 24));
            assertThat(longer.context().get("0").abs().max().getFloat()).isZero();
            Conditioning firstChunk = p.encodePrompt(m, String.join(" ", java.util.Collections.nCopies(75, "fox")), "",
                    1, 1);
            assertThat(Parity.relativeError(longer.pooled().get("1:2"), firstChunk.pooled())).isLessThan(1e-6);
        }
    }

    /** A1111 applies clip skip to SD 1.x's CLIP only: on SDXL it is ignored (and still recorded), not refused. */
    @Test
    void clipSkipIsIgnoredOnSdxlAsA1111Does() throws Exception {
        GeneratedImage skipped = generator.generate(request("mini-sdxl", "", 1, 3), ProgressListener.NONE).images().get(0);
        GeneratedImage plain = generator.generate(request("mini-sdxl", "", 1, 1), ProgressListener.NONE).images().get(0);
        assertThat(ImageCodec.decode(skipped.png()).pixels()).isEqualTo(ImageCodec.decode(plain.png()).pixels());
        assertThat(PngText.read(skipped.png()).get("parameters")).contains("Clip skip: 3");
    }
}

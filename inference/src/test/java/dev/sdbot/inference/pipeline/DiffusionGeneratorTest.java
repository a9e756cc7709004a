package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiffusionGeneratorTest {
    private static final String MODEL = "mini-sd15";
    @TempDir
    static Path models;
    private static DiffusionGenerator generator;

    /**
     * A models directory: the fixture folder, the fixture single file (with the sidecar config its tiny text
     * encoder needs) under the same name, a complete folder around the 9-channel UNet, and two things that
     * are not models (a LoRA, a lone UNet folder).
     */
    @BeforeAll
    static void open() throws IOException {
        Files.createSymbolicLink(models.resolve(MODEL), Fixtures.LDM.resolve(MODEL));
        Files.createSymbolicLink(models.resolve("mini-sd15.safetensors"), Fixtures.LDM.resolve("mini-sd15.safetensors"));
        Files.writeString(models.resolve("mini-sd15.json"), "{\"text_encoder\": {\"num_attention_heads\": 4}}");
        Files.createSymbolicLink(models.resolve("mini-sd15-lora.safetensors"),
                Fixtures.LDM.resolve("mini-sd15-lora.safetensors"));
        Files.createSymbolicLink(models.resolve("mini-sd15-inpainting"), Fixtures.LDM.resolve("mini-sd15-inpainting"));
        Path inpaint = Files.createDirectories(models.resolve("inpaint"));
        for (String part : List.of("vae", "text_encoder", "tokenizer", "scheduler", "safety_checker", "feature_extractor")) {
            Files.createSymbolicLink(inpaint.resolve(part), Fixtures.LDM.resolve(MODEL).resolve(part));
        }
        Files.createSymbolicLink(inpaint.resolve("unet"), Fixtures.LDM.resolve("mini-sd15-inpainting/unet"));
        generator = new DiffusionGenerator(models, 4);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest request(Sampler sampler, Long seed, int count, byte[] init, double strength,
                                             byte[] mask, String model) {
        return request(sampler, seed, count, init, strength, mask, model, 4);
    }

    private static GenerationRequest request(Sampler sampler, Long seed, int count, byte[] init, double strength,
                                             byte[] mask, String model, int steps) {
        return new GenerationRequest("a red apple on a table", "blurry", model, sampler, steps, 7.0, 64, 64, seed, count,
                init, strength, mask, 1);
    }

    private static GenerationRequest txt2img(Sampler sampler, Long seed, int count) {
        return request(sampler, seed, count, null, 0.75, null, MODEL);
    }

    @Test
    void txt2imgGivesSeededPngsWithParametersAndProgress() throws Exception {
        List<Progress> progress = new ArrayList<>();
        GenerationResult result = generator.generate(txt2img(Sampler.EULER_A, 42L, 2), progress::add);

        assertThat(result.images()).extracting(GeneratedImage::seed).containsExactly(42L, 43L);
        assertThat(result.gpuMillis()).isPositive();
        for (GeneratedImage image : result.images()) {
            RgbImage rgb = ImageCodec.decode(image.png());
            assertThat(rgb.width()).isEqualTo(64);
            assertThat(rgb.height()).isEqualTo(64);
            assertThat(PngText.read(image.png()).get("parameters"))
                    .contains("a red apple on a table", "Negative prompt: blurry", "Steps: 4", "Sampler: Euler a",
                            "Seed: " + image.seed(), "Size: 64x64", "Model: " + MODEL);
            assertThat(image.nsfwScores()).isNotEmpty(); // mini-sd15 has a safety checker
        }
        // Both images run as one batch: one step is a step of both.
        assertThat(progress).extracting(Progress::step).containsExactly(1, 2, 3, 4);
        assertThat(progress).allMatch(p -> p.totalSteps() == 4 && p.previewPng() == null);
        assertThat(generator.loadedModels()).contains(MODEL);

        // Image i depends only on seed + i, not on the count.
        GenerationResult second = generator.generate(txt2img(Sampler.EULER_A, 43L, 1), ProgressListener.NONE);
        assertSamePixels(second.images().get(0), result.images().get(1));
    }

    /**
     * A1111's variation seeds: strength 0 is the plain image; strength 1 starts from the variation seed's noise, so
     * with a sampler without step noise it is that seed's image, while Euler a keeps the seed's step noise (A1111
     * draws it from the seed's generator). Every image of a variation keeps the seed, its variation seed counts up.
     */
    @Test
    void variationSeedsGiveA1111sImages() throws Exception {
        GenerationRequest plain = request(Sampler.EULER, 42L, 2, null, 0.75, null, MODEL, 2);
        GenerationResult seed42 = generator.generate(plain, ProgressListener.NONE);
        GenerationResult noStrength = generator.generate(plain.withVariation(777L, 0), ProgressListener.NONE);
        for (int i = 0; i < 2; i++) {
            assertThat(noStrength.images().get(i).png()).isEqualTo(seed42.images().get(i).png());
        }

        GenerationResult seed777 = generator.generate(plain.withSeed(777L), ProgressListener.NONE);
        GenerationResult full = generator.generate(plain.withVariation(777L, 1), ProgressListener.NONE);
        assertThat(full.images()).extracting(GeneratedImage::seed).containsExactly(42L, 42L);
        for (int i = 0; i < 2; i++) {
            assertThat(ImageCodec.decode(full.images().get(i).png()).pixels())
                    .isEqualTo(ImageCodec.decode(seed777.images().get(i).png()).pixels());
            assertThat(PngText.read(full.images().get(i).png()).get("parameters"))
                    .contains("Seed: 42, Size: 64x64, Model: " + MODEL + ", Variation seed: " + (777 + i)
                            + ", Variation seed strength: 1,");
        }

        GenerationRequest ancestral = plain.toBuilder().sampler(Sampler.EULER_A).count(1).build();
        byte[] ancestral777 = ImageCodec.decode(generator.generate(ancestral.withSeed(777L), ProgressListener.NONE)
                .images().get(0).png()).pixels();
        byte[] ancestralFull = ImageCodec.decode(generator.generate(ancestral.withVariation(777L, 1),
                ProgressListener.NONE).images().get(0).png()).pixels();
        assertThat(ancestralFull).as("Euler a keeps seed 42's step noise").isNotEqualTo(ancestral777);
    }

    @Test
    void everySamplerRunsAndMissingSeedIsReported() throws Exception {
        for (Sampler sampler : Sampler.values()) {
            GenerationResult result = generator.generate(txt2img(sampler, null, 1), ProgressListener.NONE);
            long seed = result.images().get(0).seed();
            assertThat(seed).isBetween(0L, (1L << 32) - 1);
            assertThat(PngText.read(result.images().get(0).png()).get("parameters"))
                    .contains("Sampler: " + sampler.displayName(), "Seed: " + seed);
        }
    }

    @Test
    void img2imgAndInpaintingFromEncodedImages() throws Exception {
        byte[] init = generator.generate(txt2img(Sampler.DDIM, 7L, 1), ProgressListener.NONE).images().get(0).png();
        byte[] mask = ImageCodec.encodePng(square(64, 16, 48));

        List<Progress> progress = new ArrayList<>();
        GenerationResult img2img = generator.generate(
                request(Sampler.DDIM_DIFFUSERS, 1L, 1, init, 0.5, null, MODEL), progress::add);
        // A1111's img2img: int(0.5 * 4) + 1 = 3 of the 4 steps (diffusers ran 2)
        assertThat(progress).extracting(Progress::totalSteps).containsOnly(3);
        // A1111's own DDIM runs timesteps[:t_enc] = [1, 251] of 1, 251, 501, 751: one call (progress counted 3 before)
        progress.clear();
        generator.generate(request(Sampler.DDIM, 1L, 1, init, 0.5, null, MODEL), progress::add);
        assertThat(progress).extracting(Progress::totalSteps).containsOnly(1);
        assertThat(progress).extracting(Progress::step).contains(1);
        assertThat(PngText.read(img2img.images().get(0).png()).get("parameters")).contains("Denoising strength: 0.5");

        GenerationResult blended = generator.generate(
                request(Sampler.EULER, 1L, 1, init, 1.0, mask, MODEL), ProgressListener.NONE);
        RgbImage original = ImageCodec.decode(init);
        RgbImage repainted = ImageCodec.decode(blended.images().get(0).png());
        assertThat(repainted.sample(2, 2, 0)).isCloseTo(original.sample(2, 2, 0), org.assertj.core.data.Offset.offset(40));
        assertKeptExactly(original, repainted, 16, 48);

        GenerationResult nine = generator.generate(
                request(Sampler.DPMPP_2M, 1L, 1, init, 1.0, mask, "inpaint"), ProgressListener.NONE);
        assertThat(ImageCodec.decode(nine.images().get(0).png()).width()).isEqualTo(64);
        assertKeptExactly(original, ImageCodec.decode(nine.images().get(0).png()), 16, 48);
        assertThatThrownBy(() -> generator.generate(
                request(Sampler.DDIM, 1L, 1, null, 1.0, null, "inpaint"), ProgressListener.NONE))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("inpainting model");
    }

    @Test
    void cancellationStopsBetweenSteps() throws Exception {
        List<Progress> progress = new ArrayList<>();
        ProgressListener cancelAfterTwo = new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                progress.add(p);
            }

            @Override
            public boolean isCancelled() {
                return progress.size() >= 2;
            }

            @Override
            public boolean wantsPreview(int step, int totalSteps) {
                return true;
            }
        };
        assertThatThrownBy(() -> generator.generate(txt2img(Sampler.DDIM, 1L, 2), cancelAfterTwo))
                .isInstanceOf(GenerationCancelledException.class).hasMessageContaining("2 steps");
        assertThat(progress).hasSize(2).allMatch(p -> p.previewPng() != null);
        assertThat(ImageCodec.decode(progress.get(0).previewPng()).width()).isEqualTo(8);
    }

    @Test
    void aPreviewIsRenderedOnlyForTheStepsTheListenerAsksFor() throws Exception {
        List<Progress> progress = new ArrayList<>();
        List<Integer> asked = new ArrayList<>();
        ProgressListener onlyStepTwo = new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                progress.add(p);
            }

            @Override
            public boolean wantsPreview(int step, int totalSteps) {
                asked.add(step);
                return step == 2;
            }
        };
        generator.generate(txt2img(Sampler.DDIM, 1L, 1), onlyStepTwo);
        // A1111's DDIM at 4 steps: timesteps 1, 251, 501, 751, the model called at the last three
        assertThat(asked).containsExactly(1, 2, 3);
        assertThat(progress).extracting(p -> p.previewPng() != null).containsExactly(false, true, false);
    }

    @Test
    void badRequestsAreRejectedWithReasons() {
        byte[] notAnImage = "not an image".getBytes();
        record Bad(GenerationRequest request, String message) {
        }
        GenerationRequest ok = txt2img(Sampler.DDIM, 1L, 1);
        List<Bad> bad = List.of(
                new Bad(with(ok, 100, 64, 4, 7, 1), "width and height must be multiples of 8 between 8 and 2048, got 100x64"),
                new Bad(with(ok, 64, 0, 4, 7, 1), "width and height must be multiples of 8 between 8 and 2048, got 64x0"),
                new Bad(with(ok, 64, 64, 0, 7, 1), "steps must be between 1 and 150"),
                new Bad(with(ok, 64, 64, 151, 7, 1), "steps must be between 1 and 150"),
                new Bad(with(ok, 64, 64, 4, 0.5, 1), "CFG scale must be between 1 and 30"),
                new Bad(request(Sampler.LCM, 1L, 1, null, 0.5, null, MODEL, 51), "LCM runs at most 50 steps, got 51"),
                new Bad(with(ok, 64, 64, 4, 31, 1), "CFG scale must be between 1 and 30"),
                new Bad(with(ok, 64, 64, 4, 7, 5), "images per request must be between 1 and 4"),
                new Bad(request(Sampler.DDIM, 1L, 1, null, 0.5, null, "nope"), "unknown model 'nope'"),
                new Bad(request(Sampler.DDIM, 1L, 1, notAnImage, 0.5, null, MODEL), "image"),
                new Bad(request(Sampler.DDIM, 1L, 1, null, 0.5, notAnImage, MODEL), "a mask needs an image to paint into"),
                new Bad(request(Sampler.DDIM, 1L, 1, ImageCodec.encodePng(square(64, 0, 64)), 0.5,
                        ImageCodec.encodePng(new RgbImage(64, 64, new byte[64 * 64 * 3])), MODEL), "nothing to repaint"),
                new Bad(new GenerationRequest("x", "", MODEL, Sampler.DDIM, 4, 7, 64, 64, 1L, 1, null, 0.5, null, 9),
                        "clip skip 9 exceeds"));
        for (Bad b : bad) {
            assertThatThrownBy(() -> generator.generate(b.request(), ProgressListener.NONE))
                    .as(b.message()).isInstanceOf(InvalidRequestException.class).hasMessageContaining(b.message());
        }
    }

    @Test
    void singleFileCheckpointGivesTheFolderModelsImage() throws Exception {
        assertThat(generator.availableModels()).contains("mini-sd15.safetensors");
        GenerationRequest folder = txt2img(Sampler.DPMPP_2M_KARRAS, 5L, 1);
        GenerationRequest single = request(Sampler.DPMPP_2M_KARRAS, 5L, 1, null, 0.75, null, "mini-sd15.safetensors");
        GeneratedImage a = generator.generate(folder, ProgressListener.NONE).images().get(0);
        GeneratedImage b = generator.generate(single, ProgressListener.NONE).images().get(0);
        assertThat(ImageCodec.decode(b.png()).pixels()).isEqualTo(ImageCodec.decode(a.png()).pixels());
        assertThat(b.nsfwScores()).isEmpty(); // no safety checker in a single file
        // A1111's Model hash (hashlib.sha256 of the file, 10 hex digits) for the file; a folder has none
        assertThat(PngText.read(b.png()).get("parameters"))
                .contains("Size: 64x64, Model hash: 70e0c06fa6, Model: mini-sd15.safetensors,").contains("RNG: CPU");
        assertThat(PngText.read(a.png()).get("parameters")).doesNotContain("Model hash");
    }

    @Test
    void pixelBudgetSplitsTheBatchWithoutChangingImages() throws Exception {
        List<Progress> progress = new ArrayList<>();
        GenerationResult batched = generator.generate(txt2img(Sampler.DDIM, 3L, 3), ProgressListener.NONE);
        try (DiffusionGenerator oneByOne = new DiffusionGenerator(models, 1, ai.djl.Device.cpu(), 64 * 64)) {
            GenerationResult split = oneByOne.generate(txt2img(Sampler.DDIM, 3L, 3), progress::add);
            // three sub-batches of A1111's DDIM at 4 steps: 3 model calls each
            assertThat(progress).extracting(Progress::step).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
            for (int i = 0; i < 3; i++) {
                assertThat(split.images().get(i).seed()).isEqualTo(3L + i);
                assertSamePixels(split.images().get(i), batched.images().get(i));
            }
        }
    }

    /**
     * Within 2 levels (the fixture README's uint8 tolerance): at 64x64 the tiny UNet's lowest level is 1x1,
     * where GEMMs of batch-dependent size round differently and its GroupNorms amplify that (bit-exact at
     * 128x128, see BatchGenerationTest).
     */
    private static void assertSamePixels(GeneratedImage a, GeneratedImage b) throws InvalidRequestException {
        byte[] pa = ImageCodec.decode(a.png()).pixels();
        byte[] pb = ImageCodec.decode(b.png()).pixels();
        assertThat(pa).hasSameSizeAs(pb);
        int worst = 0;
        for (int i = 0; i < pa.length; i++) {
            worst = Math.max(worst, Math.abs((pa[i] & 0xff) - (pb[i] & 0xff)));
        }
        assertThat(worst).isLessThanOrEqualTo(2);
    }

    @Test
    void cacheKeepsModelsWithinItsBudget() throws Exception {
        try (DiffusionGenerator tiny = new DiffusionGenerator(models, 0)) {
            tiny.generate(txt2img(Sampler.DDIM, 1L, 1), ProgressListener.NONE);
            assertThat(tiny.loadedModels()).isEmpty();
        }
        assertThat(generator.availableModels())
                .containsExactlyInAnyOrder(MODEL, "mini-sd15.safetensors", "inpaint");
    }

    private static GenerationRequest with(GenerationRequest r, int width, int height, int steps, double cfg, int count) {
        return new GenerationRequest(r.prompt(), r.negativePrompt(), r.model(), r.sampler(), steps, cfg, width, height,
                r.seed(), count, r.initImage(), r.strength(), r.maskImage(), r.clipSkip());
    }

    /** White square [from, to) on black, size x size. */
    /** A1111's overlay: every pixel outside the repainted square [from, to)² is the init image's own. */
    private static void assertKeptExactly(RgbImage init, RgbImage out, int from, int to) {
        int changedInside = 0;
        for (int y = 0; y < init.height(); y++) {
            for (int x = 0; x < init.width(); x++) {
                boolean repainted = x >= from && x < to && y >= from && y < to;
                for (int c = 0; c < 3; c++) {
                    if (!repainted) {
                        assertThat(out.sample(x, y, c)).as("kept pixel (%d, %d)", x, y).isEqualTo(init.sample(x, y, c));
                    } else if (out.sample(x, y, c) != init.sample(x, y, c)) {
                        changedInside++;
                    }
                }
            }
        }
        assertThat(changedInside).as("repainted pixels that changed").isPositive();
    }

    private static RgbImage square(int size, int from, int to) {
        byte[] px = new byte[size * size * 3];
        for (int y = from; y < to; y++) {
            for (int x = from; x < to; x++) {
                for (int c = 0; c < 3; c++) {
                    px[(y * size + x) * 3 + c] = (byte) 255;
                }
            }
        }
        return new RgbImage(size, size, px);
    }
}

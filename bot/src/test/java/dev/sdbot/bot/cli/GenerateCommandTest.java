package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot generate} in-process on the mini-sd15 fixture: success and every kind of bad input. */
class GenerateCommandTest {
    private static final Path MODEL = Fixtures.LDM.resolve("mini-sd15");
    /** make_taesd_ref.py's mini tiny VAE, in the engine's test resources. */
    private static final Path TAESD = Path.of("../inference/src/test/resources/taesd/mini-taesd");

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(Map.of("SDBOT_MODELS", dir.resolve("models").toString()), dir.resolve("none.yaml"));
    }

    /** Small, fast defaults; {@code extra} holds option/value pairs that replace or add to them. */
    private static String[] args(Path out, String model, String... extra) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        options.put("--model", model);
        options.put("--prompt", "a red fox");
        options.put("--steps", "2");
        options.put("--width", "64");
        options.put("--height", "64");
        options.put("--sampler", "ddim");
        options.put("--out", out.toString());
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        List<String> a = new ArrayList<>(List.of("generate"));
        options.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        return a.toArray(String[]::new);
    }

    @Test
    void embeddingsFromTheEmbeddingsFolderReplaceTheirNamesAndAreRecordedAsA1111Does() throws Exception {
        Path embeddings = Files.createDirectories(dir.resolve("my-embeddings"));
        // make_embeddings.py: mini-sd15's own token-embedding row of "red", in A1111's .pt format
        Files.copy(Path.of("../inference/src/test/resources/embeddings/red.pt"), embeddings.resolve("onered.pt"));
        Path out = dir.resolve("out");
        CliRunner.Result words = cli().run(args(out, MODEL.toString(), "--seed", "3", "--negative", "red blur"));
        assertThat(words.exitCode()).as(words.err()).isZero();
        CliRunner.Result embedded = cli().run(args(out, MODEL.toString(), "--seed", "3", "--negative", "onered blur",
                "--embeddings", embeddings.toString()));
        assertThat(embedded.exitCode()).as(embedded.err()).isZero();
        byte[] png = Files.readAllBytes(out.resolve("3-1.png"));
        assertThat(ImageCodec.decode(png).pixels()).isEqualTo(ImageCodec.decode(Files.readAllBytes(out.resolve("3.png"))).pixels());
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(embeddings.resolve("onered.pt")))).substring(0, 12);
        assertThat(dev.sdbot.inference.image.PngText.read(png).get(GenerationParameters.PNG_KEY))
                .endsWith(", TI hashes: \"onered: " + hash + "\"");

        // make_image_embeddings.py: the same row hidden in the pixels of an A1111 .webp; a plain picture beside it is skipped
        Files.copy(Path.of("../inference/src/test/resources/embeddings/red-pixels.webp"), embeddings.resolve("webred.webp"));
        Files.copy(Path.of("../inference/src/test/resources/embeddings/ordinary.png"), embeddings.resolve("photo.png"));
        CliRunner.Result image = cli().run(args(out, MODEL.toString(), "--seed", "3", "--negative", "webred blur",
                "--embeddings", embeddings.toString()));
        assertThat(image.exitCode()).as(image.err()).isZero();
        assertThat(ImageCodec.decode(Files.readAllBytes(out.resolve("3-2.png"))).pixels())
                .isEqualTo(ImageCodec.decode(Files.readAllBytes(out.resolve("3.png"))).pixels());

        CliRunner.Result missing = cli().run(args(out, MODEL.toString(), "--embeddings", dir.resolve("nope").toString()));
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("--embeddings").contains("is not a folder");
    }

    @Test
    void writesOnePngPerSeedWithParametersAndNeverOverwrites() throws IOException {
        Path out = dir.resolve("out");
        CliRunner.Result r = cli().run(args(out, MODEL.toString(), "--seed", "7", "--count", "2", "--negative", "blurry"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("seed 7 -> ").contains("seed 8 -> ");
        assertThat(r.err()).contains("steps").doesNotContain("error");
        for (long seed : new long[]{7, 8}) {
            byte[] png = Files.readAllBytes(out.resolve(seed + ".png"));
            assertThat(ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth()).isEqualTo(64);
            GenerationParameters p = GenerationParameters.fromPng(png);
            assertThat(p.toInfotext()).contains("a red fox").contains("Negative prompt: blurry").contains("Seed: " + seed)
                    .contains("Steps: 2").contains("Sampler: DDIM").contains("Model: mini-sd15");
        }
        byte[] first = Files.readAllBytes(out.resolve("7.png"));

        // the same batch again: a batched image may differ from one made alone in the last bit of a pixel
        CliRunner.Result again = cli().run(args(out, MODEL.toString(), "--seed", "7", "--count", "2", "--negative", "blurry"));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(out.resolve("7-1.png")).exists();
        assertThat(Files.readAllBytes(out.resolve("7.png"))).isEqualTo(first);
        assertThat(Files.readAllBytes(out.resolve("7-1.png"))).as("same seed, same image").isEqualTo(first);
    }

    /** A1111's variation seeds from the CLI (its own names as aliases); bad values exit non-zero with the rule. */
    @Test
    void variationSeedOptionsReachTheInfotextAndBadOnesAreRefused() throws IOException {
        Path out = dir.resolve("variation");
        CliRunner.Result r = cli().run(args(out, MODEL.toString(), "--seed", "7", "--count", "2", "--variation-seed",
                "100", "--variation-strength", "0.3"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(GenerationParameters.fromPng(Files.readAllBytes(out.resolve("7.png"))).toInfotext())
                .contains("Seed: 7, Size: 64x64, Model: mini-sd15, Variation seed: 100, Variation seed strength: 0.3");
        GenerationParameters second = GenerationParameters.fromPng(Files.readAllBytes(out.resolve("7-1.png")));
        assertThat(second.seed()).isEqualTo(7);
        assertThat(second.variationSeed()).isEqualTo(101L);

        CliRunner.Result strong = cli().run(args(out, MODEL.toString(), "--subseed-strength", "1.5"));
        assertThat(strong.exitCode()).isNotZero();
        assertThat(strong.err()).contains("variation strength must be between 0 and 1, got 1.5");
        CliRunner.Result negative = cli().run(args(out, MODEL.toString(), "--subseed", "-3", "--variation-strength",
                "0.5"));
        assertThat(negative.exitCode()).isNotZero();
        assertThat(negative.err()).contains("the variation seed must be between 0 and 4294967295, got -3");
    }

    @Test
    void everySamplerIsOfferedAndAnA1111NameReachesTheInfotext() throws IOException {
        CliRunner.Result help = cli().run("generate", "--help");
        for (Sampler s : Sampler.values()) {
            assertThat(help.out()).contains(s.id());
        }
        Path out = dir.resolve("out");
        CliRunner.Result r = cli().run(args(out, MODEL.toString(), "--seed", "5", "--sampler", "DPM++ SDE Karras"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(GenerationParameters.fromPng(Files.readAllBytes(out.resolve("5.png"))).toInfotext())
                .contains("Sampler: DPM++ SDE Karras,");
        // diffusers 0.21's DDIM keeps a label of its own: A1111's "DDIM" is A1111's sampler
        CliRunner.Result diffusers = cli().run(args(out, MODEL.toString(), "--seed", "6", "--sampler", "ddim_diffusers"));
        assertThat(diffusers.exitCode()).as(diffusers.err()).isZero();
        assertThat(GenerationParameters.fromPng(Files.readAllBytes(out.resolve("6.png"))).toInfotext())
                .contains("Sampler: DDIM (diffusers 0.21),");
    }

    @Test
    void fewStepSamplersRunAtCfgOneAndNameThemselvesAsA1111Does() throws IOException {
        Path out = dir.resolve("out");
        CliRunner.Result lcm = cli().run(args(out, MODEL.toString(), "--seed", "5", "--sampler", "LCM", "--steps", "4",
                "--cfg", "1"));
        assertThat(lcm.exitCode()).as(lcm.err()).isZero();
        assertThat(GenerationParameters.fromPng(Files.readAllBytes(out.resolve("5.png"))).toInfotext())
                .contains("Steps: 4, Sampler: LCM, CFG scale: 1,");
        CliRunner.Result turbo = cli().run(args(out, MODEL.toString(), "--seed", "6", "--sampler", "euler_a_sgm_uniform",
                "--steps", "1", "--cfg", "1"));
        assertThat(turbo.exitCode()).as(turbo.err()).isZero();
        assertThat(GenerationParameters.fromPng(Files.readAllBytes(out.resolve("6.png"))).toInfotext())
                .contains("Steps: 1, Sampler: Euler a SGM Uniform, CFG scale: 1,");
        expectError(args(out, MODEL.toString(), "--sampler", "lcm_diffusers", "--steps", "60"),
                "LCM (diffusers) runs at most 50 steps, got 60");
    }

    @Test
    void aModelsSidecarDefaultsApplyWhereOptionsAreLeftOutAndItsTinyVaeDecodes() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.createSymbolicLink(models.resolve("mini-sd15"), MODEL.toAbsolutePath());
        Files.createSymbolicLink(models.resolve("taesd"), TAESD.toAbsolutePath());
        Path sidecar = models.resolve("mini-sd15.yaml");
        String defaults = "sdbot:\n  sampler: LCM\n  steps: 3\n  cfg: 1\n  clip_skip: 2\n  width: 64\n  height: 64\n";
        Files.writeString(sidecar, defaults + "  vae: taesd\n");
        Path out = dir.resolve("out");
        CliRunner.Result r = cli().run("generate", "--model", "mini-sd15", "--prompt", "a red fox", "--seed", "9",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        byte[] tiny = Files.readAllBytes(out.resolve("9.png"));
        assertThat(GenerationParameters.fromPng(tiny).toInfotext())
                .contains("Steps: 3, Sampler: LCM, CFG scale: 1, Seed: 9, Size: 64x64,").contains("Clip skip: 2");

        CliRunner.Result given = cli().run("generate", "--model", "mini-sd15", "--prompt", "a red fox", "--seed", "10",
                "--steps", "2", "--sampler", "ddim", "--cfg", "5", "--clip-skip", "1", "--out", out.toString());
        assertThat(given.exitCode()).as(given.err()).isZero();
        assertThat(GenerationParameters.fromPng(Files.readAllBytes(out.resolve("10.png"))).toInfotext())
                .contains("Steps: 2, Sampler: DDIM, CFG scale: 5, Seed: 10, Size: 64x64,").doesNotContain("Clip skip");

        // the same generation decoded by the model's own VAE is another picture: the tiny VAE made the first
        Files.writeString(sidecar, defaults + "  vae: full\n");
        Path full = dir.resolve("full");
        assertThat(cli().run("generate", "--model", "mini-sd15", "--prompt", "a red fox", "--seed", "9", "--out",
                full.toString()).exitCode()).isZero();
        assertThat(ImageCodec.decode(Files.readAllBytes(full.resolve("9.png"))).pixels())
                .isNotEqualTo(ImageCodec.decode(tiny).pixels());

        Files.writeString(sidecar, "sdbot:\n  sampler: lcm\n  steps: 80\n");
        expectError(new String[] {"generate", "--model", "mini-sd15", "--prompt", "x", "--out", out.toString()},
                "mini-sd15.yaml: steps must be a whole number between 1 and 50, got 80");
        Files.writeString(sidecar, "sdbot:\n  stepz: 4\n");
        expectError(new String[] {"generate", "--model", "mini-sd15", "--prompt", "x", "--out", out.toString()},
                "unknown key 'stepz'");
    }

    @Test
    void findsAModelByNameInTheModelsDirectoryAndRunsImg2ImgWithAMask() throws IOException {
        Files.createDirectories(dir.resolve("models"));
        Files.createSymbolicLink(dir.resolve("models/mini-sd15"), MODEL.toAbsolutePath());
        Path init = writePng("init.png", 64, 64);
        Path mask = writeMask("mask.png", 64, 64);
        Path out = dir.resolve("out");
        CliRunner.Result r = cli().run(args(out, "mini-sd15", "--seed", "3", "--init", init.toString(), "--strength", "0.6",
                "--mask", mask.toString(), "--steps", "4"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("3.png")).exists();
        assertThat(r.out()).contains("seed 3 -> ");
    }

    @Test
    void eachImageSaysWhetherItWasCheckedAndASharedCheckerChecksASingleFile() throws IOException {
        Path out = dir.resolve("out");
        CliRunner.Result own = cli().run(args(out, MODEL.toString(), "--seed", "5"));
        assertThat(own.exitCode()).as(own.err()).isZero();
        assertThat(own.out()).containsPattern("seed 5 -> .*5\\.png \\(safety check: (clean|FLAGGED as NSFW)\\)");

        // a single file carries no checker: the image is written but says it was not checked, and how to fix that
        Path single = Files.createDirectories(dir.resolve("single"));
        Files.createSymbolicLink(single.resolve("m.safetensors"), Fixtures.LDM.resolve("mini-sd15.safetensors").toAbsolutePath());
        Files.writeString(single.resolve("m.json"), "{\"text_encoder\": {\"num_attention_heads\": 4}}");
        String file = single.resolve("m.safetensors").toString();
        CliRunner.Result unchecked = cli().run(args(out, file, "--seed", "5"));
        assertThat(unchecked.exitCode()).as(unchecked.err()).isZero();
        assertThat(unchecked.out()).contains("(safety check: NOT CHECKED, the model has no safety checker; install one at "
                + "$SDBOT_MODELS/safety-checker or set SDBOT_SAFETY_CHECKER)");

        // the shared checker in SDBOT_MODELS checks it: same weights as the folder, so the same verdict
        Path shared = Files.createDirectories(dir.resolve("models/safety-checker"));
        Files.createSymbolicLink(shared.resolve("config.json"), MODEL.resolve("safety_checker/config.json").toAbsolutePath());
        Files.createSymbolicLink(shared.resolve("model.safetensors"),
                MODEL.resolve("safety_checker/model.safetensors").toAbsolutePath());
        CliRunner.Result checked = cli().run(args(out, file, "--seed", "5"));
        assertThat(checked.exitCode()).as(checked.err()).isZero();
        String verdict = own.out().substring(own.out().indexOf("(safety check:"), own.out().indexOf(")") + 1);
        assertThat(checked.out()).contains(verdict);
    }

    @Test
    void anUnusableSafetyCheckerIsAnErrorBeforeAnythingRuns() {
        Path out = dir.resolve("out");
        CliRunner.Result r = new CliRunner(Map.of("SDBOT_MODELS", dir.resolve("models").toString(),
                "SDBOT_SAFETY_CHECKER", dir.resolve("no-checker").toString()), dir.resolve("none.yaml"))
                .run(args(out, MODEL.toString()));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: SDBOT_SAFETY_CHECKER (safetyChecker) cannot be used: safety checker "
                + dir.resolve("no-checker") + ": no such directory");
        assertThat(out).doesNotExist();
    }

    @Test
    void badInputsGiveOneErrorLineAndWriteNothing() throws IOException {
        Path out = dir.resolve("out");
        Path garbage = Files.write(dir.resolve("garbage.safetensors"), "this is not a checkpoint".getBytes());
        byte[] full = Files.readAllBytes(Fixtures.LDM.resolve("mini-sd15.safetensors"));
        Path truncated = Files.write(dir.resolve("truncated.safetensors"), java.util.Arrays.copyOf(full, full.length / 2));
        Path lora = Fixtures.LDM.resolve("mini-sd15-lora.safetensors");
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        Path init = writePng("init.png", 64, 64);
        Path smallMask = writeMask("wide-mask.png", 64, 32);
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        expectError(args(out, dir.resolve("missing.safetensors").toString()), "not found");
        expectError(args(out, garbage.toString()), "cannot be loaded");
        expectError(args(out, truncated.toString()), "cannot be loaded");
        expectError(args(out, lora.toString()), "unknown architecture");
        expectError(args(out, MODEL.toString(), "--width", "65"), "width and height must be multiples of 8");
        expectError(args(out, MODEL.toString(), "--steps", "0"), "steps must be between 1 and 150");
        expectError(args(out, MODEL.toString(), "--cfg", "31"), "CFG scale must be between 1 and 30");
        expectError(args(out, MODEL.toString(), "--init", text.toString()), "image");
        expectError(args(out, MODEL.toString(), "--init", dir.resolve("nope.png").toString()), "no such file");
        expectError(args(out, MODEL.toString(), "--init", init.toString(), "--mask", smallMask.toString()), "does not match the init image");
        expectError(args(out, MODEL.toString(), "--sampler", "warp"), "unknown sampler");
        expectError(args(out, MODEL.toString(), "--sampler", "ddim", "--steps", "1"),
                "DDIM needs at least 2 steps (at 1 step it makes no model call), got 1");
        expectError(args(out, MODEL.toString(), "--clip-skip", "13"), "clip skip must be between 1 and 12, got 13");
        expectError(args(out, MODEL.toString(), "--count", "5"), "images per request must be between 1 and 4, got 5");
        expectError(args(out, MODEL.toString(), "--negative", "(fog:1.2.3)"), "negative prompt: '1.2.3' is not a number");
        expectError(args(out, MODEL.toString(), "--device", "cuda:0"),
                "device cuda:0 asks for CUDA but this machine has no NVIDIA driver");
        expectError(args(out, MODEL.toString(), "--precision", "fp16"), "precision fp16 is not offered on the CPU");
        expectError(args(out, MODEL.toString(), "--precision", "bf16"), "precision bf16 is not supported by this build");
        expectError(args(file, MODEL.toString()), "is not a directory");
        expectError(args(file.resolve("sub"), MODEL.toString()), "is not a directory");
        assertThat(out).as("nothing written, not even the directory").doesNotExist();
    }

    private void expectError(String[] args, String message) {
        CliRunner.Result r = cli().run(args);
        assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
        assertThat(r.err().lines().toList()).as(r.err()).singleElement().satisfies(line -> {
            assertThat(line).startsWith("error: ").contains(message);
        });
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private Path writePng(String name, int w, int h) throws IOException {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7);
        }
        return Files.write(dir.resolve(name), ImageCodec.encodePng(new RgbImage(w, h, rgb)));
    }

    private Path writeMask(String name, int w, int h) throws IOException {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = w / 4; x < 3 * w / 4; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) 255;
                }
            }
        }
        return Files.write(dir.resolve(name), ImageCodec.encodePng(new RgbImage(w, h, rgb)));
    }

}

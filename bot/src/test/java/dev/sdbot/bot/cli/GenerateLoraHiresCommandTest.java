package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot generate} with a {@code <lora:...>} tag and the {@code --hires-*} options (an ESRGAN upscaler too). */
class GenerateLoraHiresCommandTest {
    @TempDir
    Path dir;

    private CliRunner cli() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        if (!Files.exists(models.resolve("mini-sd15"))) {
            Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
            Files.createSymbolicLink(Files.createDirectories(models.resolve("lora")).resolve("detail.safetensors"),
                    Fixtures.LDM.resolve("mini-sd15-lora.safetensors"));
            try (InputStream in = getClass().getResourceAsStream("/upscalers/tiny-rrdb-x4.safetensors")) {
                Files.copy(in, Files.createDirectories(models.resolve("upscalers")).resolve("sharp.safetensors"));
            }
        }
        return new CliRunner(Map.of("SDBOT_MODELS", models.toString()), dir.resolve("none.yaml"));
    }

    private String[] args(String prompt, String... extra) {
        String[] base = {"generate", "--model", dir.resolve("models/mini-sd15").toString(), "--prompt", prompt,
                "--steps", "2", "--width", "64", "--seed", "5", "--out", dir.resolve("out").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void loraTagAndHiresFixReachThePngAndItsInfotext() throws Exception {
        CliRunner.Result r = cli().run(args("<lora:detail:0.8> a red fox", "--hires-scale", "2", "--hires-steps", "2",
                "--hires-strength", "0.5", "--hires-upscaler", "latent-nearest", "--height", "64"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        byte[] png = Files.readAllBytes(dir.resolve("out/5.png"));
        RgbImage image = ImageCodec.decode(png);
        assertThat(image.width()).isEqualTo(128);
        assertThat(image.height()).isEqualTo(128);
        GenerationParameters p = GenerationParameters.fromPng(png);
        assertThat(p.prompt()).isEqualTo("<lora:detail:0.8> a red fox");
        assertThat(p.loraHashes()).matches("detail: [0-9a-f]{12}");
        assertThat(p.toInfotext()).contains("Size: 64x64").contains("Denoising strength: 0.5, RNG: CPU, Hires upscale: 2, "
                + "Hires steps: 2, Hires upscaler: Latent (nearest), Lora hashes: \"detail: ");
    }

    @Test
    void hiresWithAnEsrganUpscalerByName() throws Exception {
        CliRunner.Result r = cli().run(args("a red fox", "--hires-scale", "2", "--hires-steps", "2",
                "--hires-upscaler", "sharp", "--height", "64"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        byte[] png = Files.readAllBytes(dir.resolve("out/5.png"));
        assertThat(ImageCodec.decode(png).width()).isEqualTo(128);
        assertThat(GenerationParameters.fromPng(png).toInfotext()).endsWith("Hires upscale: 2, Hires steps: 2, "
                + "Hires upscaler: sharp");
    }

    @Test
    void badLoraAndHiresInputsFailWithTheReason() throws Exception {
        CliRunner.Result unknown = cli().run(args("<lora:nope> a fox", "--height", "64"));
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("unknown LoRA 'nope'; available: detail");

        CliRunner.Result upscaler = cli().run(args("a fox", "--hires-scale", "2", "--hires-upscaler", "esrgan",
                "--height", "64"));
        assertThat(upscaler.exitCode()).isNotZero();
        assertThat(upscaler.err()).contains("unknown upscaler 'esrgan'; available: sharp");

        CliRunner.Result tooBig = cli().run(args("a fox", "--hires-scale", "4", "--height", "1024"));
        assertThat(tooBig.exitCode()).isNotZero();
        assertThat(tooBig.err()).contains("hires fix to 256x4096 exceeds the largest side of 2048");
        assertThat(dir.resolve("out/5.png")).doesNotExist();
    }
}

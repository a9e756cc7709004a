package dev.sdbot.bot.cli;

import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot upscale} with the tiny reference upscalers of the inference test jar. */
class UpscaleCommandTest {
    @TempDir
    Path dir;

    private CliRunner cli() throws IOException {
        Path upscalers = Files.createDirectories(dir.resolve("models/upscalers"));
        for (String[] file : new String[][]{{"tiny-srvgg-x4.safetensors", "compact.safetensors"},
                {"tiny-esrgan-old-x4.pth", "old-esrgan.pth"}}) {
            try (InputStream in = getClass().getResourceAsStream("/upscalers/" + file[0])) {
                Files.copy(in, upscalers.resolve(file[1]));
            }
        }
        byte[] px = new byte[24 * 20 * 3];
        new Random(3).nextBytes(px);
        Files.write(dir.resolve("in.png"), ImageCodec.encodePng(new RgbImage(24, 20, px)));
        return new CliRunner(Map.of("SDBOT_MODELS", dir.resolve("models").toString()), dir.resolve("none.yaml"));
    }

    @Test
    void upscalesByNameTiledOrWholeAndByAnyScale() throws Exception {
        CliRunner cli = cli();
        for (String upscaler : new String[]{"compact", "old-esrgan"}) {
            CliRunner.Result r = cli.run("upscale", "--in", dir.resolve("in.png").toString(), "--out",
                    dir.resolve(upscaler + ".png").toString(), "--upscaler", upscaler, "--tile", "16");
            assertThat(r.exitCode()).as(r.err()).isZero();
            RgbImage out = ImageCodec.decode(Files.readAllBytes(dir.resolve(upscaler + ".png")));
            assertThat(out.width()).isEqualTo(96);
            assertThat(out.height()).isEqualTo(80);
            assertThat(r.out()).contains("24x20 -> 96x80").contains("tile 16 px");
        }
        CliRunner.Result x2 = cli.run("upscale", "--in", dir.resolve("in.png").toString(), "--out",
                dir.resolve("x2.png").toString(), "--upscaler", "compact", "--scale", "2", "--tile", "0");
        assertThat(x2.exitCode()).as(x2.err()).isZero();
        assertThat(ImageCodec.decode(Files.readAllBytes(dir.resolve("x2.png"))).width()).isEqualTo(48);
    }

    @Test
    void badInputsFailWithTheReasonAndWriteNothing() throws Exception {
        CliRunner cli = cli();
        String in = dir.resolve("in.png").toString();
        String out = dir.resolve("out.png").toString();
        CliRunner.Result unknown = cli.run("upscale", "--in", in, "--out", out, "--upscaler", "nope");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("unknown upscaler 'nope'; available: compact, old-esrgan");
        CliRunner.Result scale = cli.run("upscale", "--in", in, "--out", out, "--upscaler", "compact", "--scale", "9");
        assertThat(scale.err()).contains("--scale must be between 1 and 8");
        CliRunner.Result missing = cli.run("upscale", "--in", dir.resolve("nope.png").toString(), "--out", out,
                "--upscaler", "compact");
        assertThat(missing.err()).contains("no such image");
        Files.writeString(dir.resolve("text.png"), "not an image");
        CliRunner.Result notImage = cli.run("upscale", "--in", dir.resolve("text.png").toString(), "--out", out,
                "--upscaler", "compact");
        assertThat(notImage.exitCode()).isNotZero();
        assertThat(dir.resolve("out.png")).doesNotExist();
    }
}

package dev.sdbot.bot.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.vae.VaeTiling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code SDBOT_VAE_TILE_ABOVE_PIXELS} through {@code sdbot generate}: above the threshold the VAE decodes in tiles
 * (its log line says how many) and the picture matches the untiled one to within 2 uint8 levels; a bad threshold
 * fails before any work with the variable named.
 */
class GenerateVaeTilingCommandTest {
    private static final Path MODEL = Fixtures.LDM.resolve("mini-sd15");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger tilingLog = (Logger) LoggerFactory.getLogger(VaeTiling.class);

    @BeforeEach
    void attach() {
        logs.start();
        tilingLog.addAppender(logs);
    }

    @AfterEach
    void detach() {
        tilingLog.detachAppender(logs);
    }

    private CliRunner.Result generate(String threshold, String out) {
        Map<String, String> env = new HashMap<>(Map.of("SDBOT_MODELS", dir.resolve("models").toString()));
        if (threshold != null) {
            env.put("SDBOT_VAE_TILE_ABOVE_PIXELS", threshold);
        }
        return new CliRunner(env, dir.resolve("none.yaml")).run("generate", "--model", MODEL.toString(),
                "--prompt", "a red fox", "--steps", "2", "--sampler", "ddim", "--width", "576", "--height", "64",
                "--seed", "3", "--out", dir.resolve(out).toString());
    }

    private String tilingMessages() {
        return String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void aboveTheThresholdTheVaeTilesAndTheImageMatchesTheUntiledOne() throws Exception {
        CliRunner.Result tiledRun = generate("0", "tiled");
        assertThat(tiledRun.exitCode()).as(tiledRun.err()).isZero();
        assertThat(tilingMessages()).contains("VAE decode of 576x64 px in 2 tiles of up to 512 px (above 0 px)");

        logs.list.clear();
        CliRunner.Result untiledRun = generate(null, "untiled"); // default: tiles above 1024x1024 only
        assertThat(untiledRun.exitCode()).as(untiledRun.err()).isZero();
        assertThat(tilingMessages()).isEmpty();

        RgbImage tiled = ImageCodec.decode(Files.readAllBytes(dir.resolve("tiled/3.png")));
        RgbImage untiled = ImageCodec.decode(Files.readAllBytes(dir.resolve("untiled/3.png")));
        int max = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 576; x++) {
                for (int c = 0; c < 3; c++) {
                    max = Math.max(max, Math.abs(tiled.sample(x, y, c) - untiled.sample(x, y, c)));
                }
            }
        }
        assertThat(max).isLessThanOrEqualTo(2);
    }

    @Test
    void aBadThresholdFailsNamingTheVariable() {
        CliRunner.Result negative = generate("-1", "neg");
        assertThat(negative.exitCode()).isNotZero();
        assertThat(negative.err()).contains("SDBOT_VAE_TILE_ABOVE_PIXELS").contains(">= 0");
        CliRunner.Result words = generate("lots", "words");
        assertThat(words.exitCode()).isNotZero();
        assertThat(words.err()).contains("SDBOT_VAE_TILE_ABOVE_PIXELS");
        assertThat(dir.resolve("neg")).doesNotExist();
        assertThat(dir.resolve("words")).doesNotExist();
    }
}

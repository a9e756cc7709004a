package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.image.ImageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pickled weights from the user's side: {@code sdbot models convert}, and a LoRA shared as a torch.save {@code .pt}
 * (a few modules of the fixture LoRA, both files made by
 * {@code inference/src/test/resources/pickles/make_pickles.py}) used straight from {@code <models>/lora/}.
 */
class ModelsConvertCommandTest {
    @TempDir
    Path dir;

    /** A test file of the inference module's test jar, copied to {@code target}. */
    private static Path copyPickle(String name, Path target) throws IOException {
        try (InputStream in = ModelsConvertCommandTest.class.getResourceAsStream("/pickles/" + name)) {
            Files.copy(in, target);
        }
        return target;
    }

    private CliRunner cli(Path models) {
        return new CliRunner(Map.of("SDBOT_MODELS", models.toString()), dir.resolve("none.yaml"));
    }

    @Test
    void convertWritesTheSafetensorsTwinBesideTheFile() throws Exception {
        Path ckpt = copyPickle("state.pt", dir.resolve("model.ckpt"));
        CliRunner.Result r = cli(dir).run("models", "convert", ckpt.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + dir.resolve("model.safetensors"));
        assertThat(Files.size(dir.resolve("model.safetensors"))).isPositive();

        CliRunner.Result again = cli(dir).run("models", "convert", ckpt.toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("exists (use --force to replace it)");
    }

    @Test
    void aMaliciousPickleIsRefusedNamingWhatItAskedForAndNothingIsWritten() throws Exception {
        Path evil = copyPickle("evil-os-system.pt", dir.resolve("evil.pt"));
        CliRunner.Result r = cli(dir).run("models", "convert", evil.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("the global posix.system").contains("nothing in it was executed");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(evil);
        }
        CliRunner.Result notPickle = cli(dir).run("models", "convert", dir.resolve("none.yaml").toString());
        assertThat(notPickle.exitCode()).isNotZero();
        assertThat(notPickle.err()).contains("no such file");
    }

    @Test
    void aLoraSharedAsPtGivesTheSameImageAsItsSafetensorsTwin() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path lora = Files.createDirectories(models.resolve("lora"));
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        copyPickle("subset-lora.safetensors", lora.resolve("as-safetensors.safetensors"));
        copyPickle("subset-lora.pt", lora.resolve("as-pickle.pt"));
        byte[] fromSafetensors = generate(models, "<lora:as-safetensors:0.8> a red fox", "a");
        byte[] fromPickle = generate(models, "<lora:as-pickle:0.8> a red fox", "b");
        byte[] without = generate(models, "a red fox", "c");
        assertThat(pixels(fromPickle)).isEqualTo(pixels(fromSafetensors));
        assertThat(pixels(fromPickle)).isNotEqualTo(pixels(without));
    }

    private byte[] generate(Path models, String prompt, String out) throws Exception {
        CliRunner.Result r = cli(models).run("generate", "--model", models.resolve("mini-sd15").toString(),
                "--prompt", prompt, "--steps", "2", "--width", "64", "--height", "64", "--seed", "5",
                "--out", dir.resolve(out).toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Files.readAllBytes(dir.resolve(out).resolve("5.png"));
    }

    private static byte[] pixels(byte[] png) throws Exception {
        return ImageCodec.decode(png).pixels();
    }
}

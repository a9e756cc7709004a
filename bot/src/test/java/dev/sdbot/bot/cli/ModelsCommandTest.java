package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot models list|pull|remove} against a local HTTP server that behaves like the Hub. */
class ModelsCommandTest {
    private static final Path CHECKPOINT = Fixtures.LDM.resolve("mini-sd15.safetensors");
    private static final Path LORA = Fixtures.LDM.resolve("mini-sd15-lora.safetensors");

    @TempDir
    Path dir;
    private FakeHub hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        byte[] checkpoint = Files.readAllBytes(CHECKPOINT);
        hub.serve("mini-sd15.safetensors", checkpoint, sha256(checkpoint));
        byte[] lora = Files.readAllBytes(LORA);
        hub.serve("style.safetensors", lora, sha256(lora));
    }

    @AfterEach
    void stopHub() throws Exception {
        hub.close();
    }

    private CliRunner cli() {
        return new CliRunner(Map.of("SDBOT_MODELS", dir.resolve("models").toString(), "HF_ENDPOINT", hub.endpoint()),
                dir.resolve("none.yaml"));
    }

    @Test
    void anInterruptedPullResumesAndIsVerified() throws Exception {
        hub.cutAfter.set(1 << 20);
        CliRunner.Result first = cli().run("models", "pull", "owner/repo", "--file", "mini-sd15.safetensors");
        assertThat(first.exitCode()).isNotZero();
        assertThat(first.err()).contains("run the same command again to resume");
        Path models = dir.resolve("models");
        assertThat(models.resolve("mini-sd15.safetensors")).doesNotExist();
        long part = Files.size(models.resolve("mini-sd15.safetensors.part"));
        // what arrived before the cut (the client may drop its last partial buffer when the connection breaks)
        assertThat(part).isPositive().isLessThanOrEqualTo(1 << 20);

        CliRunner.Result second = cli().run("models", "pull", "owner/repo", "--file", "mini-sd15.safetensors");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(hub.ranges).containsExactly("bytes=" + part + "-");
        assertThat(second.out()).contains("resumed at " + part + " bytes").contains("(verified)");
        assertThat(Files.readAllBytes(models.resolve("mini-sd15.safetensors"))).isEqualTo(Files.readAllBytes(CHECKPOINT));
        assertThat(models.resolve("mini-sd15.safetensors.part")).doesNotExist();

        CliRunner.Result list = cli().run("models", "list");
        assertThat(list.out()).containsPattern("mini-sd15\\s+SD1\\s+12\\.0 MiB\\s+NONE \\(images unchecked\\)");
    }

    @Test
    void aChecksumMismatchLeavesNothingBehind() throws Exception {
        hub.serve("mini-sd15.safetensors", Files.readAllBytes(CHECKPOINT), "0".repeat(64));
        CliRunner.Result result = cli().run("models", "pull", "owner/repo", "--file", "mini-sd15.safetensors");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("SHA-256 mismatch");
        try (var files = Files.list(dir.resolve("models"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aLoraGoesToTheLoraFolderAndCanBeRemoved() {
        CliRunner.Result pulled = cli().run("models", "pull", "owner/repo", "--file", "style.safetensors");
        assertThat(pulled.exitCode()).as(pulled.err()).isZero();
        assertThat(dir.resolve("models/lora/style.safetensors")).exists();
        assertThat(cli().run("models", "list").out()).containsPattern("style\\s+LoRA");
        assertThat(cli().run("models", "remove", "lora/style").exitCode()).isZero();
        assertThat(dir.resolve("models/lora/style.safetensors")).doesNotExist();
    }

    @Test
    void listShowsFamilyAndSafetyCheckerOfEachModel() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15"));
        Files.createSymbolicLink(models.resolve("mini-sd21v"), Fixtures.LDM.resolve("mini-sd21v"));
        CliRunner.Result list = cli().run("models", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).containsPattern("mini-sd15\\s+SD1\\s+[\\d.]+ MiB\\s+own")
                .containsPattern("mini-sd21v\\s+SD2\\s+[\\d.]+ MiB\\s+NONE");
        Files.createSymbolicLink(models.resolve("safety-checker"), Fixtures.LDM.resolve("mini-sd15"));
        assertThat(cli().run("models", "list").out()).as("the shared checker serves mini-sd21v and is no model itself")
                .containsPattern("mini-sd21v\\s+SD2\\s+[\\d.]+ MiB\\s+shared").doesNotContain("safety-checker ");
        assertThat(cli().run("models", "remove", "mini-sd21v").exitCode()).isZero();
        assertThat(cli().run("models", "list").out()).doesNotContain("mini-sd21v");
    }

    @Test
    void theHubTokenIsNotSentOverPlainHttp() {
        CliRunner cli = new CliRunner(Map.of("SDBOT_MODELS", dir.resolve("models").toString(), "HF_ENDPOINT", hub.endpoint(),
                "HF_TOKEN", "hf_secret_token"), dir.resolve("none.yaml"));
        CliRunner.Result pulled = cli.run("models", "pull", "owner/repo", "--file", "style.safetensors");
        assertThat(pulled.exitCode()).as(pulled.err()).isZero();
        assertThat(hub.authorizations).isNotEmpty().allMatch(String::isEmpty);
        assertThat(pulled.out()).contains("HF_TOKEN is not sent to " + hub.endpoint() + ": it goes only over https")
                .doesNotContain("hf_secret_token");
        assertThat(pulled.err()).doesNotContain("hf_secret_token");
    }

    @Test
    void badInputIsAClearError() {
        assertThat(cli().run("models", "pull", "owner/repo", "--file", "model.ckpt").err()).contains("only .safetensors");
        assertThat(cli().run("models", "pull", "owner/repo").err()).contains("--file");
        assertThat(cli().run("models", "pull", "not a repo").err()).contains("neither a Hugging Face repository id");
        CliRunner.Result missing = cli().run("models", "pull", "owner/repo", "--file", "missing.safetensors");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("HTTP 404");
        assertThat(cli().run("models", "pull", "owner/repo", "--file", "x.safetensors", "--sha256", "xyz").err())
                .contains("64 hex digits");
        CliRunner.Result unknown = cli().run("models", "remove", "nothing");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no model 'nothing'");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

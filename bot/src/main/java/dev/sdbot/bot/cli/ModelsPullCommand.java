package dev.sdbot.bot.cli;

import dev.sdbot.bot.models.ModelDownloader;
import dev.sdbot.bot.models.ModelSource;
import dev.sdbot.inference.pipeline.ModelInspector;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Downloads a .safetensors model (or LoRA) into SDBOT_MODELS, with progress, resume and SHA-256 check.",
                "  sdbot models pull stable-diffusion-v1-5/stable-diffusion-v1-5 --file v1-5-pruned-emaonly.safetensors",
                "  sdbot models pull https://example.com/models/my-model.safetensors",
                "HF_TOKEN is sent for gated repositories, only over https to HF_ENDPOINT's host (never across a redirect",
                "to another host); HF_ENDPOINT points at a Hub mirror."})
final class ModelsPullCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "SOURCE", description = "A Hugging Face repository id (owner/repo) or an http(s) URL.")
    String source;
    @Option(names = "--file", description = "The file in the repository, e.g. v1-5-pruned-emaonly.safetensors.")
    String file;
    @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (${DEFAULT-VALUE}).")
    String revision;
    @Option(names = "--name", description = "Local name (default: the file's name).")
    String name;
    @Option(names = "--sha256", description = "Expected SHA-256 (default: the one the Hub publishes, if any).")
    String sha256;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        URI endpoint = URI.create(models.root.environment("HF_ENDPOINT", "https://huggingface.co"));
        ModelSource from = ModelSource.parse(source, file, revision, endpoint, name);
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("--sha256 must be 64 hex digits");
        }
        Path dir = models.modelsDir();
        Files.createDirectories(dir);
        Path target = dir.resolve(from.fileName());
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " already exists; remove it first (sdbot models remove)");
        }
        out.println("pulling " + from.url() + " -> " + target);
        String token = models.root.environment("HF_TOKEN", null);
        ModelDownloader downloader = new ModelDownloader(token, endpoint);
        if (token != null && !token.isBlank() && !downloader.sendsTokenTo(from.url())) {
            out.println("HF_TOKEN is not sent to " + from.url().getScheme() + "://" + from.url().getAuthority()
                    + ": it goes only over https to the Hugging Face endpoint (HF_ENDPOINT, " + endpoint + ")");
        }
        ModelDownloader.Downloaded done;
        try (BarProgress bar = new BarProgress(from.fileName())) {
            done = downloader.download(from, target, sha256, bar);
        }
        Path placed = place(done.file(), dir);
        out.println((done.resumedFrom() > 0 ? "resumed at " + done.resumedFrom() + " bytes; " : "") + "sha256 " + done.sha256()
                + (done.verified() ? " (verified)" : " (no checksum published: not verified)"));
        out.println("installed " + placed);
        return 0;
    }

    /** A LoRA goes to lora/; anything that is neither a checkpoint nor a LoRA is refused and removed. */
    private static Path place(Path downloaded, Path dir) throws IOException {
        try {
            if (ModelInspector.isLora(downloaded)) {
                Path loras = Files.createDirectories(dir.resolve("lora"));
                return Files.move(downloaded, loras.resolve(downloaded.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
            ModelInspector.inspect(downloaded);
            return downloaded;
        } catch (RuntimeException e) {
            Files.deleteIfExists(downloaded);
            throw new IllegalArgumentException("the download is not a usable safetensors checkpoint or LoRA ("
                    + e.getMessage() + "); it was removed");
        }
    }

    /** The terminal progress bar of the download. */
    private static final class BarProgress implements ModelDownloader.Progress, AutoCloseable {
        private final String task;
        private ProgressBar bar;

        BarProgress(String task) {
            this.task = task;
        }

        @Override
        public void start(long totalBytes, long alreadyThere) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalBytes).setUnit(" MiB", 1 << 20)
                    .setStyle(ProgressBarStyle.ASCII).showSpeed().build();
            bar.stepTo(alreadyThere);
        }

        @Override
        public void advance(long bytes) {
            bar.stepBy(bytes);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}

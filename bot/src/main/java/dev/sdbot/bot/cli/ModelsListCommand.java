package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.Generators;
import dev.sdbot.inference.pipeline.ModelDirectory;
import dev.sdbot.inference.pipeline.ModelInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Models and LoRAs in SDBOT_MODELS: name, family, size, safety checker.")
final class ModelsListCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = models.modelsDir();
        ModelDirectory directory = new ModelDirectory(dir);
        // the checker the worker would use for models without their own (SDBOT_SAFETY_CHECKER or SDBOT_MODELS/safety-checker)
        boolean sharedChecker = Generators.sharedSafetyChecker(models.root.config()).isPresent();
        Map<String, Path> found = directory.models();
        out.printf("%-32s %-16s %10s  %s%n", "NAME", "FAMILY", "SIZE", "SAFETY CHECKER");
        for (Map.Entry<String, Path> model : found.entrySet()) {
            try {
                ModelInspector.ModelInfo info = ModelInspector.inspect(model.getValue());
                String checker = info.ownChecker() ? "own" : sharedChecker ? "shared" : "NONE (images unchecked)";
                out.printf("%-32s %-16s %10s  %s%n", model.getKey(), info.description(), size(info.bytes()), checker);
            } catch (RuntimeException e) {
                out.printf("%-32s %-16s %10s  %s%n", model.getKey(), "unreadable", "-", e.getMessage());
            }
        }
        Path loras = dir.resolve("lora");
        int loraCount = 0;
        if (Files.isDirectory(loras)) {
            try (Stream<Path> files = Files.list(loras)) {
                for (Path lora : files.sorted().toList()) {
                    String file = lora.getFileName().toString();
                    if (file.toLowerCase(Locale.ROOT).endsWith(".safetensors") && ModelInspector.isLora(lora)) {
                        out.printf("%-32s %-16s %10s  %s%n", file.substring(0, file.length() - 12), "LoRA",
                                size(Files.size(lora)), "-");
                        loraCount++;
                    }
                }
            }
        }
        if (found.isEmpty() && loraCount == 0) {
            out.println("(no models in " + dir + "; add one with: sdbot models pull <owner/repo> --file <file.safetensors>)");
        }
        return 0;
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}

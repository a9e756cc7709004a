package dev.sdbot.bot.cli;

import dev.sdbot.inference.pipeline.ModelDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Deletes a model (file or diffusers folder) or a LoRA (lora/NAME) from SDBOT_MODELS.")
final class ModelsRemoveCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "NAME", description = "As 'sdbot models list' shows it; LoRAs as lora/NAME.")
    String name;

    @Override
    public Integer call() throws IOException {
        Path dir = models.modelsDir();
        Path target;
        if (name.startsWith("lora/")) {
            String lora = name.substring("lora/".length());
            target = dir.resolve("lora").resolve(lora + ".safetensors");
            if (lora.isEmpty() || lora.contains("/") || !Files.isRegularFile(target)) {
                throw new IllegalArgumentException("no LoRA '" + lora + "' in " + dir.resolve("lora"));
            }
        } else {
            target = new ModelDirectory(dir).models().get(name);
            if (target == null) {
                throw new IllegalArgumentException("no model '" + name + "' in " + dir + " (see: sdbot models list)");
            }
        }
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.walk(target)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(target);
        }
        spec.commandLine().getOut().println("removed " + name + " (" + target + ")");
        return 0;
    }
}

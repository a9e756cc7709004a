package dev.sdbot.bot.cli;

import dev.sdbot.inference.weights.PickledWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Writes a pickled weights file (.ckpt .pt .pth .bin) as NAME.safetensors beside it. The pickle is"
                + " read by a restricted reader that never runs code: anything beyond tensors and plain containers is"
                + " refused, naming what it asked for.")
final class ModelsConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "FILE", description = "The pickled weights file.")
    Path file;
    @Option(names = "--force", description = "Replace an existing NAME.safetensors.")
    boolean force;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        if (!PickledWeights.isPickled(file)) {
            throw new IllegalArgumentException(file + " is not a pickled weights file (" + String.join(" ",
                    PickledWeights.SUFFIXES) + ")");
        }
        Path target = file.resolveSibling(PickledWeights.stem(file.getFileName().toString()) + ".safetensors");
        if (Files.exists(target) && !force) {
            throw new IllegalArgumentException(target + " exists (use --force to replace it)");
        }
        PickledWeights.convert(file, target);
        spec.commandLine().getOut().println("wrote " + target);
        return 0;
    }
}

package dev.sdbot.bot.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "The model library in SDBOT_MODELS: list, pull from the Hugging Face Hub or a URL, remove,"
                + " convert pickled weights to safetensors.",
        subcommands = {ModelsListCommand.class, ModelsPullCommand.class, ModelsRemoveCommand.class,
                ModelsConvertCommand.class})
final class ModelsCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;

    Path modelsDir() {
        return root.config().models().dir();
    }

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.err);
        return 2;
    }
}

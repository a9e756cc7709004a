package dev.sdbot.bot.cli;

import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.controlnet.ControlNetLibrary;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code ./sdbot generate}'s ControlNet unit: A1111's ControlNet options for one net. */
final class ControlOptions {
    @Option(names = "--control", description = "ControlNet: a name in SDBOT_MODELS/controlnet, a diffusers folder or a file.")
    String control;
    @Option(names = "--control-image", description = "Control image (PNG/JPEG/WebP): edges, pose, depth... or a photo for canny.")
    Path image;
    @Option(names = "--control-preprocessor", defaultValue = "none", description = "none or canny (${DEFAULT-VALUE}).")
    String preprocessor;
    @Option(names = "--control-weight", defaultValue = "1", description = "Control Weight, 0-2 (${DEFAULT-VALUE}).")
    double weight;
    @Option(names = "--control-start", defaultValue = "0", description = "Starting Control Step, 0-1 (${DEFAULT-VALUE}).")
    double start;
    @Option(names = "--control-end", defaultValue = "1", description = "Ending Control Step, 0-1 (${DEFAULT-VALUE}).")
    double end;
    @Option(names = "--canny-low", defaultValue = "100", description = "Canny low threshold (${DEFAULT-VALUE}).")
    int cannyLow;
    @Option(names = "--canny-high", defaultValue = "200", description = "Canny high threshold (${DEFAULT-VALUE}).")
    int cannyHigh;

    /** The unit, or none without --control; every number is checked here, before any model is read. */
    List<ControlNetUnit> units(Path modelsDir) {
        if (control == null && image == null) {
            return List.of();
        }
        if (control == null || image == null) {
            throw new IllegalArgumentException("--control and --control-image go together");
        }
        Path asPath = Path.of(control);
        Path weights = Files.exists(asPath) ? asPath : ControlNetLibrary.inModels(modelsDir).resolve(control);
        String name = Files.exists(asPath) ? asPath.getFileName().toString().replaceFirst("\\.[^.]+$", "") : control;
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("--control-image " + image + ": no such file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new IllegalArgumentException("--control-image " + image + ": cannot read it (" + e.getMessage() + ")", e);
        }
        ControlNetUnit unit = new ControlNetUnit(name, weights, bytes, preprocessor, cannyLow, cannyHigh, weight, start,
                end);
        String problem = unit.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return List.of(unit);
    }
}

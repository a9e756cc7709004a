package dev.sdbot.bot.cli;

import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.controlnet.ControlNetLibrary;
import dev.sdbot.inference.weights.PickledWeights;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One ControlNet unit of {@code ./sdbot generate} (A1111's options for one net); the command takes the group once
 * per {@code --control}, so {@code --control a --control-image x --control b --control-image y} is two units.
 */
final class ControlOptions {
    @Option(names = "--control", description = "ControlNet: a name in SDBOT_MODELS/controlnet, a diffusers folder or a file.")
    String control;
    @Option(names = "--control-image", description = "Control image (PNG/JPEG/WebP): edges, pose, depth... or a photo for canny.")
    Path image;
    @Option(names = "--control-preprocessor", defaultValue = "none", description = "none, canny or canny:LOW:HIGH (thresholds; as --canny-low/--canny-high) (${DEFAULT-VALUE}).")
    String preprocessor;
    @Option(names = "--control-weight", defaultValue = "1", description = "Control Weight, 0-2 (${DEFAULT-VALUE}).")
    double weight;
    @Option(names = "--control-start", defaultValue = "0", description = "Starting Control Step, 0-1 (${DEFAULT-VALUE}).")
    double start;
    @Option(names = "--control-end", defaultValue = "1", description = "Ending Control Step, 0-1 (${DEFAULT-VALUE}).")
    double end;
    @Option(names = "--control-mode", defaultValue = "balanced",
            description = "balanced, prompt (My prompt is more important) or controlnet (ControlNet is more important) (${DEFAULT-VALUE}).")
    String mode;
    @Option(names = "--canny-low", defaultValue = "100", description = "Canny low threshold (${DEFAULT-VALUE}).")
    int cannyLow;
    @Option(names = "--canny-high", defaultValue = "200", description = "Canny high threshold (${DEFAULT-VALUE}).")
    int cannyHigh;

    /** The request's units and where the engine finds each named net. */
    record ControlNets(List<ControlNetUnit> units, Map<String, Path> weights) {
    }

    /**
     * The units of all groups, in order, every number checked here before any model is read; names resolve in
     * {@code SDBOT_MODELS/controlnet}, a path stands for itself under its file name.
     */
    static ControlNets resolve(List<ControlOptions> groups, Path modelsDir) {
        Map<String, Path> weights = new TreeMap<>(ControlNetLibrary.inModels(modelsDir).controlNets());
        List<ControlNetUnit> units = new ArrayList<>();
        for (ControlOptions group : groups) {
            units.add(group.unit(weights));
        }
        return new ControlNets(units, weights);
    }

    private ControlNetUnit unit(Map<String, Path> weights) {
        if (control == null || image == null) {
            throw new IllegalArgumentException("--control and --control-image go together");
        }
        Path asPath = Path.of(control);
        String name = control;
        if (Files.exists(asPath)) {
            name = PickledWeights.stem(asPath.getFileName().toString());
            weights.put(name, asPath);
        }
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("--control-image " + image + ": no such file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new IllegalArgumentException("--control-image " + image + ": cannot read it (" + e.getMessage() + ")", e);
        }
        ControlNetUnit unit = new ControlNetUnit(name, bytes, "none", cannyLow, cannyHigh, weight, start, end,
                ControlMode.fromId(mode)).withPreprocessor(preprocessor);
        String problem = unit.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return unit;
    }
}

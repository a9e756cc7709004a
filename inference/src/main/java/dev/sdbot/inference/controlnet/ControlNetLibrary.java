package dev.sdbot.inference.controlnet;

import dev.sdbot.inference.weights.ControlNetWeights;
import dev.sdbot.inference.weights.PickledWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The ControlNets a worker offers: {@code <models>/controlnet/NAME/} (diffusers folder) or
 * {@code <models>/controlnet/NAME.safetensors} (or a pickled {@code .pth}, read safely), as A1111's
 * {@code models/ControlNet}. Rescanned on every call.
 */
public final class ControlNetLibrary {
    private final Path dir;

    public ControlNetLibrary(Path dir) {
        this.dir = dir;
    }

    public static ControlNetLibrary inModels(Path modelsDir) {
        return new ControlNetLibrary(modelsDir.resolve("controlnet"));
    }

    /** Name → folder or file, sorted by name; a folder or .safetensors wins over a pickle of the same name. */
    public Map<String, Path> controlNets() {
        Map<String, Path> found = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> Files.isDirectory(p) ? Files.isRegularFile(p.resolve(ControlNetWeights.FOLDER_WEIGHTS))
                            : PickledWeights.isWeightsFileName(p.getFileName().toString()))
                    .sorted(Comparator.comparing((Path p) -> !Files.isDirectory(p) && PickledWeights.isPickled(p))
                            .thenComparing(Path::toString))
                    .forEach(p -> found.putIfAbsent(Files.isDirectory(p) ? p.getFileName().toString()
                            : PickledWeights.stem(p.getFileName().toString()), p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list ControlNets in " + dir, e);
        }
        return found;
    }

    /** The folder or file of {@code name}; the message lists what there is. */
    public Path resolve(String name) {
        Map<String, Path> all = controlNets();
        Path path = all.get(name);
        if (path == null) {
            throw new IllegalArgumentException("unknown ControlNet '" + name + "'; available: "
                    + (all.isEmpty() ? "none (put diffusers folders or .safetensors files in " + dir + ")"
                    : String.join(", ", all.keySet())));
        }
        return path;
    }
}

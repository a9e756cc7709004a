package dev.sdbot.inference.upscale;

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
 * The upscalers a worker offers: {@code <models>/upscalers/NAME.safetensors} (or a pickled {@code .pth}/{@code .pt},
 * read safely), named NAME as A1111's {@code models/ESRGAN}. Rescanned on every call.
 */
public final class UpscalerLibrary {
    private final Path dir;

    public UpscalerLibrary(Path dir) {
        this.dir = dir;
    }

    public static UpscalerLibrary inModels(Path modelsDir) {
        return new UpscalerLibrary(modelsDir.resolve("upscalers"));
    }

    /** Name → file, sorted by name; a .safetensors wins over a pickle of the same name. */
    public Map<String, Path> upscalers() {
        Map<String, Path> found = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).filter(p -> PickledWeights.isWeightsFileName(p.getFileName().toString()))
                    .sorted(Comparator.comparing(PickledWeights::isPickled))
                    .forEach(p -> found.putIfAbsent(PickledWeights.stem(p.getFileName().toString()), p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list upscalers in " + dir, e);
        }
        return found;
    }

    /** Name → the factor its network enlarges by, for the upscalers whose architecture the header tells. */
    public Map<String, Integer> scales() {
        Map<String, Integer> scales = new TreeMap<>();
        upscalers().forEach((name, file) -> UpscalerWeights.scaleOf(file).ifPresent(s -> scales.put(name, s)));
        return scales;
    }

    /** The file of {@code name}; the message lists what there is. */
    public Path resolve(String name) {
        Map<String, Path> all = upscalers();
        Path file = all.get(name);
        if (file == null) {
            throw new IllegalArgumentException("unknown upscaler '" + name + "'; available: "
                    + (all.isEmpty() ? "none (put ESRGAN .safetensors/.pth files in " + dir + ")"
                    : String.join(", ", all.keySet())));
        }
        return file;
    }
}

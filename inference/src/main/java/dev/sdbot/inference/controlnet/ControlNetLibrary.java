package dev.sdbot.inference.controlnet;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.weights.ConfigJson;
import dev.sdbot.inference.weights.ControlNetWeights;
import dev.sdbot.inference.weights.PickledWeights;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The ControlNets a worker offers: {@code <models>/controlnet/NAME/} (diffusers folder) or
 * {@code <models>/controlnet/NAME.safetensors} (or a pickled {@code .pth}, read safely), as A1111's
 * {@code models/ControlNet}; a file's {@code NAME.json} sidecar (its diffusers config) is no model of its own.
 * Rescanned on every call.
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

    /** The family of each ControlNet that {@link #family} can tell, by name. */
    public Map<String, ModelFamily> families() {
        Map<String, ModelFamily> families = new TreeMap<>();
        controlNets().forEach((name, path) -> family(path).ifPresent(f -> families.put(name, f)));
        return families;
    }

    /**
     * The model family a ControlNet is for: SDXL when it has SDXL's added time/size embedding, else SD 2.x when its
     * text context is 1024 wide, else SD 1.x; read from a folder's {@code config.json} (or a file's {@code NAME.json}
     * sidecar) or else a safetensors header. Empty
     * for a pickle (not converted just to publish it: the engine still refuses a mismatch when it loads one) or a
     * file it cannot read.
     */
    public static Optional<ModelFamily> family(Path path) {
        try {
            Optional<Path> configFile = ControlNetLoader.config(path);
            if (configFile.isPresent()) {
                ConfigJson config = ConfigJson.read(configFile.get());
                return Optional.of(family(config.getString("addition_embed_type", null) != null,
                        config.getInt("cross_attention_dim", 0)));
            }
            if (PickledWeights.isPickled(path)) {
                return Optional.empty();
            }
            try (SafetensorsFile file = SafetensorsFile.open(path)) {
                boolean added = file.keys().stream().anyMatch(k -> k.contains("add_embedding.") || k.contains("label_emb."));
                return file.keys().stream().filter(k -> k.endsWith("attn2.to_k.weight")).sorted().findFirst()
                        .map(k -> family(added, (int) file.info(k).shape()[1]));
            }
        } catch (RuntimeException e) {
            return Optional.empty(); // generating with it reports why it does not load
        }
    }

    private static ModelFamily family(boolean addedEmbedding, int contextWidth) {
        if (addedEmbedding) {
            return ModelFamily.SDXL;
        }
        return contextWidth == 1024 ? ModelFamily.SD2 : ModelFamily.SD1;
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

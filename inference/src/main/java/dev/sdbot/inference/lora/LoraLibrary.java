package dev.sdbot.inference.lora;

import dev.sdbot.inference.weights.FileHashes;
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
 * The LoRAs a worker offers: {@code <models>/lora/NAME.safetensors} (or a pickled {@code .pt}/{@code .ckpt}, read
 * safely), named NAME (as A1111's {@code models/Lora}), and peft adapter folders {@code <models>/lora/NAME/} holding
 * {@code adapter_model.safetensors} (with its {@code adapter_config.json}), named NAME and standing for that file.
 * Rescanned on every call, so LoRAs can be added while the worker runs. Short hashes (A1111's {@code shorthash}:
 * the first 12 hex digits of the file's SHA-256) are computed once per file version.
 */
public final class LoraLibrary {
    /** The weights file of peft's {@code save_pretrained} folder. */
    private static final String PEFT_ADAPTER = "adapter_model.safetensors";
    private final Path dir;

    public LoraLibrary(Path dir) {
        this.dir = dir;
    }

    /** The library of a models directory: its {@code lora/} folder. */
    public static LoraLibrary inModels(Path modelsDir) {
        return new LoraLibrary(modelsDir.resolve("lora"));
    }

    /** The folder scanned. */
    public Path folder() {
        return dir;
    }

    /** Name → file, sorted by name; empty when the folder does not exist. */
    public Map<String, Path> loras() {
        Map<String, Path> loras = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return loras;
        }
        try (Stream<Path> files = Files.list(dir)) {
            // a .safetensors wins over a pickled file of the same name
            files.sorted(Comparator.comparing(PickledWeights::isPickled)).forEach(p -> {
                String file = p.getFileName().toString();
                Path adapter = p.resolve(PEFT_ADAPTER);
                if (Files.isRegularFile(p) && PickledWeights.isWeightsFileName(file)) {
                    loras.putIfAbsent(PickledWeights.stem(file), p);
                } else if (Files.isRegularFile(adapter)) {
                    loras.putIfAbsent(file, adapter);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list LoRAs in " + dir, e);
        }
        return loras;
    }

    /** A1111's short hash of a LoRA file: the first 12 hex digits of its SHA-256. */
    public String shortHash(Path file) {
        return FileHashes.sha256(file).substring(0, 12);
    }
}
